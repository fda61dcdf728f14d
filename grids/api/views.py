from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..geometry import locate_unit_grid
from ..models import Grid
from ..selectors import (
    departments_visible_to,
    grids_visible_to,
    public_staff_of_grid,
    scope_of,
    staff_visible_to,
    stations_visible_to,
)
from . import filters, serializers


class TokenView(APIView):
    """Exchange a username and password for an API token (throttled per client)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=serializers.TokenRequestSerializer, responses={200: serializers.TokenSerializer},
                   tags=["auth"])
    def post(self, request):
        form = serializers.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request, username=form.validated_data["username"], password=form.validated_data["password"])
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """Who the caller is, their role and where they serve."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.MeSerializer, tags=["auth"])
    def get(self, request):
        scope = scope_of(request.user)
        profile = getattr(request.user, "staff_profile", None)
        return Response(
            {
                "username": request.user.username,
                "full_name": profile.full_name if profile else request.user.get_full_name(),
                "role": profile.role if profile else None,
                "grid_codes": list(scope.grid_codes),
                "departments": list(
                    departments_visible_to(request.user).filter(id__in=scope.department_ids).values_list("code", flat=True)
                ),
                "stations": list(
                    stations_visible_to(request.user).filter(id__in=scope.station_ids).values_list("code", flat=True)
                ),
            }
        )


@extend_schema(tags=["grids"])
class GridViewSet(viewsets.ReadOnlyModelViewSet):
    """The grid tree: district, 29 second-level grids, 643 third-level grids, as far as you may see."""

    lookup_field = "code"
    filterset_class = filters.GridFilter
    queryset = Grid.objects.none()  # for the permission class; the real queryset is scoped below

    def get_queryset(self):
        return grids_visible_to(self.request.user).select_related("parent", "community")

    def get_serializer_class(self):
        return serializers.GridDetailSerializer if self.action == "retrieve" else serializers.GridSerializer


class LocateView(APIView):
    """The third-level grid containing a point. Public: the resident pages use it too."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[serializers.LocateQuerySerializer],
        responses={200: serializers.LocatedGridSerializer, 400: OpenApiResponse(description="Malformed coordinates"),
                   404: OpenApiResponse(description="The point is outside the district")},
        tags=["grids"],
    )
    def get(self, request):
        query = serializers.LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = locate_unit_grid(query.validated_data["lat"], query.validated_data["lng"])
        if grid is None:
            raise exceptions.NotFound(_("This location is outside Haidian district."))
        return Response({"code": grid.code, "name": grid.name, "street": grid.code[:9]})


@extend_schema(tags=["departments"])
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The 13 professional departments whose forces sink into the grids."""

    lookup_field = "code"
    serializer_class = serializers.DepartmentSerializer
    queryset = departments_visible_to(None)
    pagination_class = None

    def get_queryset(self):
        return departments_visible_to(self.request.user)


@extend_schema(tags=["departments"])
class StationViewSet(viewsets.ReadOnlyModelViewSet):
    """Department stations inside streets (派驻机构) and how they are managed."""

    lookup_field = "code"
    serializer_class = serializers.StationSerializer
    filterset_class = filters.StationFilter
    queryset = stations_visible_to(None)

    def get_queryset(self):
        return stations_visible_to(self.request.user).select_related("department", "street")


@extend_schema(tags=["staff"])
class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff in your grids, department or stations."""

    serializer_class = serializers.StaffSerializer
    filterset_class = filters.StaffFilter
    queryset = staff_visible_to(None)

    def get_queryset(self):
        return staff_visible_to(self.request.user).select_related("user", "home_grid", "department", "station")


class PublicGridStaffView(APIView):
    """The public real-name listing (实名制公示) of a third-level grid's staff. No login needed."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="15-digit unit grid code")],
        responses=serializers.PublicStaffSerializer(many=True),
        tags=["public"],
    )
    def get(self, request, code: str):
        get_object_or_404(Grid, code=code, level=Grid.Level.UNIT)
        staff = public_staff_of_grid(code)
        return Response(serializers.PublicStaffSerializer(staff, many=True).data)
