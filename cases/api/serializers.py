from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import AvailableActionsField, FieldsBuiltOnce
from core.privacy import validate_phone
from core.schema import closed

from ..filters import CaseFilter
from ..models import (
    Attachment,
    Callback,
    Case,
    CaseEvent,
    CaseExport,
    CaseParty,
    Category,
    ReplyTemplate,
    Route,
    Summons,
)
from ..services import CASE_WORKFLOW
from ..workflow import OPEN, Source, Status, Urgency, Whistle


class CategoryOut(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, read_only=True, allow_null=True)
    department = serializers.CharField(source="department.code", default=None, read_only=True, allow_null=True)
    limits = serializers.SerializerMethodField(help_text=_("Working hours per step (8 = one working day)"))
    urgent_limits = serializers.SerializerMethodField(help_text=_("Clock hours per step for urgent cases"))

    class Meta:
        model = Category
        fields = ["code", "name", "kind", "parent", "default_tier", "department", "limits", "urgent_limits",
                  "must_report_item"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_limits(self, category):
        return {step: float(getattr(category, f"{step}_hours")) for step in ("file", "dispatch", "handle", "verify")}

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_urgent_limits(self, category):
        return {step: float(getattr(category, f"urgent_{step}_hours"))
                for step in ("file", "dispatch", "handle", "verify")}


class CaseIn(FieldsBuiltOnce, serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000)
    category = serializers.CharField(max_length=16, help_text=_("A subclass code, e.g. E0102"))
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    address = serializers.CharField(max_length=200)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    source = serializers.ChoiceField(choices=Source.choices)
    grid = serializers.CharField(max_length=15, required=False, allow_blank=True,
                                 help_text=_("Unit grid code; located from lat/lng when omitted"))
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    patrol = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                      help_text=_("Found on a patrol: the id of your patrol in progress (source "
                                                  "grid_patrol)"))


class ActionIn(serializers.Serializer):
    """The body of any action; which fields an action needs is in its description."""

    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text=_("The version you read; a stale one gets 409"))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    department = serializers.CharField(required=False, allow_blank=True, max_length=48,
                                       help_text=_("dispatch: code of a department, station or street section "
                                                   "(the case's dispatch-options list them)"))
    assignee = serializers.CharField(required=False, allow_blank=True, max_length=150,
                                     help_text=_("dispatch: username of a person serving the grid"))
    result = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                   help_text=_("feedback / handle_on_spot"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text=_("reject / return / rework / reopen / escalate / request_extension"))
    until = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                  help_text=_("request_extension: new due date-time (ISO 8601)"))
    into = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text=_("merge: case number"))
    satisfaction = serializers.IntegerField(required=False, min_value=1, max_value=5, help_text=_("evaluate: 1–5"))
    kind = serializers.ChoiceField(required=False, choices=Whistle.choices,
                                   help_text=_("summon: the whistle, which sets how soon the units must report in"))
    lead = serializers.CharField(required=False, allow_blank=True, max_length=48,
                                 help_text=_("summon: code of the lead unit (from dispatch-options)"))
    co_handlers = serializers.ListField(
        child=serializers.CharField(max_length=48), required=False, max_length=16,
        help_text=_("summon: codes of the co-handling units (from dispatch-options)"))
    party = serializers.CharField(required=False, allow_blank=True, max_length=48,
                                  help_text=_("rework of a joint case: code of the unit whose part is redone"))


class PartyOut(serializers.ModelSerializer):
    """A summoned unit's part of a joint case."""

    unit = serializers.CharField(source="unit_code", read_only=True)
    unit_name = serializers.CharField(read_only=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = CaseParty
        fields = ["unit", "unit_name", "role", "status", "reported_at", "reported_late", "warn_at", "due_at",
                  "fed_back_at", "fed_back_late", "result", "return_reason", "rework_count", "light"]

    def get_light(self, party) -> str:
        return party.light(timezone.now())


class SummonsOut(serializers.ModelSerializer):
    summoned_by = serializers.CharField(source="summoned_by.username", read_only=True)
    parties = PartyOut(many=True, read_only=True)

    class Meta:
        model = Summons
        fields = ["kind", "summoned_by", "summoned_at", "report_due_at", "ended_at", "parties"]


class AddresseeOut(serializers.Serializer):
    """A unit (or, in the micro-cycle, a person) the case's dispatcher may send it to."""

    code = serializers.CharField(help_text=_("What to send as dispatch's department (a username for a person)"))
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Route.Target.choices)
    kind_label = serializers.SerializerMethodField()
    routed = serializers.BooleanField(help_text=_("Named by the routing table for this category and tier"))
    handlers = serializers.IntegerField(help_text=_("Active people who may accept it; 0 means a dispatch gets 409"))

    def get_kind_label(self, addressee) -> str:
        return str(Route.Target(addressee.kind).label)


