"""API plumbing shared by the apps: a permission per custom action, a
viewset whose reads come from a selector and whose writes go through services, and the
post-write re-check (the object must still be visible to its writer, or it is a 404)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.permissions import RoleModelPermissions


class ActionModelPermissions(RoleModelPermissions):
    """The role's model permission; a custom action names its own in ``view.action_perms``."""

    def has_permission(self, request, view):
        needed = getattr(view, "action_perms", {}).get(getattr(view, "action", None))
        if needed is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))


class ServiceSchema(AutoSchema):
    """Writes take the input serializer and answer with the output one."""

    def get_response_serializers(self):
        output = getattr(self.view, "output_serializer_class", None)
        if output is not None and self.method in ("POST", "PUT", "PATCH"):
            return output
        return super().get_response_serializers()


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads: ``selector(user)``. Writes: ``input_serializer_class`` → service → output."""

    permission_classes = [ActionModelPermissions]
    schema = ServiceSchema()
    selector = None  # staticmethod(user) -> QuerySet
    output_serializer_class = None
    input_serializer_class = None
    action_perms: dict = {}

    def get_queryset(self):
        if self.request is None or getattr(self, "swagger_fake_view", False):
            return self.output_serializer_class.Meta.model.objects.none()
        return type(self).selector(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.output_serializer_class

    def validated(self, serializer_class=None, partial=False) -> dict:
        serializer = (serializer_class or self.get_serializer_class())(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, obj, code=status.HTTP_200_OK, serializer_class=None):
        """Answer with the object as its writer now sees it (404 if the write moved it out of view)."""
        serializer_class = serializer_class or self.output_serializer_class
        model = serializer_class.Meta.model
        if model is type(obj) and serializer_class is self.output_serializer_class:
            obj = get_object_or_404(self.get_queryset(), pk=obj.pk)
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=code)


class MilestoneIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due_on = serializers.DateField()


class MilestoneDoneIn(serializers.Serializer):
    done_on = serializers.DateField(required=False)


def milestone_actions(*, parent: str, add, done, output):
    """Viewset actions ``{id}/milestones/`` (add) and ``{id}/milestones/{milestone_id}/done/`` for
    an object with milestones; ``add(user=, <parent>=, title=, due_on=)`` and
    ``done(user=, milestone=, done_on=)`` are the services."""

    class MilestoneActions:
        @extend_schema(request=MilestoneIn, responses={201: output})
        @action(detail=True, methods=["post"])
        def milestones(self, request, pk=None):
            milestone = add(user=request.user, **{parent: self.get_object()}, **self.validated(MilestoneIn))
            return self.respond(milestone, status.HTTP_201_CREATED, output)

        @extend_schema(request=MilestoneDoneIn, responses=output,
                       parameters=[OpenApiParameter("milestone_id", int, OpenApiParameter.PATH)])
        @action(detail=True, methods=["post"], url_path=r"milestones/(?P<milestone_id>\d+)/done")
        def milestone_done(self, request, pk=None, milestone_id=None):
            milestone = get_object_or_404(self.get_object().milestones, pk=milestone_id)
            milestone = done(user=request.user, milestone=milestone, **self.validated(MilestoneDoneIn))
            return self.respond(milestone, serializer_class=output)

    return MilestoneActions
