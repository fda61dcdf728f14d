from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("discovery.<fmt:fmt>", views.Discovery.as_view(), name="open311-discovery"),
    path("services.<fmt:fmt>", views.Services.as_view(), name="open311-services"),
    path("services/<str:code>.<fmt:fmt>", views.ServiceDefinition.as_view(), name="open311-service"),
    path("requests.<fmt:fmt>", views.Requests.as_view(), name="open311-requests"),
    path("requests/<str:number>.<fmt:fmt>", views.RequestDetail.as_view(), name="open311-request"),
    path("tokens/<str:token>.<fmt:fmt>", views.TokenDetail.as_view(), name="open311-token"),
    re_path(r"^", views.unknown_resource, name="open311-unknown"),  # every other path
]
