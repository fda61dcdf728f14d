from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet
from grids.selectors import grid_get_for_user

from .. import services
from ..coverage import coverage
from ..filters import PatrolFilter, PlanFilter, PointFilter
from ..models import CheckIn, Patrol, PatrolPlan, PatrolPoint
from . import serializers as s


@extend_schema_view(list=extend_schema(tags=["patrols"]), retrieve=extend_schema(tags=["patrols"]),
                    create=extend_schema(tags=["patrols"]))
class PatrolPlanViewSet(ScopedViewSet):
    """Each unit grid's patrol plan: how many patrols every how many days. POST sets a grid's plan (creates or
    changes it)."""

    queryset = PatrolPlan.objects.select_related("grid")
    output_serializer_class = s.PlanOut
    input_serializer_class = s.PlanIn
    filterset_class = PlanFilter
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {"coverage": ["patrols.view_patrolplan"]}

    def create(self, request):
        return self.respond(services.plan_set(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(parameters=[s.PatrolCoverageIn], responses=s.PatrolCoverageOut, tags=["patrols"],
                   summary="Coverage: plans behind and points not visited lately")
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def coverage(self, request):
        code = self.validated(s.PatrolCoverageIn, data=request.query_params).get("grid") or None
        if code:
            code = grid_get_for_user(request.user, code).code  # 404 outside the reader's sight
        return Response(s.PatrolCoverageOut(coverage(request.user, code)).data)


@extend_schema_view(list=extend_schema(tags=["patrols"]), retrieve=extend_schema(tags=["patrols"]),
                    create=extend_schema(tags=["patrols"]), partial_update=extend_schema(tags=["patrols"]))
class PatrolPointViewSet(ScopedViewSet):
    """The points a grid's patrols visit (places, key units, road sections)."""

    queryset = PatrolPoint.objects.select_related("grid")
    output_serializer_class = s.PointOut
    input_serializer_class = s.PointIn
    filterset_class = PointFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        return self.respond(services.point_add(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.PointUpdateIn)
    def partial_update(self, request, pk=None):
        point = self.get_object()
        return self.respond(services.point_update(user=request.user, point=point, **self.validated(s.PointUpdateIn)))


@extend_schema_view(list=extend_schema(tags=["patrols"]), retrieve=extend_schema(tags=["patrols"]))
class PatrolViewSet(ScopedViewSet):
    """Patrols: yours and those of the grids you see. POST starts one (your own grid unless you name another you
    serve; one at a time, else 409); a check-in outside the grid or far from its point is recorded and flagged."""

    queryset = Patrol.objects.select_related("grid", "patroller").prefetch_related(
        Prefetch("check_ins", CheckIn.objects.select_related("point").order_by("at", "id")))
    output_serializer_class = s.PatrolOut
    input_serializer_class = s.PatrolStartIn
    filterset_class = PatrolFilter
    http_method_names = ["get", "post", "head", "options"]
    # Whose step it is, is the workflow's answer (403 there); seeing the patrol is enough to ask.
    action_perms = {"check_ins": ["patrols.view_patrol"], "end": ["patrols.view_patrol"]}

    def get_serializer_class(self):
        return s.PatrolRowOut if self.action == "list" else super().get_serializer_class()

    @extend_schema(tags=["patrols"], responses={201: s.PatrolOut})
    def create(self, request):
        data = self.validated(s.PatrolStartIn)
        patrol = services.patrol_start(user=request.user, grid=data.get("grid"))
        return self.respond(patrol, status.HTTP_201_CREATED)

    @extend_schema(request=s.CheckInIn, responses={201: s.CheckInOut}, tags=["patrols"])
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        check_in = services.patrol_check_in(user=request.user, patrol=self.get_object(),
                                            **self.validated(s.CheckInIn))
        return self.respond(check_in, status.HTTP_201_CREATED, s.CheckInOut)

    @extend_schema(request=s.PatrolEndIn, responses=s.PatrolOut, tags=["patrols"])
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.respond(services.patrol_end(user=request.user, patrol=self.get_object(),
                                                **self.validated(s.PatrolEndIn)))
