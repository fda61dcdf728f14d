from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core import tokens, two_factor
from core.api import AccountThrottle, ScopedViewSet
from core.scoping import scope_of

from ..geometry import locate_unit_grid
from ..models import Department, Grid, StaffProfile, StreetUnit
from ..selectors import public_staff_of_grid
from . import filters, serializers


class TokenView(APIView):
    """Exchange a username and password (and, for an account with two-step verification, a current code) for an
    API token. The token is shown only here; it expires (``expiry``), and its owner can list and revoke it at
    ``/api/v1/auth/tokens/``. Throttled per client address and per account."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, AccountThrottle]
    throttle_scope = "auth"

    @extend_schema(request=serializers.TokenIn, responses={200: serializers.TokenOut},
                   tags=["auth"])
    def post(self, request):
        form = serializers.TokenIn(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
        _second_factor(user, data.get("otp", ""))
        token, raw = tokens.token_issue(user, name=data.get("name", ""))
        return Response({"token": raw, "key": token.token_key, "name": token.name, "expiry": token.expiry})


def _second_factor(user, code: str) -> None:
    """An account with two-step verification gets a token only with a current code, or an API password would
    bypass it; an account that must have it but has not set it up is sent to the website first."""
    if two_factor.has_second_factor(user):
        if not code:
            raise exceptions.ValidationError({"otp": [_("Enter the code from your authenticator app.")]})
        if not two_factor.verify_token(user, code):
            raise exceptions.ValidationError({"otp": [_("This code is not valid. Try the current one.")]})
    elif two_factor.second_factor_required(user):
        raise exceptions.PermissionDenied(_("Set up two-step verification on the website before using the API."))


class MeView(APIView):
    """Who the caller is, their role and where they serve."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.MeOut, tags=["auth"])
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
                    Department.objects.filter(id__in=scope.department_ids).values_list("code", flat=True)
                ),
                "stations": list(
                    StreetUnit.objects.filter(id__in=scope.station_ids).values_list("code", flat=True)
                ),
            }
        )


@extend_schema(tags=["grids"])
class GridViewSet(ScopedViewSet):
    """The grid tree: district, 29 second-level grids, 643 third-level grids, as far as you may see."""

    lookup_field = "code"
    filterset_class = filters.GridFilter
    queryset = Grid.objects.select_related("parent", "community")
    output_serializer_class = serializers.GridOut

    def get_serializer_class(self):
        return serializers.GridDetailOut if self.action == "retrieve" else serializers.GridOut


class LocateView(APIView):
    """The third-level grid containing a point. Public: the resident pages use it too."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[serializers.LocateQuery],
        responses={200: serializers.LocatedGridOut, 400: OpenApiResponse(description="Malformed coordinates"),
                   404: OpenApiResponse(description="The point is outside the district")},
        tags=["grids"],
    )
    def get(self, request):
        query = serializers.LocateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = locate_unit_grid(query.validated_data["lat"], query.validated_data["lng"])
        if grid is None:
            raise exceptions.NotFound(_("This location is outside Haidian district."))
        return Response({"code": grid.code, "name": grid.name, "street": grid.code[:9]})


@extend_schema(tags=["departments"])
class DepartmentViewSet(ScopedViewSet):
    """The 13 professional departments whose forces sink into the grids."""

    lookup_field = "code"
    output_serializer_class = serializers.DepartmentOut
    queryset = Department.objects.all()
    pagination_class = None


@extend_schema(tags=["departments"])
class StationViewSet(ScopedViewSet):
    """The units inside streets that take small-cycle cases: department stations (派驻机构) and the streets' own
    sections (科室), and how they are managed."""

    lookup_field = "code"
    output_serializer_class = serializers.StationOut
    filterset_class = filters.StationFilter
    queryset = StreetUnit.objects.select_related("department", "street")


@extend_schema(tags=["staff"])
class StaffViewSet(ScopedViewSet):
    """Staff in the grids you may look at, your department or stations, and yourself."""

    output_serializer_class = serializers.StaffOut
    filterset_class = filters.StaffFilter
    queryset = StaffProfile.objects.select_related("user", "home_grid", "department", "station")


class PublicGridStaffView(APIView):
    """The public real-name listing (实名制公示) of a third-level grid's staff. No login needed."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="15-digit unit grid code")],
        responses=serializers.PublicStaffOut(many=True),
        tags=["public"],
    )
    def get(self, request, code: str):
        get_object_or_404(Grid, code=code, level=Grid.Level.UNIT)
        staff = public_staff_of_grid(code)
        return Response(serializers.PublicStaffOut(staff, many=True).data)
