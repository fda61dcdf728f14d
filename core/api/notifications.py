"""``/api/v1/notifications/``: the caller's own notifications."""
import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification
from ..notifications import notifications_of


class NotificationOut(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True, help_text="The page of what it concerns, if it has one")
    case = serializers.SerializerMethodField(help_text="Deprecated: the same as subject")

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "case", "url", "message", "created_at", "read_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, notification) -> str | None:
        return notification.subject or None


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="Only unread ones")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


@extend_schema_view(list=extend_schema(tags=["notifications"]))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your in-app notifications, newest first. (Everyone sees only their own: no scope applies.)"""

    serializer_class = NotificationOut
    filterset_class = NotificationFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return notifications_of(self.request.user)

    @extend_schema(request=None, responses={200: NotificationOut}, tags=["notifications"])
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)
