from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery, name="open311-discovery"),
    path("services.<fmt:fmt>", views.services, name="open311-services"),
    path("services/<str:code>.<fmt:fmt>", views.service_definition, name="open311-service"),
    path("requests.<fmt:fmt>", views.requests_collection, name="open311-requests"),
    path("requests/<str:number>.<fmt:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<str:token>.<fmt:fmt>", views.token_detail, name="open311-token"),
]
