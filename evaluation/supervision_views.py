"""Pages of residents' democratic supervision (民主评议): the committees in the reader's area, a committee
with its representatives and rounds, and a round with its questions, answers and ratings. A street sees
its communities' committees, a community its own, a station the rounds of its street (to answer what is
put to it), the district all; everything comes through ``visible_to`` and the services."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.pages import attempt, bound, paginate, run_service, staff_page, submitted
from core.scoping import scope_of
from grids.models import Grid

from . import forms, supervision
from .models import Representative, SupervisionCommittee, SupervisionQuestion, SupervisionRound
from .parties import COMMUNITY_KINDS
from .views import tell
from .workflow import QUESTION_FLOW, SUPERVISION_FLOW, SupervisionAction


def _grids_without_committee(user) -> list[tuple[str, str]]:
    grids = Grid.objects.filter(level=Grid.Level.UNIT, kind__in=COMMUNITY_KINDS, supervision_committee__isnull=True)
    grids = scope_of(user).grid_rows("code").apply(grids)
    return [(code, f"{name} ({code})") for code, name in grids.order_by("code").values_list("code", "name")]


@staff_page("evaluation.view_supervisioncommittee")
def committees(request):
    user = request.user
    can_add = user.has_perm("evaluation.add_supervisioncommittee")
    form = bound(request, "committee", forms.CommitteeForm, grids=_grids_without_committee(user) if can_add else [])
    if submitted(request, "committee"):
        if not can_add:
            raise PermissionDenied
        data = form.cleaned_data if form.is_valid() else None
        created = data and run_service(form, supervision.committee_create, actor=user, grid=data["grid"],
                                       name=data["name"], formed_on=data["formed_on"])
        if created:
            messages.success(request, _("The committee of %(grid)s is formed.") % {"grid": created.grid.name})
            return redirect("evaluation:committee", pk=created.pk)
    rows = (SupervisionCommittee.objects.visible_to(user).select_related("grid")
            .annotate(round_count=Count("rounds", distinct=True),
                      member_count=Count("representatives", distinct=True)).order_by("grid__code"))
    return render(request, "evaluation/committees.html", {"page": paginate(request, rows), "form": form,
                                                          "can_add": can_add})


@staff_page("evaluation.view_supervisioncommittee")
def committee(request, pk: int):
    user = request.user
    found = get_object_or_404(SupervisionCommittee.objects.visible_to(user).select_related("grid"), pk=pk)
    can = {"add_member": user.has_perm("evaluation.add_representative"),
           "open": user.has_perm("evaluation.add_supervisionround")}
    member_form = bound(request, "member", forms.RepresentativeForm)
    round_form = bound(request, "round", forms.SupervisionRoundForm)
    if submitted(request, "member"):
        if not can["add_member"]:
            raise PermissionDenied
        if member_form.is_valid() and run_service(member_form, supervision.representative_add, actor=user,
                                                  committee_id=found.pk, **member_form.cleaned_data):
            messages.success(request, _("The representative is added."))
            return redirect("evaluation:committee", pk=found.pk)
    if submitted(request, "round"):
        if not can["open"]:
            raise PermissionDenied
        opened = round_form.is_valid() and run_service(round_form, supervision.supervision_round_open, actor=user,
                                                       committee_id=found.pk,
                                                       period_code=round_form.cleaned_data["period"])
        if opened:
            return redirect("evaluation:supervision-round", pk=opened[0].pk)
    return render(request, "evaluation/committee.html", {
        "committee": found, "can": can, "member_form": member_form, "round_form": round_form,
        "members": Representative.objects.visible_to(user).filter(committee=found),
        "show_members": user.has_perm("evaluation.view_representative"),
        "rounds": SupervisionRound.objects.visible_to(user).filter(committee=found).select_related("period")
        .annotate(question_count=Count("questions", distinct=True), rating_count=Count("ratings", distinct=True)),
    })


@staff_page("evaluation.view_supervisionround")
def supervision_round(request, pk: int):
    user = request.user
    questions = SupervisionQuestion.objects.select_related("station", "answered_by__staff_profile")
    meeting = get_object_or_404(
        SupervisionRound.objects.visible_to(user).select_related("committee__grid", "period")
        .prefetch_related(Prefetch("questions", queryset=questions), "ratings__station"), pk=pk)
    units = [(code, name) for code, name, _station in supervision.serving_units(meeting.committee)]
    refusal = SUPERVISION_FLOW.refusal(user, meeting, SupervisionAction.RECORD)
    forms_ = {"question": bound(request, "question", forms.QuestionForm, units=units),
              "rating": bound(request, "rating", forms.RatingForm, units=units),
              "answer": bound(request, "answer", forms.AnswerForm)}
    done = _handle_round_forms(request, meeting, forms_, forbidden=isinstance(refusal, PermissionDenied))
    if done:
        return done
    answerable = {q.pk for q in meeting.questions.all() if QUESTION_FLOW.available(user, q)}
    return render(request, "evaluation/supervision_round.html", {
        "meeting": meeting, "forms": forms_, "may_record": refusal is None, "answerable": answerable,
        "may_close": SupervisionAction.CLOSE in SUPERVISION_FLOW.available(user, meeting),
    })


def _handle_round_forms(request, meeting, forms_, *, forbidden: bool):
    """The round page's forms; a closed round's refusal shows on the form sent (the service's 409)."""
    user = request.user
    if submitted(request, "close"):
        if not user.has_perm(SUPERVISION_FLOW.permission):
            raise PermissionDenied
        tell(request, attempt(supervision.supervision_round_close, actor=user, round_id=meeting.pk),
             _("The round is closed."))
        return redirect("evaluation:supervision-round", pk=meeting.pk)
    if (submitted(request, "question") or submitted(request, "rating")) and forbidden:
        raise PermissionDenied
    recorded = None
    if submitted(request, "question") and forms_["question"].is_valid():
        data = forms_["question"].cleaned_data
        recorded = run_service(forms_["question"], supervision.question_ask, actor=user, round_id=meeting.pk,
                               unit=data["unit"], text=data["text"])
    elif submitted(request, "rating") and forms_["rating"].is_valid():
        data = forms_["rating"].cleaned_data
        recorded = run_service(forms_["rating"], supervision.rating_record, actor=user, round_id=meeting.pk,
                               unit=data["unit"], score=data["score"], comment=data["comment"])
    elif submitted(request, "answer") and forms_["answer"].is_valid():
        data = forms_["answer"].cleaned_data
        if not user.has_perm(QUESTION_FLOW.permission):
            raise PermissionDenied
        recorded = run_service(forms_["answer"], supervision.question_answer, actor=user,
                               question_id=data["question"], answer=data["answer"])
    if recorded:
        messages.success(request, _("Recorded."))
        return redirect("evaluation:supervision-round", pk=meeting.pk)
    return None

