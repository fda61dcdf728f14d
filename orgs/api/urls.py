app_name = "orgs-api"
urlpatterns = []
