from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import PREFER_MINIMAL, ScopedViewSet, preferred_response
from core.pagination import ScopedCursorPagination
from core.storage import stored_file_response

from .. import attachments, callbacks, duplicates, exports, hotline, routing, selectors, services
from ..filters import CaseFilter, CategoryFilter
from ..models import Case, CaseExport, Category
from ..workflow import Action
from . import serializers


class CasePagination(ScopedCursorPagination):
    page_size = 50
    max_page_size = 200


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
    OpenApiExample("summon (吹哨)", value={"version": 2, "kind": "hard", "lead": "urban_enforcement-110108009",
                                          "co_handlers": ["environment-110108009", "joint_team-110108009"]},
                   request_only=True),
    OpenApiExample("party_feedback", value={"result": "本单位已完成现场执法"}, request_only=True),
    OpenApiExample("rework of a joint case", value={"reason": "现场仍有垃圾", "party": "environment-110108009"},
                   request_only=True),
    OpenApiExample("reopen", value={"reason": "回访居民反映垃圾仍未清运"}, request_only=True),
]
CALLBACK_EXAMPLES = [
    OpenApiExample("not reached", value={"reached": False, "note": "电话无人接听"}, request_only=True),
    OpenApiExample("reached, not solved", value={"reached": True, "solved": False, "satisfaction": 2,
                                                 "note": "居民反映垃圾仍在"}, request_only=True),
]


# The case as filed with its possible duplicates, or (Prefer: return=minimal) a receipt.
CASE_CREATED = PolymorphicProxySerializer(component_name="CaseCreatedAnswer", resource_type_field_name=None,
                                          serializers=[serializers.CaseCreatedOut, serializers.CaseReceiptOut])


