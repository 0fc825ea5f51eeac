from onward.plans import document_urls

app_name = "plans"

urlpatterns: list = []  # the pages are added as they are built
urlpatterns += document_urls.urlpatterns
