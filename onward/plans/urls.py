app_name = "plans"

urlpatterns: list = []  # the pages are added as they are built