class CaseOut(FieldsBuiltOnce, serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    street = serializers.CharField(source="street.code", read_only=True)
    department = serializers.CharField(source="department.code", default=None, read_only=True, allow_null=True)
    station = serializers.CharField(source="station.code", default=None, read_only=True, allow_null=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True, allow_null=True)
    merged_into = serializers.CharField(source="merged_into.number", default=None, read_only=True, allow_null=True)
    patrol = serializers.IntegerField(source="patrol_id", read_only=True, allow_null=True,
                                      help_text=_("The patrol on which it was found"))
    actions = AvailableActionsField(CASE_WORKFLOW, help_text=_("What you may do with this case now"))

    class Meta:
        model = Case
        fields = [
            "number", "title", "description", "category", "category_name", "source", "urgency", "status", "tier",
            "grid", "grid_name", "street", "lat", "lng", "address", "department", "station", "assignee",
            "merged_into", "patrol", "joint", "result", "light", "warn_at", "due_at", "extension_requested_until",
            "rework_count", "return_count", "escalation_count", "extension_count", "overdue_steps", "follow_up_count",
            "satisfaction",
            "satisfaction_comment", "satisfaction_defaulted", "created_at", "filed_at", "dispatched_at",
            "fed_back_at", "closed_at", "evaluated_at", "updated_at", "version", "actions",
        ]


class DuplicatesIn(serializers.Serializer):
    """Either the report being filed (category, lat, lng) or a case already reported (case)."""

    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(parent__isnull=False),
                                            required=False, help_text=_("The subclass code being reported, e.g. E0102"))
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    case = serializers.CharField(max_length=20, required=False,
                                 help_text=_("A case number: the possible duplicates of that case (itself excluded), "
                                             "each telling whether you may merge the case into it"))

    def validate(self, data):
        if "case" not in data:
            missing = {name: [_("This field is required.")] for name in ("category", "lat", "lng") if name not in data}
            if missing:
                raise serializers.ValidationError(missing)
        return data


class DuplicateOut(FieldsBuiltOnce, serializers.Serializer):
    number = serializers.CharField(source="case.number")
    title = serializers.CharField(source="case.title")
    status = serializers.ChoiceField(source="case.status", choices=Status.choices)
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    address = serializers.CharField(source="case.address")
    created_at = serializers.DateTimeField(source="case.created_at")
    distance_m = serializers.IntegerField(help_text=_("Metres from the point being reported"))
    may_merge_into = serializers.SerializerMethodField(
        help_text=_("Whether you may merge the case asked about into this one now (the merge action, into=number)"))

    def get_may_merge_into(self, duplicate) -> bool:
        return bool(self.context.get("may_merge"))


class CallerIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40, validators=[validate_phone],
                                  help_text=_("The caller's number; spaces and dashes are ignored"))


class CallerCaseOut(serializers.ModelSerializer):
    """A case reported earlier from the caller's number, as the hotline desk lists it."""

    category_name = serializers.CharField(source="category.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    open = serializers.SerializerMethodField(help_text=_("Still open: a call about it may be recorded on it "
                                                         "(follow-ups) instead of reported anew"))

    class Meta:
        model = Case
        fields = ["number", "title", "category_name", "status", "status_label", "created_at", "open"]

    def get_open(self, case) -> bool:
        return case.status in OPEN


class CallFollowUpIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40, validators=[validate_phone],
                                  help_text=_("The caller's number"))
    caller_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, help_text=_("What the caller says this time"))


@closed
class CaseReceiptOut(FieldsBuiltOnce, serializers.ModelSerializer):
    """What a system filing in bulk needs back (Prefer: return=minimal): the number, where the case stands and when
    its step is due."""

    class Meta:
        model = Case
        fields = ["number", "status", "tier", "due_at"]


