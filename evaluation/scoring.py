"""From raw counts to rates, component scores, the composite score and the ranking: pure Python on
``Decimal``, so the same inputs always give the same numbers (no floating point, no database).

Each component is a score from 0 to 100 (definitions in ``COMPONENTS``); the composite is the mean of a
unit's components weighted by the rule version's weights for its kind of unit, over the components that
are defined for it (a unit without ratings, sheets or survey is scored on the rest, the weights
renormalised). Ranks are competition ranks (1, 2, 2, 4) within each kind, ties listed by code; grids
and stations are also ranked within their street.
"""
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .indicators import CaseCounts

RATE = Decimal("0.0001")
SCORE = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    definition: str


COMPONENTS = [
    Component("closure", _("Closure"), _("Closure rate × 100.")),
    Component("on_time", _("On-time closure"), _("On-time closure rate × 100.")),
    Component("rework", _("Right first time"), _("(1 − rework rate) × 100.")),
    Component("return", _("Right addressee"), _("(1 − return rate) × 100.")),
    Component("escalation", _("Handled at its own tier"), _("(1 − escalation rate) × 100.")),
    Component("handling", _("Speed"),
              _("100 when the mean working hours to closure are at most the rule's “full” hours, 0 at its "
                "“zero” hours or more, linear in between.")),
    Component("satisfaction", _("Resident satisfaction"), _("Share satisfied × 100 (ratings counted).")),
    # The 12345 hotline's three rates (三率), as cases.rates defines them; weighted 0 by default, so that a rule
    # version adopts them by giving them weight.
    Component("response", _("Response"), _("Response rate × 100.")),
    Component("resolution", _("Resolution"), _("Resolution rate × 100.")),
    Component("satisfaction_rate", _("Satisfaction rate (with callbacks)"), _("Satisfaction rate × 100.")),
    # Grid patrols (网格巡察) against the grid's plan; weighted 0 by default like the three rates.
    Component("patrol", _("Grid patrols"), _("Patrol rate × 100.")),
    Component("two_way", _("Two-way assessment"),
              _("Mean, over the flows that rate the unit, of the weighted totals of the sheets submitted in "
                "that flow (sheets not submitted by the deadline are left out).")),
    Component("survey", _("Third-party survey"), _("Satisfied respondents / sample × 100.")),
]
# The parts of a street's and a department station's two-way score, when a rule version weighs them
# (``ScoringRule.two_way_shares``): the sheets of its department (department → its station), of its street
# (street → department station), the other flows' sheets rating a street, and the residents' democratic
# supervision committees (their ratings' share satisfied × 100, as the survey counts). Which parts a station
# has follows its management mode: dual, its department and its street; vertical, its department; the
# street's, its street. A part without data is left out and the shares renormalised, as in the composite.
DEPARTMENT_PART, STREET_PART, SHEETS_PART, RESIDENTS_PART = "department", "street", "sheets", "residents"
PART_OF_FLOW = {"department_station": DEPARTMENT_PART, "street_station": STREET_PART}
PART_LABELS = {
    DEPARTMENT_PART: _("Its department"),
    STREET_PART: _("Its street/town"),
    SHEETS_PART: _("Score sheets of the two-way flows"),
    RESIDENTS_PART: _("Residents' supervision committees"),
}
TWO_WAY_PARTS = {
    "street": (SHEETS_PART, RESIDENTS_PART),
    "station_dual": (DEPARTMENT_PART, STREET_PART, RESIDENTS_PART),
    "station_vertical": (DEPARTMENT_PART, RESIDENTS_PART),
    "station_street": (STREET_PART, RESIDENTS_PART),
}
DEFAULT_TWO_WAY_SHARES = {
    "street": {SHEETS_PART: 80, RESIDENTS_PART: 20},
    "station_dual": {DEPARTMENT_PART: 40, STREET_PART: 40, RESIDENTS_PART: 20},
    "station_vertical": {DEPARTMENT_PART: 80, RESIDENTS_PART: 20},
    "station_street": {STREET_PART: 80, RESIDENTS_PART: 20},
}
THREE_RATES = {"response": "response_rate", "resolution": "resolution_rate", "satisfaction_rate": "satisfaction_rate"}
COMPONENT_KEYS = [component.key for component in COMPONENTS]
KINDS = ["grid", "street", "department", "station"]

