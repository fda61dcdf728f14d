from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_inbox, name="inbox"),
    path("new/", views.case_new, name="new"),
    path("desk/", views.case_desk, name="desk"),
    path("must-report/", views.case_must_report, name="must-report"),
    path("bulk-dispatch/", views.case_bulk_dispatch, name="bulk-dispatch"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.case_export, name="export"),
    path("exports/<int:pk>/", views.case_export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.case_export_download, name="export-download"),
    path("notifications/", RedirectView.as_view(pattern_name="notifications", permanent=True)),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data.json", views.dashboard_data, name="dashboard-data"),
    path("routing/", views.routing_page, name="routing"),
    path("grids/<str:code>/", views.grid_page, name="grid"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/created/", views.case_created, name="created"),
    path("<str:number>/act/<str:action>/", views.case_act, name="act"),
    path("<str:number>/callbacks/", views.case_callback, name="callback"),
    path("<str:number>/follow-up/", views.case_follow_up, name="follow-up"),
    path("<str:number>/photos/", views.case_photo_upload, name="photo-upload"),
    path("<str:number>/photos/<int:pk>/", views.case_photo, name="photo"),
    path("<str:number>/photos/<int:pk>/thumbnail/", views.case_photo, {"thumbnail": True}, name="photo-thumbnail"),
]