class CaseCreatedOut(CaseOut):
    """What the platform made of a report: its number, where it stands (status, tier, grid, deadline and light), the
    patrol it was found on, what the reporter may do with it now, and the open cases it may duplicate. The rest of
    the case is what the report sent, or empty on a new case (no department, no counts, no later steps): GET the case
    for all of it. Half the case's fields, for the answer every report waits for."""

    possible_duplicates = serializers.SerializerMethodField(
        help_text=_("Open cases of the same category near the point, reported recently: a dispatcher may merge this "
                    "case into one of them. Filing is never blocked."))

    class Meta(CaseOut.Meta):
        fields = ["number", "title", "category", "category_name", "source", "urgency", "status", "tier", "grid",
                  "grid_name", "street", "lat", "lng", "address", "patrol", "light", "warn_at", "due_at",
                  "created_at", "filed_at", "version", "actions", "possible_duplicates"]

    @extend_schema_field(DuplicateOut(many=True))
    def get_possible_duplicates(self, case):
        return DuplicateOut(self.context.get("duplicates", []), many=True, context=self.context).data


class ReplyTemplatesIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=ReplyTemplate.Use.choices,
                                     help_text=_("The action whose free text the templates fill"))


class ReplyTemplateOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField(help_text=_("Filled in for this case: number, due time, grid"))
    district_wide = serializers.BooleanField(help_text=_("A district-wide wording; else your department's own"))


class CaseRowOut(CaseOut):
    """The row of a case list: what an inbox shows, without the long texts and timestamps."""

    class Meta(CaseOut.Meta):
        fields = ["number", "title", "category", "category_name", "source", "urgency", "status", "tier", "grid",
                  "grid_name", "street", "address", "department", "station", "assignee", "light", "due_at",
                  "created_at", "updated_at", "version", "actions"]


class EventOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = CaseEvent
        fields = ["seq", "action", "actor", "from_status", "to_status", "from_tier", "to_tier", "payload",
                  "created_at", "hash"]


class AttachmentIn(serializers.Serializer):
    file = serializers.FileField()
    stage = serializers.ChoiceField(choices=Attachment.Stage.choices, required=False)


class AttachmentOut(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Served only to people who may see the case"))
    thumbnail_url = serializers.SerializerMethodField(help_text=_("A JPEG at most 320 pixels wide and high"))

    class Meta:
        model = Attachment
        fields = ["id", "stage", "url", "thumbnail_url", "content_type", "size", "sha256", "created_at"]

    def get_url(self, attachment) -> str:
        return self._absolute("cases:photo", attachment)

    def get_thumbnail_url(self, attachment) -> str:
        return self._absolute("cases:photo-thumbnail", attachment)

    def _absolute(self, name: str, attachment) -> str:
        url = reverse(name, kwargs={"number": attachment.case.number, "pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CallbackIn(serializers.Serializer):
    """A callback to the reporter of a closed case."""

    reached = serializers.BooleanField(help_text=_("Whether the reporter was reached"))
    solved = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=_("Reached only: does the reporter confirm the problem is solved?"))
    satisfaction = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=5,
                                            help_text=_("Reached only: the reporter's satisfaction, 1–5; recorded as "
                                                        "the case's rating if the case has none yet"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CallbackOut(serializers.ModelSerializer):
    called_by = serializers.SerializerMethodField()

    class Meta:
        model = Callback
        fields = ["id", "reached", "solved", "satisfaction", "note", "called_by", "called_at"]

    def get_called_by(self, callback) -> str:
        profile = getattr(callback.called_by, "staff_profile", None)
        return profile.full_name if profile else callback.called_by.get_username()


class CaseExportIn(serializers.Serializer):
    """The case list, as these filters select it among the cases you may see, as a file written in the background."""

    format = serializers.ChoiceField(choices=CaseExport.Format.choices)
    query = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="",
        help_text=_("The case list's filters as a query string, as GET /cases/ takes them (status=dispatched&"
                    "street=110108009); view=mine for only the cases waiting on you"))

    def validate_query(self, value: str) -> str:
        params = QueryDict(value)
        if params.get("view", "all") not in ("all", "mine"):
            raise serializers.ValidationError(_("view is all or mine."))
        filters = CaseFilter(params, queryset=Case.objects.none())
        if not filters.is_valid():
            raise serializers.ValidationError([f"{name}: {message}" for name, messages in filters.errors.items()
                                               for message in messages])
        return value


class CaseExportOut(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    download_url = serializers.SerializerMethodField(help_text=_("Once the file is ready; only for its requester"))

    class Meta:
        model = CaseExport
        fields = ["id", "format", "query", "state", "state_label", "rows_total", "rows_written", "percent",
                  "created_at", "started_at", "finished_at", "download_url"]

    def get_download_url(self, export) -> str | None:
        if export.state != CaseExport.State.DONE:
            return None
        url = reverse("case-export-download", kwargs={"pk": export.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url
