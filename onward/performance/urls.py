app_name = "performance"

urlpatterns: list = []  # the pages are added as they are built
