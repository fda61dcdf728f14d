"""The quarterly performance bonus of community workers (社区工作者季度绩效奖金).

Who: active staff of the community force group or with the community-workstation role, listed under a
unit grid. Their quarterly score is the composite score of their grid in the quarter's published results
(a grid without a score gets the district mean of grid scores), blended with their personal quarterly
assessment when there is one: ``score = (1 − w) × grid score + w × personal score`` (``w`` is the rule's
``personal_weight``).

How much: each post has an average bonus (the source: 900 yuan a quarter for general staff, 1,050 for
deputy posts, 1,200 for heads). With ``relative`` scaling a worker gets ``base × score / mean score of
all workers of the post``, so that each post averages its base; with ``absolute`` scaling
``base × score / 100``. Workers scoring below ``floor_score`` get nothing (the others are not raised).
Amounts are rounded half-up to the fen.
"""
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.roles import Role
from grids.models import Grid, StaffProfile

from .models import BonusLine, BonusRule, Period, ResultRun, SubjectKind, WorkerAssessment
from .scoring import SCORE, fingerprint_of, q

POSTS = [StaffProfile.Post.GENERAL, StaffProfile.Post.DEPUTY, StaffProfile.Post.HEAD]
DEFAULT_BASE = {StaffProfile.Post.GENERAL: "900", StaffProfile.Post.DEPUTY: "1050", StaffProfile.Post.HEAD: "1200"}
FEN = Decimal("0.01")


def community_workers() -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(
        Q(force_group=StaffProfile.ForceGroup.COMMUNITY) | Q(role=Role.COMMUNITY_STAFF),
        user__is_active=True, home_grid__level=Grid.Level.UNIT,
    )


def validate_rule(*, base_by_post, scaling, personal_weight, floor_score) -> dict:
    errors = {}
    base = {}
    if not isinstance(base_by_post, dict) or set(base_by_post) != set(POSTS):
        errors["base_by_post"] = _("Give the average bonus of each post: general, deputy, head.")
    else:
        for post in POSTS:
            try:
                value = Decimal(str(base_by_post[post]))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or not Decimal(0) <= value <= Decimal(100000):
                errors["base_by_post"] = _("Each average bonus is an amount from 0 to 100,000 yuan.")
                break
            base[post] = str(q(value, FEN))
    if scaling not in BonusRule.Scaling.values:
        errors["scaling"] = _("Scaling is “relative” or “absolute”.")
    numbers = {}
    for name, value, upper in (("personal_weight", personal_weight, Decimal(1)),
                               ("floor_score", floor_score, Decimal(100))):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not Decimal(0) <= number <= upper:
            errors[name] = _("A number from 0 to %(upper)s.") % {"upper": upper}
        else:
            numbers[name] = number
    if errors:
        raise ValidationError(errors)
    return {"base_by_post": base, "scaling": scaling, **numbers}


def bonus_lines(*, period: Period, run: ResultRun, rule: BonusRule) -> tuple[list[BonusLine], str]:
    """The unsaved lines of every worker, and the fingerprint of what they were computed from."""
    grid_scores = dict(run.results.filter(kind=SubjectKind.GRID).values_list("code", "composite"))
    scored = [value for value in grid_scores.values() if value is not None]
    fallback = q(sum(scored) / len(scored), SCORE) if scored else Decimal(0)
    personal = dict(WorkerAssessment.objects.filter(period=period).values_list("staff_id", "score"))
    weight = Decimal(rule.personal_weight)
    workers = list(community_workers().select_related("user", "home_grid", "home_grid__parent")
                   .order_by("home_grid__code", "user__username"))
    rows = []
    for staff in workers:
        grid_score = grid_scores.get(staff.home_grid.code)
        grid_score = fallback if grid_score is None else grid_score
        own = personal.get(staff.id)
        score = grid_score if own is None else q((1 - weight) * grid_score + weight * own, SCORE)
        rows.append((staff, grid_score, own, score))
    post_scores = defaultdict(list)
    for staff, _grid, _own, score in rows:
        post_scores[staff.post].append(score)
    lines = []
    for staff, grid_score, own, score in rows:
        base = Decimal(rule.base_by_post[staff.post])
        if score < rule.floor_score:
            amount = Decimal(0)
        elif rule.scaling == BonusRule.Scaling.RELATIVE:
            scores = post_scores[staff.post]
            mean = sum(scores) / len(scores)
            amount = q(base * score / mean, FEN) if mean else base
        else:
            amount = q(base * score / 100, FEN)
        lines.append(BonusLine(
            staff=staff, username=staff.user.username, full_name=staff.full_name, post=staff.post,
            grid_code=staff.home_grid.code, grid_name=staff.home_grid.name,
            street_name=staff.home_grid.parent.name if staff.home_grid.parent else "", grid_score=grid_score,
            personal_score=own, score=score, base=base, amount=amount,
        ))
    fingerprint = fingerprint_of({"run": run.fingerprint, "rule": rule.version, "workers": [
        [line.username, line.post, line.grid_code, str(line.personal_score)] for line in lines]})
    return lines, fingerprint
