from django.urls import path

from . import fund_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.organisations, name="organisations"),
    path("new/", views.organisation_new, name="organisation-new"),
    path("<int:pk>/", views.organisation_detail, name="organisation"),
    path("incubation/", views.incubation, name="incubation"),
    path("purchases/", views.purchases, name="purchases"),
    path("purchases/<int:pk>/", views.project_detail, name="project"),
    path("awards/", views.awards, name="awards"),
    path("fund/", fund_views.fund, name="fund"),
    path("fund/calls/<int:pk>/", fund_views.fund_call, name="fund-call"),
    path("fund/applications/<int:pk>/", fund_views.fund_application, name="fund-application"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("public/", views.public, name="public"),
    path("public/report/", views.public_report, name="public-report"),
]