@extend_schema_view(
    list=extend_schema(summary="Cases you may see", tags=["cases"]),
    retrieve=extend_schema(summary="One case with the actions you may take now", tags=["cases"]),
)
class CaseViewSet(ScopedViewSet):
    lookup_field = "number"
    output_serializer_class = serializers.CaseOut
    input_serializer_class = serializers.CaseIn
    filterset_class = CaseFilter
    pagination_class = CasePagination
    queryset = Case.objects.all()
    # Who may take which action is the workflow's answer (403 there); reading the case is enough here.
    action_perms = {"act": ["cases.view_case"], "events": ["cases.view_case"], "attachments": ["cases.view_case"],
                    "dispatch_options": ["cases.view_case"], "duplicates": ["cases.view_case"],
                    # who may record one on which case is callbacks.may_call_back's answer (403 there)
                    "callbacks": ["cases.view_case", "cases.view_callback"],
                    "callers": ["cases.view_case"], "follow_ups": ["cases.view_case"],
                    "reply_templates": ["cases.view_case"]}

    def get_queryset(self):
        return selectors.with_relations(super().get_queryset())

    def get_serializer_class(self):
        return serializers.CaseRowOut if self.action == "list" else serializers.CaseOut

    @extend_schema(
        summary="Report a case",
        description="Creates a case in `collected` (or `filed` when you dispatch its tier). Send an "
                    "`Idempotency-Key` header to make retries safe: the same key returns the same case. The answer "
                    "is what the platform made of the report (its number, status, tier, grid, deadline and light, "
                    "and what you may do with it now; GET the case for the rest) with its possible duplicates; a "
                    "system filing in bulk, with nobody to read them, "
                    "sends `Prefer: return=minimal` and gets a receipt (number, status, tier, due time) instead: "
                    "the dispatcher who files the case sees its possible duplicates on it.",
        request=serializers.CaseIn,
        responses={201: CASE_CREATED, 200: CASE_CREATED},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False), PREFER_MINIMAL],
        examples=[CASE_EXAMPLE],
        tags=["cases"],
    )
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip() or None
        case, created = services.case_create(actor=request.user,
                                             data=services.NewCase(**self.validated(serializers.CaseIn)),
                                             creation_key=key)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return preferred_response(request, code, receipt=lambda: serializers.CaseReceiptOut(case).data,
                                  full=lambda: self._with_possible_duplicates(case))

    def _with_possible_duplicates(self, case) -> dict:
        nearby = duplicates.possible_duplicates(self.request.user, category_id=case.category_id, lat=case.lat,
                                                lng=case.lng, exclude=case)
        return serializers.CaseCreatedOut(case, context={**self.get_serializer_context(), "duplicates": nearby,
                                                         "may_merge": bool(nearby) and self._may_merge(case)}).data

    def _may_merge(self, case) -> bool:
        return Action.MERGE in services.available_actions(self.request.user, case)

    @extend_schema(summary="Open cases that may be the one being reported (same category, near, recent)",
                   description="Ask while filing (category, lat, lng): the open cases you may see of this category "
                               "within CASE_DUPLICATE_RADIUS_M (100 m) of the point and reported in the last "
                               "CASE_DUPLICATE_DAYS (7) days, nearest first. A suggestion never blocks filing. Or ask "
                               "about a case already reported (case=number; 404 if you cannot see it): its possible "
                               "duplicates, itself excluded, with `may_merge_into` true when you may merge it into "
                               "them now (POST actions/merge/ with into=number).",
                   parameters=[serializers.DuplicatesIn], responses=serializers.DuplicateOut(many=True),
                   tags=["cases"])
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request):
        query = self.validated(serializers.DuplicatesIn, data=request.query_params)
        if "case" in query:
            case = selectors.case_get_for_user(request.user, query["case"])
            nearby = duplicates.possible_duplicates(request.user, category_id=case.category_id, lat=case.lat,
                                                    lng=case.lng, exclude=case)
            context = {"may_merge": bool(nearby) and self._may_merge(case)}
        else:
            nearby = duplicates.possible_duplicates(request.user, category_id=query["category"].pk, lat=query["lat"],
                                                    lng=query["lng"])
            context = {}
        return Response(serializers.DuplicateOut(nearby, many=True, context=context).data)

    @extend_schema(summary="Reply templates (常用语) for an action's free text, filled in for this case",
                   description="The active templates for `action` that you may use: your department's own and the "
                               "district-wide ones (never another department's), with {case_number}, {deadline} and "
                               "{grid} filled in. Send the chosen text, edited or not, as the action's result/reason.",
                   parameters=[serializers.ReplyTemplatesIn], responses=serializers.ReplyTemplateOut(many=True),
                   tags=["cases"])
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None, url_path="reply-templates")
    def reply_templates(self, request, number=None):
        case = selectors.case_get_for_user(request.user, number)
        use = self.validated(serializers.ReplyTemplatesIn, data=request.query_params)["action"]
        offered = selectors.reply_templates_offered(request.user, case, [use]).get(use, [])
        return Response(serializers.ReplyTemplateOut(offered, many=True).data)

    @extend_schema(summary="A caller's earlier cases, newest first (the hotline desk)",
                   description="The cases reported from this phone number that you may see (at most 20). An open one "
                               "can take the call as a follow-up instead of a new case.",
                   parameters=[serializers.CallerIn], responses=serializers.CallerCaseOut(many=True), tags=["cases"])
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def callers(self, request):
        query = self.validated(serializers.CallerIn, data=request.query_params)
        return Response(serializers.CallerCaseOut(hotline.caller_cases(request.user, query["phone"]), many=True).data)

    @extend_schema(summary="Record a caller's call about an open case (追加来电)",
                   description="Appends a `follow_up` event to the trail, counts it on the case and tells whoever owns "
                               "the current step. A case you cannot see → 404; your role takes no calls → 403; the "
                               "case is no longer open → 409 (take the call as a new case); bad fields → 400.",
                   request=serializers.CallFollowUpIn, responses={201: serializers.CaseOut},
                   examples=[OpenApiExample("a caller asks again", request_only=True, value={
                       "phone": "13801012345", "caller_name": "刘女士", "note": "垃圾仍未清运，催办"})],
                   tags=["cases"])
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, number=None):
        case = hotline.case_follow_up(actor=request.user, number=number, **self.validated(serializers.CallFollowUpIn))
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take an action on a case",
        description="Actions: " + ", ".join(f"`{a.value}`" for a in Action) + ". Wrong state or stale `version` → "
                    "409; not your step → 403; a case you cannot see → 404; bad fields → 400. Fields by action: "
                    "`dispatch` department|assignee; `feedback`/`handle_on_spot` result; `reject`/`return`/"
                    "`rework`/`escalate`/`reopen` reason; `request_extension` until + reason; `merge` into; "
                    "`evaluate` satisfaction (+ comment); `comment` comment. `reopen` takes a closed or evaluated "
                    "case back to its handler for rework: only after a reached callback since closure found the "
                    "problem unsolved, within CASE_REOPEN_WINDOW_DAYS (15) calendar days of closure (else 409). "
                    "Joint handling (吹哨报到): `summon` kind + lead + co_handlers; each summoned unit's `report_in`, "
                    "`party_feedback` result, `party_return` reason (acting twice, or after the case moved on → 409); "
                    "a joint case's `rework` names the `party`.",
        request=serializers.ActionIn,
        responses={200: serializers.CaseOut},
        parameters=[OpenApiParameter("action_name", str, OpenApiParameter.PATH, enum=[a.value for a in Action])],
        examples=ACTION_EXAMPLES,
        tags=["cases"],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, number=None, action_name=None):
        data = self.validated(serializers.ActionIn)
        version = data.pop("version", None)
        case = services.case_act(actor=request.user, number=number, action=action_name, data=data, version=version)
        # A step can hand the case out of the actor's sight (a station returns it): the answer is then the case as
        # the step left it, which the actor saw a moment ago, rather than a 404 for a change that was made.
        return Response(self.get_serializer(self.get_queryset().filter(pk=case.pk).first() or case).data)

    @extend_schema(summary="Where the case may be dispatched: the routed units first, then the others",
                   responses=serializers.AddresseeOut(many=True), tags=["cases"])
    @action(detail=True, methods=["get"], pagination_class=None, url_path="dispatch-options")
    def dispatch_options(self, request, number=None):
        case = selectors.case_get_for_user(request.user, number)
        return Response(serializers.AddresseeOut(routing.addressees(case), many=True).data)

    @extend_schema(summary="Joint handling: every summons of the case, the one in force first, with each unit's part",
                   responses=serializers.SummonsOut(many=True), tags=["cases"])
    @action(detail=True, methods=["get"], pagination_class=None)
    def summonses(self, request, number=None):
        case = selectors.case_get_for_user(request.user, number)
        return Response(serializers.SummonsOut([view.summons for view in selectors.summonses_of(case)],
                                               many=True).data)

    @extend_schema(summary="The case's audit trail", responses=serializers.EventOut(many=True), tags=["cases"])
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, number=None):
        case = selectors.case_get_for_user(request.user, number)
        return Response(serializers.EventOut(case.events.order_by("seq"), many=True).data)

    @extend_schema(
        summary="Callbacks of the case (GET) / record a callback (POST)",
        description="A callback (回访) is recorded on a closed or evaluated case (else 409) by its dispatcher or the "
                    "district command centre (else 403). `solved` and `satisfaction` are given only when the "
                    "reporter was reached (`solved` is then required). A reached callback with `solved: false` lets "
                    "the dispatcher `reopen` the case; a satisfaction on a closed case nobody has rated is recorded "
                    "as its rating (a rating already given is never overwritten).",
        request=serializers.CallbackIn,
        responses={200: serializers.CallbackOut(many=True), 201: serializers.CallbackOut},
        examples=CALLBACK_EXAMPLES,
        tags=["cases"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def callbacks(self, request, number=None):
        if request.method == "GET":
            case = selectors.case_get_for_user(request.user, number)
            return Response(serializers.CallbackOut(selectors.callbacks_of_case(case), many=True).data)
        callback = callbacks.callback_record(actor=request.user, number=number,
                                             **self.validated(serializers.CallbackIn))
        return Response(serializers.CallbackOut(callback).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Photos of the case (GET) / add a photo (POST, multipart)",
        request={"multipart/form-data": serializers.AttachmentIn},
        responses={200: serializers.AttachmentOut(many=True), 201: serializers.AttachmentOut},
        tags=["cases"],
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser],
            pagination_class=None)
    def attachments(self, request, number=None):
        if request.method == "GET":
            case = selectors.case_get_for_user(request.user, number)
            return Response(serializers.AttachmentOut(case.attachments.all(), many=True,
                                                             context={"request": request}).data)
        if not request.user.has_perm("cases.add_attachment"):
            raise PermissionDenied(_("Your role may not add photos."))
        upload = self.validated(serializers.AttachmentIn)
        attachment = attachments.case_attach(actor=request.user, number=number, content=upload["file"].read(),
                                             stage=upload.get("stage"))
        return Response(serializers.AttachmentOut(attachment, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(tags=["cases"]), retrieve=extend_schema(tags=["cases"]))
class CategoryViewSet(ScopedViewSet):
    """The case catalogue: classes and subclasses with tier, department and step limits."""

    lookup_field = "code"
    output_serializer_class = serializers.CategoryOut
    filterset_class = CategoryFilter
    pagination_class = None
    queryset = Category.objects.filter(active=True).select_related("parent", "department")


@extend_schema_view(
    list=extend_schema(summary="Your case exports, newest first", tags=["cases: exports"]),
    retrieve=extend_schema(summary="One of your exports: its progress, then its download link",
                           tags=["cases: exports"]),
)
class CaseExportViewSet(ScopedViewSet):
    """The case list as a spreadsheet (CSV or Excel), written in the background: ask with POST, follow the job's
    progress, then download the file. Each export is its requester's alone; one runs at a time per person, and
    ``CASE_EXPORTS_PER_HOUR`` may be asked an hour (429 beyond)."""

    queryset = CaseExport.objects.all()
    output_serializer_class = serializers.CaseExportOut
    input_serializer_class = serializers.CaseExportIn
    action_perms = {"create": ["cases.view_case"], "download": ["cases.view_caseexport"]}

    @extend_schema(summary="Ask for an export of the case list", tags=["cases: exports"],
                   responses={202: serializers.CaseExportOut})
    def create(self, request):
        data = self.validated()
        export = exports.export_request(actor=request.user, fmt=data["format"], query=data["query"])
        return self.respond(export, status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The file of a finished export", tags=["cases: exports"],
                   responses={(200, "application/octet-stream"): bytes, 302: None})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        if export.state != CaseExport.State.DONE:
            raise NotFound(_("This export has no file yet (%(state)s).") % {"state": export.get_state_display()})
        return stored_file_response(export.file, content_type=export.content_type, filename=export.filename)
