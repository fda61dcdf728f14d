"""The registers API: thin views over the scoped viewset. Reads go through ``visible_to`` (out of sight is a
404); identity numbers and phones are disclosed as ``privacy`` says, and each whole view is logged; writes go
through the services (400 bad fields, 403 a register one reads but does not keep)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedViewSet

from .. import filters, selectors, services
from ..importing import RegisterImportError, register_import
from ..models import PersonalDataView
from ..privacy import disclose
from ..roles import ADD_EVERY
from . import serializers as s

API = PersonalDataView.Via.API


class RegisterViewSet(ScopedViewSet):
    """Lists, reads, creates and changes (PATCH) rows of one register; ``create_with`` / ``update_with`` are the
    services, ``update_serializer_class`` the partial input."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    update_serializer_class = None
    discloses = False

    def get_serializer_class(self):
        if self.action == "partial_update" and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return disclose(self.request.user, page, via=API) if self.discloses and page is not None else page

    def answer(self, obj, code=status.HTTP_200_OK):
        """The row as its reader (or writer) now sees it: 404 if out of sight."""
        obj = get_object_or_404(self.get_queryset(), pk=obj.pk)
        if self.discloses:
            disclose(self.request.user, [obj], via=API)
        return Response(self.output_serializer_class(obj, context=self.get_serializer_context()).data, status=code)

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object())

    def create(self, request):
        return self.answer(self.create_with(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        fields = self.validated(partial=True)
        return self.answer(self.update_with(user=request.user, **{self.basename: self.get_object()}, **fields))


@extend_schema(tags=["registers"])
class HouseViewSet(RegisterViewSet):
    """Houses of your grids (楼区-楼门-楼层-户), with their use, occupancy and the residents living there."""

    queryset = selectors.houses()
    filterset_class = filters.HouseFilter
    output_serializer_class = s.HouseOut
    input_serializer_class = s.HouseIn
    update_serializer_class = s.HouseUpdateIn
    create_with, update_with = staticmethod(services.house_create), staticmethod(services.house_update)


@extend_schema(tags=["registers"])
class ResidentViewSet(RegisterViewSet):
    """Residents of your grids, registered (户籍) and floating (流动), each in a house of the register. Identity
    numbers and phones are masked unless the grid is yours; each unmasked view is logged."""

    queryset = selectors.residents()
    filterset_class = filters.ResidentFilter
    output_serializer_class = s.ResidentOut
    input_serializer_class = s.ResidentIn
    update_serializer_class = s.ResidentIn
    discloses = True
    create_with, update_with = staticmethod(services.resident_create), staticmethod(services.resident_update)


@extend_schema(tags=["registers"])
class PlaceViewSet(RegisterViewSet):
    """Units and places of your grids (shops, schools, construction sites, key-unit premises…); contact phones are
    masked unless the grid is yours."""

    queryset = selectors.places()
    filterset_class = filters.PlaceFilter
    output_serializer_class = s.PlaceOut
    input_serializer_class = s.PlaceIn
    update_serializer_class = s.PlaceUpdateIn
    discloses = True
    create_with, update_with = staticmethod(services.place_create), staticmethod(services.place_update)


class KeepsRegisters(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(ADD_EVERY))


@extend_schema(tags=["registers"])
class RegisterImportView(APIView):
    """Import a grid's houses, residents and places from one XLSX workbook: every row or none. A workbook with bad
    rows is a 400 listing ``errors`` (sheet, row, column, message); a bad ``grid`` or ``file`` a 400 on that field."""

    permission_classes = [KeepsRegisters]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": s.ImportIn}, responses={201: s.ImportOut})
    def post(self, request):
        given = s.ImportIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            report = register_import(user=request.user, grid=data["grid"], content=data["file"].read())
        except RegisterImportError as error:
            return Response(s.ImportErrorsOut({"errors": error.errors}).data, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.ImportOut(report).data, status=status.HTTP_201_CREATED)