DEFAULT_WEIGHTS = {
    "grid": {"closure": 20, "on_time": 20, "rework": 5, "return": 0, "escalation": 5, "handling": 10,
             "satisfaction": 10, "two_way": 15, "survey": 15,
             "response": 0, "resolution": 0, "satisfaction_rate": 0, "patrol": 0},
    "street": {"closure": 20, "on_time": 15, "rework": 5, "return": 5, "escalation": 5, "handling": 10,
               "satisfaction": 10, "two_way": 15, "survey": 15,
               "response": 0, "resolution": 0, "satisfaction_rate": 0, "patrol": 0},
    "department": {"closure": 20, "on_time": 20, "rework": 10, "return": 5, "escalation": 0, "handling": 10,
                   "satisfaction": 10, "two_way": 15, "survey": 10,
                   "response": 0, "resolution": 0, "satisfaction_rate": 0, "patrol": 0},
    "station": {"closure": 20, "on_time": 20, "rework": 10, "return": 5, "escalation": 0, "handling": 10,
                "satisfaction": 10, "two_way": 15, "survey": 10,
                   "response": 0, "resolution": 0, "satisfaction_rate": 0, "patrol": 0},
}
DEFAULT_PARAMETERS = {
    "handling_hours_full": "8",  # mean working hours to closure scoring 100
    "handling_hours_zero": "80",  # … scoring 0
    "count_default_ratings": False,  # do default evaluations count in satisfaction?
    "cutoff_days": 0,  # days after the period end at which outcomes are read
}
PARAMETER_HELP = {
    "handling_hours_full": _("Mean working hours to closure that still score 100."),
    "handling_hours_zero": _("Mean working hours to closure that score 0."),
    "count_default_ratings": _("Whether default ratings (cases nobody rated in time) count in satisfaction."),
    "cutoff_days": _("Days after the period's end at which outcomes are read (0–90)."),
}


