from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, pagination, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import attachments, selectors, services
from ..models import Case, Notification
from ..workflow import Action
from . import filters, serializers


class CasePagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CanViewCases(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("cases.view_case"))


CASE_EXAMPLE = OpenApiExample(
    "Exposed rubbish reported by a grid worker",
    value={"title": "小区门口暴露垃圾", "description": "东门垃圾桶旁堆放生活垃圾约2立方米", "category": "E0102",
           "lat": 39.9923, "lng": 116.3521, "address": "学院路街道某小区东门", "urgency": "normal",
           "source": "grid_patrol"},
    request_only=True,
)
ACTION_EXAMPLES = [
    OpenApiExample("dispatch to a station", value={"version": 2, "department": "urban_enforcement-110108009"},
                   request_only=True),
    OpenApiExample("dispatch to a person (micro-cycle)", value={"version": 2, "assignee": "worker"}, request_only=True),
    OpenApiExample("feedback", value={"result": "已清运完毕"}, request_only=True),
    OpenApiExample("return", value={"reason": "不属于本部门职责"}, request_only=True),
    OpenApiExample("request_extension", value={"until": "2026-12-04T18:00:00+08:00", "reason": "需协调产权单位"},
                   request_only=True),
    OpenApiExample("merge", value={"into": "HD20261124000123"}, request_only=True),
    OpenApiExample("evaluate", value={"satisfaction": 5, "comment": "处理及时"}, request_only=True),
]


@extend_schema_view(
    list=extend_schema(summary="Cases you may see", tags=["cases"]),
    retrieve=extend_schema(summary="One case with the actions you may take now", tags=["cases"]),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    serializer_class = serializers.CaseSerializer
    filterset_class = filters.CaseFilter
    pagination_class = CasePagination
    queryset = Case.objects.none()

    def get_queryset(self):
        return selectors.with_relations(selectors.cases_visible_to(self.request.user))

    def get_serializer_class(self):
        return serializers.CaseListSerializer if self.action == "list" else serializers.CaseSerializer

    def get_permissions(self):
        if self.action in ("act", "events", "attachments"):
            return [CanViewCases()]
        return super().get_permissions()

    @extend_schema(
        summary="Report a case",
        description="Creates a case in `collected` (or `filed` when you dispatch its tier). Send an "
                    "`Idempotency-Key` header to make retries safe: the same key returns the same case.",
        request=serializers.CaseCreateSerializer,
        responses={201: serializers.CaseSerializer, 200: serializers.CaseSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        examples=[CASE_EXAMPLE],
        tags=["cases"],
    )
    def create(self, request, *args, **kwargs):
        form = serializers.CaseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()[:48] or None
        case, created = services.case_create(actor=request.user, data=services.NewCase(**form.validated_data),
                                             creation_key=key)
        data = serializers.CaseSerializer(case, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Take an action on a case",
        description="Actions: " + ", ".join(f"`{a.value}`" for a in Action) + ". Wrong state or stale `version` → "
                    "409; not your step → 403; a case you cannot see → 404; bad fields → 400. Fields by action: "
                    "`dispatch` department|assignee; `feedback`/`handle_on_spot` result; `reject`/`return`/"
                    "`rework`/`escalate` reason; `request_extension` until + reason; `merge` into; `evaluate` "
                    "satisfaction (+ comment); `comment` comment.",
        request=serializers.ActionSerializer,
        responses={200: serializers.CaseSerializer},
        parameters=[OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[a.value for a in Action])],
        examples=ACTION_EXAMPLES,
        tags=["cases"],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, number=None, action_name=None):
        body = serializers.ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        case = services.case_act(actor=request.user, number=number, action=action_name, data=data, version=version)
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(summary="The case's audit trail", responses=serializers.EventSerializer(many=True), tags=["cases"])
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, number=None):
        case = selectors.case_get_for_user(request.user, number)
        return Response(serializers.EventSerializer(case.events.order_by("seq"), many=True).data)

    @extend_schema(
        summary="Photos of the case (GET) / add a photo (POST, multipart)",
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={200: serializers.AttachmentSerializer(many=True), 201: serializers.AttachmentSerializer},
        tags=["cases"],
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser],
            pagination_class=None)
    def attachments(self, request, number=None):
        if request.method == "GET":
            case = selectors.case_get_for_user(request.user, number)
            return Response(serializers.AttachmentSerializer(case.attachments.all(), many=True,
                                                             context={"request": request}).data)
        if not request.user.has_perm("cases.add_attachment"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role may not add photos."))
        upload = serializers.AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = attachments.case_attach(actor=request.user, number=number,
                                          content=upload.validated_data["file"].read(),
                                          stage=upload.validated_data.get("stage"))
        return Response(serializers.AttachmentSerializer(attachment, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=["cases"]), retrieve=extend_schema(tags=["cases"]))
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The case catalogue: classes and subclasses with tier, department and step limits."""

    lookup_field = "code"
    serializer_class = serializers.CategorySerializer
    pagination_class = None
    queryset = selectors.categories_active()


@extend_schema_view(list=extend_schema(tags=["notifications"]))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your in-app notifications, newest first."""

    serializer_class = serializers.NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        queryset = selectors.notifications_of(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(request=None, responses={200: serializers.NotificationSerializer}, tags=["notifications"])
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)
