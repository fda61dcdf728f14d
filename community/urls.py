from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("communities/", views.communities, name="communities"),
    path("communities/<str:code>/", views.community_detail, name="community"),
    path("service-circle/", views.service_circle, name="service-circle"),
    path("households/", views.households, name="households"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("attendance/", views.attendance, name="attendance"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("care/", views.care, name="care"),
    path("care/<int:pk>/", views.care_target, name="care-target"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("matters/", views.matters_list, name="matters"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("public/matters/", views.public_matters, name="public-matters"),
    path("public/matters/propose/", views.public_propose, name="public-propose"),
    path("public/matters/track/", views.public_track, name="public-track"),
    path("public/matters/<int:pk>/", views.public_matter, name="public-matter"),
]