def q(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    return q(Decimal(numerator) / Decimal(denominator), RATE) if denominator else None


def validate_shares(shares) -> dict:
    """Normalise a rule's two-way shares or raise ValidationError({"two_way_shares": ...})."""
    if not isinstance(shares, dict) or set(shares) != set(TWO_WAY_PARTS):
        raise ValidationError({"two_way_shares": gettext("Give the shares of each of: %(keys)s.")
                               % {"keys": ", ".join(TWO_WAY_PARTS)}})
    clean = {}
    for key, parts in TWO_WAY_PARTS.items():
        given = shares[key]
        try:
            row = {part: int(given.get(part, 0)) for part in parts} if isinstance(given, dict) else None
        except (TypeError, ValueError):
            row = None
        if row is None or not set(given) <= set(parts) or any(v < 0 for v in row.values()) or sum(row.values()) != 100:
            raise ValidationError({"two_way_shares": gettext(
                "The shares of “%(key)s” are whole numbers ≥ 0 of %(parts)s adding up to 100.")
                % {"key": key, "parts": ", ".join(parts)}})
        clean[key] = row
    return clean


def validate_rule(weights, parameters) -> tuple[dict, dict]:
    """Normalise a rule's weights and parameters or raise ValidationError with field messages."""
    errors = {}
    clean_weights = {}
    if not isinstance(weights, dict) or set(weights) != set(KINDS):
        errors["weights"] = gettext("Give weights for each kind of unit: %(kinds)s.") % {"kinds": ", ".join(KINDS)}
    else:
        for kind in KINDS:
            given = weights[kind]
            if not isinstance(given, dict) or not set(given) <= set(COMPONENT_KEYS):
                errors["weights"] = gettext("Weights of “%(kind)s” name unknown components; use: %(keys)s.") % {
                    "kind": kind, "keys": ", ".join(COMPONENT_KEYS)}
                break
            try:
                row = {key: int(given.get(key, 0)) for key in COMPONENT_KEYS}
            except (TypeError, ValueError):
                row = None
            if row is None or any(value < 0 for value in row.values()) or sum(row.values()) != 100:
                errors["weights"] = gettext("The weights of “%(kind)s” must be whole numbers ≥ 0 adding up to "
                                            "100.") % {"kind": kind}
                break
            clean_weights[kind] = row
    clean_parameters = dict(DEFAULT_PARAMETERS)
    if not isinstance(parameters, dict) or not set(parameters) <= set(DEFAULT_PARAMETERS):
        errors["parameters"] = gettext("Unknown parameter; use: %(keys)s.") % {"keys": ", ".join(DEFAULT_PARAMETERS)}
    else:
        clean_parameters.update(parameters)
        try:
            full = Decimal(str(clean_parameters["handling_hours_full"]))
            zero = Decimal(str(clean_parameters["handling_hours_zero"]))
            cutoff = int(clean_parameters["cutoff_days"])
        except (ArithmeticError, TypeError, ValueError):
            full = zero = Decimal(-1)
            cutoff = 0
        if not (Decimal(0) <= full < zero):
            errors["parameters"] = gettext("handling_hours_full must be at least 0 and below handling_hours_zero.")
        elif not 0 <= cutoff <= 90:
            errors["parameters"] = gettext("cutoff_days is a whole number from 0 to 90.")
        elif not isinstance(clean_parameters["count_default_ratings"], bool):
            errors["parameters"] = gettext("count_default_ratings is true or false.")
        else:
            clean_parameters.update(handling_hours_full=str(full), handling_hours_zero=str(zero), cutoff_days=cutoff)
    if errors:
        raise ValidationError(errors)
    return clean_weights, clean_parameters


@dataclass
class Figures:
    """The derived figures of one unit (what a SubjectResult stores besides the raw counts)."""

    rated: int
    satisfied: int
    satisfaction_sum: int
    closure_rate: Decimal | None
    on_time_rate: Decimal | None
    rework_rate: Decimal | None
    return_rate: Decimal | None
    escalation_rate: Decimal | None
    mean_handling_hours: Decimal | None
    satisfaction_mean: Decimal | None
    satisfied_share: Decimal | None


def figures(counts: CaseCounts, parameters: dict) -> Figures:
    rated, satisfied, total = counts.rated, counts.rated_satisfied, counts.rating_sum
    if parameters.get("count_default_ratings"):
        rated, satisfied, total = rated + counts.defaulted, satisfied + counts.default_satisfied, \
            total + counts.default_sum
    return Figures(
        rated=rated, satisfied=satisfied, satisfaction_sum=total,
        closure_rate=ratio(counts.closed, counts.filed),
        on_time_rate=ratio(counts.on_time_closed, counts.filed),
        rework_rate=ratio(counts.reworked, counts.filed),
        return_rate=ratio(counts.returned, counts.filed),
        escalation_rate=ratio(counts.escalated, counts.collected),
        mean_handling_hours=(q(Decimal(counts.handling_seconds) / counts.closed / 3600, SCORE)
                             if counts.closed else None),
        satisfaction_mean=q(Decimal(total) / rated, SCORE) if rated else None,
        satisfied_share=ratio(satisfied, rated),
    )


def two_way_score(by_flow: dict[str, tuple[int, Decimal]]) -> tuple[Decimal | None, dict]:
    """{flow: (sheets, sum of totals)} → (mean of the flow means, {flow: {"sheets", "mean"}})."""
    detail = {}
    means = []
    for flow in sorted(by_flow):
        sheets, total = by_flow[flow]
        if sheets:
            mean = q(Decimal(total) / sheets, SCORE)
            means.append(mean)
            detail[flow] = {"sheets": sheets, "mean": str(mean)}
    return (q(sum(means) / len(means), SCORE) if means else None), detail


def two_way_by_parts(flows: dict[str, dict], residents: tuple[int, int],
                     shares: dict[str, int]) -> tuple[Decimal | None, dict]:
    """The two-way score weighed by parts. ``flows``: ``two_way_score``'s detail ({flow: {"sheets", "mean"}});
    ``residents``: (ratings, satisfied); ``shares``: {part: share} of the unit's kind (and management mode).
    → (score, {part: {"share", "score", "sheets" | "ratings" and "satisfied"}})."""
    means: dict[str, list[Decimal]] = {}
    sheets: dict[str, int] = {}
    for flow, detail in flows.items():
        part = PART_OF_FLOW.get(flow, SHEETS_PART)
        means.setdefault(part, []).append(Decimal(detail["mean"]))
        sheets[part] = sheets.get(part, 0) + detail["sheets"]
    ratings, satisfied = residents
    detail, scores = {}, {}
    for part, share in shares.items():
        if part == RESIDENTS_PART:
            score = q(Decimal(satisfied) / ratings * HUNDRED, SCORE) if ratings else None
            detail[part] = {"share": share, "score": _text(score), "ratings": ratings, "satisfied": satisfied}
        else:
            score = q(sum(means[part]) / len(means[part]), SCORE) if means.get(part) else None
            detail[part] = {"share": share, "score": _text(score), "sheets": sheets.get(part, 0)}
        scores[part] = score
    return composite(scores, shares), detail


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _handling_score(hours: Decimal | None, parameters: dict) -> Decimal | None:
    if hours is None:
        return None
    full, zero = Decimal(parameters["handling_hours_full"]), Decimal(parameters["handling_hours_zero"])
    if hours <= full:
        return HUNDRED
    if hours >= zero:
        return Decimal(0)
    return q((zero - hours) / (zero - full) * HUNDRED, SCORE)


def _complement(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else q((1 - rate) * HUNDRED, SCORE)


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else q(rate * HUNDRED, SCORE)


def components(fig: Figures, two_way: Decimal | None, survey_share: Decimal | None,
               parameters: dict, three_rates: dict[str, Decimal | None] | None = None,
               patrol_rate: Decimal | None = None) -> dict[str, Decimal | None]:
    """``three_rates``: {"response_rate", "resolution_rate", "satisfaction_rate"} of the unit (None: not known);
    ``patrol_rate``: patrols made / planned (None: no plan)."""
    three_rates = three_rates or {}
    return {
        "closure": _percent(fig.closure_rate),
        "on_time": _percent(fig.on_time_rate),
        "rework": _complement(fig.rework_rate),
        "return": _complement(fig.return_rate),
        "escalation": _complement(fig.escalation_rate),
        "handling": _handling_score(fig.mean_handling_hours, parameters),
        "satisfaction": _percent(fig.satisfied_share),
        "two_way": two_way,
        "survey": _percent(survey_share),
        **{key: _percent(three_rates.get(rate)) for key, rate in THREE_RATES.items()},
        "patrol": _percent(patrol_rate),
    }


def composite(scores: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal | None:
    used = [(Decimal(weights[key]), value) for key, value in scores.items() if value is not None and weights.get(key)]
    total_weight = sum(weight for weight, _value in used)
    if not total_weight:
        return None
    return q(sum(weight * value for weight, value in used) / total_weight, SCORE)


def competition_ranks(items: list[tuple[str, Decimal | None]]) -> dict[str, int]:
    """{code: rank} for the scored items, best first; ties share a rank (1, 2, 2, 4)."""
    ordered = sorted((item for item in items if item[1] is not None), key=lambda item: (-item[1], item[0]))
    ranks, previous, rank = {}, None, 0
    for position, (code, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[code] = rank
    return ranks


def fingerprint_of(value) -> str:
    """SHA-256 of a canonical JSON rendering (sorted keys, no spaces; decimals and dates as text)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
