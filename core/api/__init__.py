"""API plumbing shared by the apps: a permission per custom action, the one scoped viewset (reads
through ``visible_to``, writes through services) and the post-write re-check (the object must
still be visible to its writer, or it is a 404)."""
import hashlib
from collections.abc import Callable, Mapping

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from core.permissions import RoleModelPermissions


class ActionModelPermissions(RoleModelPermissions):
    """The role's model permission; a custom action names its own in ``view.action_perms``."""

    def has_permission(self, request, view):
        needed = getattr(view, "action_perms", {}).get(getattr(view, "action", None))
        if needed is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))


class SubmissionThrottle(ScopedRateThrottle):
    """The residents' submission budget (the view's ``throttle_scope``, e.g. ``public_submit``): spent by
    what they send, never by reading. Put it beside the default throttles."""

    def allow_request(self, request, view):
        return request.method in SAFE_METHODS or super().allow_request(request, view)


PUBLIC_THROTTLES = [*api_settings.DEFAULT_THROTTLE_CLASSES, SubmissionThrottle]


class AccountThrottle(SimpleRateThrottle):
    """Sign-in attempts per account (the posted ``username``), from whatever addresses they come: a password
    sprayed at one account from many addresses is capped too. Beside the per-address throttle."""

    scope = "auth_account"

    def get_cache_key(self, request, view):
        data = request.data  # any JSON: a list or a number is the serializer's 400 to give, not a crash here
        username = str(data.get("username", "")).strip().lower() if isinstance(data, Mapping) else ""
        if not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(username.encode()).hexdigest()}


class ServiceSchema(AutoSchema):
    """Writes take the input serializer and answer with the output one."""

    def get_response_serializers(self):
        output = getattr(self.view, "output_serializer_class", None)
        if output is not None and self.method in ("POST", "PUT", "PATCH"):
            return output
        return super().get_response_serializers()


# RFC 7240: a client that does not need the written object back says "Prefer: return=minimal" (a system filing cases
# in bulk); the answer then says it was applied.
PREFER_MINIMAL = OpenApiParameter(
    "Prefer", str, OpenApiParameter.HEADER, required=False, enum=["return=minimal", "return=representation"],
    description="return=minimal: answer with a short receipt instead of the whole object (RFC 7240)")


def prefers_minimal(request) -> bool:
    """Whether the request's Prefer header (RFC 7240) asks for ``return=minimal``."""
    for preference in request.headers.get("Prefer", "").split(","):
        name, _sep, value = preference.split(";")[0].partition("=")
        if name.strip().lower() == "return":
            return value.strip().strip('"').lower() == "minimal"
    return False


def preferred_response(request, code: int, *, receipt: Callable[[], dict], full: Callable[[], dict]) -> Response:
    """The answer to a write as its Prefer header asks: ``receipt()`` for ``return=minimal`` (said so in
    Preference-Applied), else ``full()``. Only the one asked for is built; either says it varies with the header."""
    if prefers_minimal(request):
        return Response(receipt(), status=code, headers={"Preference-Applied": "return=minimal", "Vary": "Prefer"})
    return Response(full(), status=code, headers={"Vary": "Prefer"})


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The one API viewset. Reads: ``queryset.visible_to(request.user)`` — declare ``queryset`` with
    the joins the output needs; the scope is applied here, so no endpoint can forget it. List
    filters are django-filter FilterSets (``filterset_class`` / ``filterset_fields``). Writes:
    ``input_serializer_class`` → a service → ``output_serializer_class``, answered as the writer
    now sees the object (``respond``)."""

    permission_classes = [ActionModelPermissions]
    schema = ServiceSchema()
    output_serializer_class = None
    input_serializer_class = None
    action_perms: dict = {}

    def get_queryset(self):
        queryset = self.queryset.all()
        if self.request is None or getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return queryset.visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.output_serializer_class

    def validated(self, serializer_class=None, partial=False, data=None) -> dict:
        serializer = (serializer_class or self.get_serializer_class())(
            data=self.request.data if data is None else data, partial=partial, context=self.get_serializer_context()
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


class FieldsBuiltOnce:
    """For a serializer on a hot path (a case's create or detail answer, the report it reads): DRF builds every field
    again for each serializer (a model serializer introspects the model, a plain one deep-copies its declared fields,
    each re-instantiated from its arguments: most of a small request's serializer time); here they are built once per
    class and each serializer binds its own shallow copies. Only for fields that keep no per-instance state beyond what
    ``bind`` sets, which holds for read-only output fields and for plain scalar input fields (text, numbers, choices,
    e-mail: their validators and choices are read, never changed), not for nested serializers, whose child would be
    shared, nor for a serializer that alters its fields per instance."""

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built_once = built
        return {name: _shallow_copy(field) for name, field in built.items()}


def _shallow_copy(field):
    """``copy.copy`` without its pickle-protocol detour (a field defines no ``__copy__``): a new instance of the class
    sharing the built field's attribute values, which ``bind`` then sets its own."""
    twin = object.__new__(type(field))
    twin.__dict__.update(field.__dict__)
    return twin


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AvailableActionsField(serializers.Field):
    """The workflow actions the reader may take on the object now: the same check that enforces
    them. The actor is the request's user, or ``context["actor"]`` (e.g. a residents' access code)."""

    def __init__(self, workflow, **kwargs):
        self.workflow = workflow
        kwargs.setdefault("help_text", _("Steps you may take now"))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> list[str]:
        request = self.context.get("request")
        actor = self.context.get("actor") or (request.user if request else None)
        return [str(action) for action in self.workflow.available(actor, obj)] if actor is not None else []


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
