"""The permission matrix: every API list and detail route and every page of the URL configuration, read
(GET) by each of the seven roles in its own street, the same role in another street, the district and an
anonymous visitor, against one table of what each of them should get.

The table (``TABLE``) is the specification, written as the district's people would expect it (see
/work/shared/domain.md): a route's *kind* and its *readers* (defaults per kind, exceptions per route) say
what each person gets: 200; 403 when their role may not read that kind of thing at all (DENIED); 404
when the object lies outside their scope (missing and forbidden look the same); 405 on a write-only
route; 302 (pages) or 401 (API) for the anonymous visitor outside the public pages. Only GETs: writes are
tested elsewhere. Routes are found by walking the URL configuration; a route without an entry in the
table (or an entry without a route) fails ``test_it_has_an_expectation_for_every_route``.

Marker rows are built once per test module (and worker) in street A (学院路) and street B (青龙桥), and
a few more in another community's grid of street A, inside a transaction rolled back at the end. Every
list is searched for them: a person in street A never sees street B's rows and vice versa, a grid's or
community's people never see the next community's, the district sees them all (where its role may read
the model at all), and every grid code in a scoped API answer lies inside, or above, the person's scope.
"""
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.roles import Role
from core.tokens import token_issue
from tests.conftest import GRID_A, GRID_A2, GRID_B, STREET_A, STREET_B, built_for_a_module

# --------------------------------------------------------------------------------------------- people

GW, CS, SD, DH = Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER, Role.DEPARTMENT_HANDLER
DC, EV, AU, CT = Role.DISTRICT_COMMANDER, Role.EVALUATOR, Role.AUDITOR, Role.CALL_TAKER
ANONYMOUS = None

STREET = {"A": STREET_A, "B": STREET_B}
GRID = {"A": GRID_A, "B": GRID_B}
STATION = {area: f"urban_enforcement-{code}" for area, code in STREET.items()}


@dataclass(frozen=True)
class Person:
    key: str
    role: str | None  # None: anonymous
    area: str | None  # "A" / "B"; None for the district roles and the anonymous visitor

    @property
    def district(self) -> bool:
        return self.role is not None and self.area is None

    def roots(self) -> tuple[str, ...]:
        """Where this person may look: the grid codes whose subtrees (and ancestors) they may read."""
        if self.district:
            return (settings.DISTRICT_CODE,)
        if self.role == GW:
            return (GRID[self.area],)
        if self.role == CS:
            return (GRID[self.area][:12],)  # the community of their grid
        return (STREET[self.area],)  # street dispatcher; a station handler looks at its station's street


PEOPLE = [
    *(Person(f"{key}_{area.lower()}", role, area) for key, role in
      (("worker", GW), ("community", CS), ("dispatcher", SD), ("station", DH)) for area in "AB"),
    Person("commander", DC, None), Person("evaluator", EV, None), Person("auditor", AU, None),
    Person("call_taker", CT, None), Person("anonymous", ANONYMOUS, None),
]

# Who reads what (role model permissions, as the district would hand them out).
EVERY_ROLE = frozenset(Role)
DISTRICT = frozenset({DC, EV, AU})
ANYONE = EVERY_ROLE | {ANONYMOUS}
# 九必访 households, their visits, 六必到 records and neighbour care: residents' personal data.
SENSITIVE_READERS = frozenset({GW, CS, SD, DC})
COMMUNITY_WORK = EVERY_ROLE - {DH}  # volunteers, deliberation, practical matters: not a department's business
HOUSEHOLD_KEEPERS = frozenset({GW, CS, SD})
ORG_READERS = EVERY_ROLE - {DH}
COMPLAINT_READERS = frozenset({CS, SD}) | DISTRICT
ORG_OFFICE = frozenset({SD}) | DISTRICT  # incubation, catalogue, purchases, awards
ORG_FOUNDERS = frozenset({SD, DC})
FUND_READERS = frozenset({CS, SD}) | DISTRICT  # the innovation fund: a community applies; the street reads
EVALUATED = EVERY_ROLE - {GW, CT}  # the units assessed read their results and fill in their sheets
# Residents' democratic supervision: the community and its street convene the committee, the stations in the street
# answer its questions, the district reads all.
SUPERVISION = frozenset({CS, SD, DH}) | DISTRICT
ASSESSORS = frozenset({CS, SD}) | DISTRICT  # community workers' quarterly assessments
REPORTERS = EVERY_ROLE - {EV, AU}  # report cases
ACTORS = REPORTERS - {CT}  # add photos, take workflow actions: the hotline desk files cases and takes no step
# The command-centre dashboard: a street's sub-centre or the district, the hotline desk included (the three rates).
COMMAND = frozenset({SD, CT}) | DISTRICT
DESK = frozenset({CS, SD, DC, CT})  # the hotline desk: the call-takers and the dispatchers
# Grid patrols (网格巡察): the grid's own staff walk them, the district reads them; departments and the desk do not.
PATROLLERS = frozenset({GW, CS, SD})
PATROL_READERS = PATROLLERS | DISTRICT

# ---------------------------------------------------------------------------------------- the table

ANON_OK = "anon_ok"  # anyone, logged in or not; rows are public
PUBLIC = "public"  # any login whose role reads it; rows are not scoped
SCOPED = "scoped"  # readers see the rows and objects of their grid / community / street / department scope
SENSITIVE = "sensitive"  # SCOPED, and only the grid's own staff and their supervisors read it at all
DISTRICT_ONLY = "district_only"  # the district's roles only
POST_ONLY = "post_only"  # a write: a GET is 405 for whoever may reach it
REDIRECT = "redirect"  # a page that answers a GET by sending the reader on (302)


@dataclass(frozen=True)
class Rule:
    kind: str
    readers: frozenset = EVERY_ROLE
    rows: str | None = None  # a list: the marker rows to look for
    row_readers: frozenset | None = None  # who may see those rows (default: the readers)
    obj: str | None = None  # a detail: the marker objects that fill the path
    scoped_obj: bool = True  # does an object out of scope answer 404? (a redirect may not look)
    args: dict = field(default_factory=dict)  # fixed path arguments ("{name}" takes a world value)
    query: str = ""
    status: dict = field(default_factory=dict)  # per-role exceptions: {role: status}


def anon_ok(**kw) -> Rule:
    return Rule(ANON_OK, ANYONE, **kw)


def public(readers=EVERY_ROLE, **kw) -> Rule:
    return Rule(PUBLIC, frozenset(readers), **kw)


def scoped(readers=EVERY_ROLE, **kw) -> Rule:
    return Rule(SCOPED, frozenset(readers), **kw)


def sensitive(**kw) -> Rule:
    return Rule(SENSITIVE, SENSITIVE_READERS, **kw)


def district_only(**kw) -> Rule:
    return Rule(DISTRICT_ONLY, DISTRICT, **kw)


def post_only(readers=EVERY_ROLE, **kw) -> Rule:
    return Rule(POST_ONLY, frozenset(readers), **kw)


def redirect(readers=EVERY_ROLE, **kw) -> Rule:
    return Rule(REDIRECT, frozenset(readers), **kw)


def moved(**kw) -> Rule:
    """An old address kept as a permanent redirect to its new home (which the table covers)."""
    return Rule(ANON_OK, status={role: 301 for role in ANYONE}, **kw)


LOGGED_IN_GO_TO_THEIR_DESK = {role: 302 for role in Role}

TABLE: dict[str, Rule] = {
    # --- API: grids, departments, staff -------------------------------------------------------------
    "me": public(),
    "grid-locate": anon_ok(query="lat={lat_a}&lng={lng_a}"),
    "public-grid-staff": anon_ok(obj="grid"),
    "grid-list": scoped(rows="grid"),
    "grid-detail": scoped(obj="grid"),
    "department-list": public(),
    "department-detail": public(args={"code": "urban_enforcement"}),
    "station-list": public(),
    "station-detail": public(obj="station"),
    "staff-list": scoped(rows="staff"),
    "staff-detail": scoped(obj="staff"),
    # --- API: cases ---------------------------------------------------------------------------------
    "case-list": scoped(rows="case"),
    "case-detail": scoped(obj="case"),
    # An export is its requester's alone (the marker's: the street's dispatcher), whoever else may see cases.
    "case-export-list": scoped(rows="export"),
    "case-export-detail": scoped(obj="export"),
    "case-export-download": scoped(obj="export"),
    "case-act": post_only(obj="case", args={"action_name": "comment"}),
    "case-attachments": scoped(obj="case"),
    "case-events": scoped(obj="case"),
    "case-summonses": scoped(obj="case"),
    "case-callbacks": scoped(obj="case"),
    "case-dispatch-options": scoped(obj="case"),
    # A caller's earlier cases: whoever reads cases, each within their scope (tests/cases/test_hotline_desk.py).
    "case-callers": scoped(query="phone=13800000000"),
    "case-follow-ups": post_only(obj="case"),
    "case-reply-templates": scoped(obj="case", query="action=feedback"),
    # At street A's case (its category, its point): whoever may not see that case must not be told of it.
    "case-duplicates": scoped(query="category=E0101&lat={lat_a}&lng={lng_a}"),
    "category-list": public(),
    "category-detail": public(args={"code": "E0101"}),
    "notification-list": scoped(rows="notification"),
    "notification-read": post_only(obj="notification"),
    "api-token-list": scoped(rows="api_token"),
    "api-token-detail": post_only(obj="api_token"),  # DELETE only: a token is never shown again
    "api-token-revoke-all": post_only(),
    # --- API: grid patrols --------------------------------------------------------------------------
    "patrol-plan-list": scoped(PATROL_READERS, rows="patrol_plan"),
    "patrol-plan-detail": scoped(PATROL_READERS, obj="patrol_plan"),
    "patrol-plan-coverage": scoped(PATROL_READERS),
    "patrol-point-list": scoped(PATROL_READERS, rows="patrol_point"),
    "patrol-point-detail": scoped(PATROL_READERS, obj="patrol_point"),
    "patrol-list": scoped(PATROL_READERS, rows="patrol"),
    "patrol-detail": scoped(PATROL_READERS, obj="patrol"),
    "patrol-check-ins": post_only(PATROL_READERS, obj="patrol"),
    "patrol-end": post_only(PATROL_READERS, obj="patrol"),
    # --- API: community -----------------------------------------------------------------------------
    "community-api:public-matters": anon_ok(rows="matter"),
    "community-api:public-matter": anon_ok(obj="matter"),
    "community-api:public-matter-comments": post_only(ANYONE, obj="matter"),
    "community-api:public-matter-ratings": post_only(ANYONE, obj="matter"),
    "community-api:public-proposal": anon_ok(obj="matter"),
    "community-api:community-list": scoped(rows="community"),
    "community-api:community-figures": scoped(),
    "community-api:community-detail": scoped(obj="community"),
    # 三位一体 / 四方共建 / 三社联动 of a community: whoever sees the community; each part read through its own scope.
    "community-api:community-structure": scoped(obj="community"),
    "community-api:owners-committee-list": scoped(COMMUNITY_WORK, rows="owners_committee"),
    "community-api:owners-committee-detail": scoped(COMMUNITY_WORK, obj="owners_committee"),
    "community-api:owners-committee-contacts": post_only(COMMUNITY_WORK, obj="owners_committee"),
    "community-api:property-company-list": scoped(COMMUNITY_WORK, rows="property_company"),
    "community-api:property-company-detail": scoped(COMMUNITY_WORK, obj="property_company"),
    "community-api:property-company-contacts": post_only(COMMUNITY_WORK, obj="property_company"),
    "community-api:circle-site-list": public(),
    "community-api:circle-site-coverage": public(),
    "community-api:circle-site-detail": public(obj="circle_site"),
    "community-api:circle-provider-list": public(),
    "community-api:circle-provider-detail": public(obj="provider"),
    "community-api:visit-category-list": public(COMMUNITY_WORK),
    "community-api:visit-category-detail": public(COMMUNITY_WORK, args={"code": "empty_nest"}),
    "community-api:household-list": sensitive(rows="household"),
    "community-api:household-detail": sensitive(obj="household"),
    "community-api:household-remove": post_only(SENSITIVE_READERS, obj="household"),
    "community-api:household-visits": sensitive(obj="household"),
    "community-api:attendance-list": sensitive(rows="attendance"),
    "community-api:attendance-detail": sensitive(obj="attendance"),
    "community-api:volunteer-org-list": public(COMMUNITY_WORK),
    "community-api:volunteer-org-detail": public(COMMUNITY_WORK, obj="volunteer_org"),
    "community-api:volunteer-team-list": scoped(COMMUNITY_WORK, rows="volunteer_team"),
    "community-api:volunteer-team-detail": scoped(COMMUNITY_WORK, obj="volunteer_team"),
    "community-api:volunteer-list": scoped(COMMUNITY_WORK, rows="volunteer"),
    "community-api:volunteer-detail": scoped(COMMUNITY_WORK, obj="volunteer"),
    "community-api:volunteer-hours": scoped(COMMUNITY_WORK, obj="volunteer"),
    "community-api:activity-list": scoped(COMMUNITY_WORK, rows="activity"),
    "community-api:activity-detail": scoped(COMMUNITY_WORK, obj="activity"),
    "community-api:activity-attendance": post_only(COMMUNITY_WORK, obj="activity"),
    "community-api:activity-cancel": post_only(COMMUNITY_WORK, obj="activity"),
    "community-api:activity-signups": post_only(COMMUNITY_WORK, obj="activity"),
    "community-api:care-target-list": sensitive(rows="care_target"),
    "community-api:care-target-coverage": sensitive(rows="care_coverage"),
    "community-api:care-target-detail": sensitive(obj="care_target"),
    "community-api:care-target-pairings": post_only(SENSITIVE_READERS, obj="care_target"),
    "community-api:care-pairing-list": sensitive(rows="care_pairing"),
    "community-api:care-pairing-detail": sensitive(obj="care_pairing"),
    "community-api:care-pairing-contacts": post_only(SENSITIVE_READERS, obj="care_pairing"),
    "community-api:care-pairing-end": post_only(SENSITIVE_READERS, obj="care_pairing"),
    "community-api:meeting-list": scoped(COMMUNITY_WORK, rows="meeting"),
    "community-api:meeting-detail": scoped(COMMUNITY_WORK, obj="meeting"),
    "community-api:meeting-actions": post_only(COMMUNITY_WORK, obj="meeting"),
    "community-api:meeting-decision": post_only(COMMUNITY_WORK, obj="meeting"),
    "community-api:meeting-participants": post_only(COMMUNITY_WORK, obj="meeting"),
    "community-api:follow-up-list": scoped(COMMUNITY_WORK, rows="follow_up"),
    "community-api:follow-up-detail": scoped(COMMUNITY_WORK, obj="follow_up"),
    "community-api:matter-list": scoped(COMMUNITY_WORK, rows="matter"),
    "community-api:matter-without-project": scoped(COMMUNITY_WORK),
    "community-api:matter-detail": scoped(COMMUNITY_WORK, obj="matter"),
    "community-api:matter-act": post_only(COMMUNITY_WORK, obj="matter"),
    "community-api:matter-milestones": post_only(COMMUNITY_WORK, obj="matter"),
    "community-api:matter-milestone-done": post_only(COMMUNITY_WORK, obj="matter", args={"milestone_id": "1"}),
    # --- API: base registers (houses, residents, places): the grid's own staff, their supervisors, the district --
    "registers-api:house-list": sensitive(rows="house"),
    "registers-api:house-detail": sensitive(obj="house"),
    "registers-api:resident-list": sensitive(rows="resident"),
    "registers-api:resident-detail": sensitive(obj="resident"),
    "registers-api:place-list": sensitive(rows="place"),
    "registers-api:place-detail": sensitive(obj="place"),
    "registers-api:import": post_only(HOUSEHOLD_KEEPERS),
    # --- API: social organisations ------------------------------------------------------------------
    "orgs-api:public-organisations": anon_ok(rows="organisation"),
    "orgs-api:public-projects": anon_ok(rows="project"),
    "orgs-api:public-complaints": post_only(ANYONE),
    "orgs-api:organisation-list": scoped(ORG_READERS, rows="organisation"),
    "orgs-api:organisation-detail": scoped(ORG_READERS, obj="organisation"),
    "orgs-api:organisation-act": post_only(ORG_READERS, obj="organisation"),
    "orgs-api:incubation-site-list": public(ORG_OFFICE),
    "orgs-api:incubation-site-occupancy": public(ORG_OFFICE),
    "orgs-api:incubation-site-detail": public(ORG_OFFICE, obj="incubation_site"),
    "orgs-api:tenancy-list": scoped(ORG_OFFICE, rows="tenancy"),
    "orgs-api:tenancy-detail": scoped(ORG_OFFICE, obj="tenancy"),
    "orgs-api:tenancy-end": post_only(ORG_OFFICE, obj="tenancy"),
    "orgs-api:incubation-service-list": scoped(ORG_OFFICE, rows="incubation_service"),
    "orgs-api:incubation-service-detail": scoped(ORG_OFFICE, obj="incubation_service"),
    "orgs-api:catalogue-list": public(ORG_OFFICE),
    "orgs-api:catalogue-detail": public(ORG_OFFICE, obj="catalogue_item"),
    "orgs-api:project-list": scoped(ORG_OFFICE, rows="project"),
    "orgs-api:project-totals": scoped(ORG_OFFICE),
    "orgs-api:project-detail": scoped(ORG_OFFICE, obj="project"),
    "orgs-api:project-act": post_only(ORG_OFFICE, obj="project"),
    "orgs-api:project-milestones": post_only(ORG_OFFICE, obj="project"),
    "orgs-api:project-milestone-done": post_only(ORG_OFFICE, obj="project", args={"milestone_id": "1"}),
    "orgs-api:award-list": scoped(ORG_OFFICE, rows="award"),
    "orgs-api:award-totals": scoped(ORG_OFFICE),
    "orgs-api:award-detail": scoped(ORG_OFFICE, obj="award"),
    "orgs-api:complaint-list": scoped(COMPLAINT_READERS, rows="complaint"),
    "orgs-api:complaint-detail": scoped(COMPLAINT_READERS, obj="complaint"),
    "orgs-api:complaint-act": post_only(COMPLAINT_READERS, obj="complaint"),
    "orgs-api:fund-budget-list": public(FUND_READERS),
    "orgs-api:fund-budget-detail": public(FUND_READERS, obj="fund_budget"),
    "orgs-api:fund-call-list": public(FUND_READERS),
    "orgs-api:fund-call-detail": public(FUND_READERS, obj="fund_call"),
    "orgs-api:fund-application-list": scoped(FUND_READERS, rows="fund_application"),
    "orgs-api:fund-application-detail": scoped(FUND_READERS, obj="fund_application"),
    "orgs-api:fund-application-act": post_only(FUND_READERS, obj="fund_application"),
    "orgs-api:fund-application-reviews": post_only(FUND_READERS, obj="fund_application"),
    "orgs-api:fund-application-milestone-act": post_only(FUND_READERS, obj="fund_application",
                                                         args={"milestone_id": "1"}),
    # --- API: evaluation ----------------------------------------------------------------------------
    "evaluation-api:definitions": public(EVALUATED),
    "evaluation-api:public-sheet": anon_ok(obj="residents_sheet"),
    "evaluation-api:period-list": public(EVALUATED),
    "evaluation-api:period-detail": public(EVALUATED, args={"code": "{published_period}"}),
    "evaluation-api:rule-list": public(EVALUATED),
    "evaluation-api:rule-detail": public(EVALUATED, args={"version": "1"}),
    "evaluation-api:bonus-rule-list": district_only(),
    "evaluation-api:bonus-rule-detail": district_only(args={"version": "1"}),
    "evaluation-api:round-list": public(EVALUATED),
    "evaluation-api:round-detail": public(EVALUATED, obj="round"),
    "evaluation-api:sheet-list": scoped(EVALUATED, rows="sheet"),
    "evaluation-api:sheet-detail": scoped(EVALUATED, obj="sheet"),
    "evaluation-api:sheet-submit": post_only(EVALUATED, obj="sheet"),
    "evaluation-api:survey-list": district_only(rows="survey"),
    "evaluation-api:survey-detail": district_only(obj="survey"),
    "evaluation-api:run-list": scoped(EVALUATED, rows="run"),
    "evaluation-api:run-detail": scoped(EVALUATED, obj="run"),
    "evaluation-api:run-export": scoped(EVALUATED, obj="run"),
    "evaluation-api:run-publish": post_only(EVALUATED, obj="run"),
    "evaluation-api:run-review": post_only(EVALUATED, obj="run"),
    # Recomputing a run to check it is the evaluators' tool.
    "evaluation-api:run-verify": scoped({EV}, obj="run"),
    "evaluation-api:result-list": scoped(EVALUATED, rows="result"),
    "evaluation-api:result-detail": scoped(EVALUATED, obj="result"),
    "evaluation-api:result-cases": scoped(EVALUATED, obj="result", query="drill=overdue"),
    "evaluation-api:worker-assessment-list": scoped(ASSESSORS, rows="worker_assessment"),
    "evaluation-api:worker-assessment-detail": scoped(ASSESSORS, obj="worker_assessment"),
    "evaluation-api:bonus-list": district_only(rows="bonus"),
    "evaluation-api:bonus-detail": district_only(obj="bonus"),
    "evaluation-api:bonus-export": district_only(obj="bonus"),
    "evaluation-api:bonus-lines": district_only(obj="bonus"),
    "evaluation-api:supervision-committee-list": scoped(SUPERVISION, rows="committee"),
    "evaluation-api:supervision-committee-detail": scoped(SUPERVISION, obj="committee"),
    "evaluation-api:supervision-committee-representatives": post_only(SUPERVISION, obj="committee"),
    "evaluation-api:supervision-round-list": scoped(SUPERVISION, rows="supervision_round"),
    "evaluation-api:supervision-round-detail": scoped(SUPERVISION, obj="supervision_round"),
    "evaluation-api:supervision-round-questions": post_only(SUPERVISION, obj="supervision_round"),
    "evaluation-api:supervision-round-ratings": post_only(SUPERVISION, obj="supervision_round"),
    "evaluation-api:supervision-round-close": post_only(SUPERVISION, obj="supervision_round"),
    "evaluation-api:supervision-question-list": scoped(SUPERVISION, rows="supervision_question"),
    "evaluation-api:supervision-question-detail": scoped(SUPERVISION, obj="supervision_question"),
    "evaluation-api:supervision-question-answer": post_only(SUPERVISION, obj="supervision_question"),
    # --- Open311 GeoReport v2: public reads ---------------------------------------------------------
    "open311-discovery": anon_ok(args={"fmt": "json"}),
    "open311-services": anon_ok(args={"fmt": "json"}),
    "open311-service": anon_ok(args={"fmt": "json", "code": "E0101"}),
    "open311-requests": anon_ok(rows="case", args={"fmt": "json"}),
    "open311-request": anon_ok(obj="case", args={"fmt": "json"}),
    "open311-token": anon_ok(obj="case", args={"fmt": "json"}),
    # --- pages --------------------------------------------------------------------------------------
    "home": anon_ok(status=LOGGED_IN_GO_TO_THEIR_DESK),
    "cases:inbox": scoped(rows="case", query="view=all"),
    "cases:new": public(REPORTERS),
    "cases:desk": public(DESK),
    "cases:must-report": redirect(REPORTERS),
    "cases:bulk-dispatch": redirect(ACTORS),
    # Asking for an export is a POST; the job's page and file are its requester's alone (tests/cases/test_exports.py).
    "cases:export": redirect(args={"fmt": "csv"}),
    "cases:export-job": scoped(obj="export"),
    "cases:export-download": scoped(obj="export"),
    "/cases/notifications/": moved(),
    "cases:dashboard": scoped(COMMAND),
    "cases:dashboard-data": scoped(COMMAND),
    "cases:routing": district_only(),
    "cases:detail": scoped(obj="case"),
    "cases:created": scoped(obj="case"),
    "cases:act": redirect(obj="case", args={"action": "comment"}),
    # Recording a callback is a POST; a GET goes back to the case page (the callers: dispatchers and the district).
    "cases:callback": redirect({CS, SD, DC, CT}, obj="case"),
    # The upload form's GET sends the reader to the case page, which answers for the scope itself.
    "cases:photo-upload": redirect(ACTORS, obj="case", scoped_obj=False),
    # So does the desk's follow-up button; a call for a case out of sight is refused by the service (404).
    "cases:follow-up": redirect(DESK, obj="case", scoped_obj=False),
    "cases:photo": scoped(obj="attachment"),
    "cases:photo-thumbnail": scoped(obj="attachment"),
    "cases:grid": scoped(obj="grid"),
    "grids:geojson": scoped(rows="grid"),
    "patrols:index": scoped(PATROL_READERS, rows="patrol"),
    # Starting, checking in and ending are POSTs; a GET goes back to the list or the patrol's page.
    "patrols:start": redirect(PATROLLERS),
    "patrols:patrol": scoped(PATROL_READERS, obj="patrol"),
    "patrols:check-in": redirect(PATROLLERS, obj="patrol"),
    "patrols:end": redirect(PATROLLERS, obj="patrol"),
    "patrols:photo": scoped(PATROL_READERS, obj="check_in"),
    "grids:grid": moved(obj="grid"),
    "notifications": scoped(rows="notification"),
    "api_tokens": scoped(rows="api_token"),
    # Two-step sign-in: anyone may set it up; the code page sends on a session that has nothing to show.
    "two_factor": public(),
    "two_factor_enrol": public(),
    "two_factor_verify": redirect(),
    "public:report": anon_ok(),
    "public:track": anon_ok(),
    "public:case": anon_ok(obj="case"),
    "public-grids:index": anon_ok(),
    "public-grids:streets": anon_ok(),
    "public-grids:staff": anon_ok(obj="grid"),
    # The workbench is every staff member's, but the households on it are the grid's own staff's only.
    "community:workbench": scoped(rows="household", row_readers=SENSITIVE_READERS),
    "community:communities": scoped(rows="community"),
    "community:community": scoped(obj="community"),
    "community:service-circle": public(),
    "community:households": sensitive(rows="household"),
    "community:household-new": public(HOUSEHOLD_KEEPERS),
    "community:household": sensitive(obj="household"),
    "community:attendance": sensitive(rows="attendance"),
    "community:volunteers": scoped(COMMUNITY_WORK, rows="volunteer"),
    "community:volunteer": scoped(COMMUNITY_WORK, obj="volunteer"),
    "community:activities": scoped(COMMUNITY_WORK, rows="activity"),
    "community:activity": scoped(COMMUNITY_WORK, obj="activity"),
    "community:care": sensitive(rows="care_target"),
    "community:care-target": sensitive(obj="care_target"),
    "community:meetings": scoped(COMMUNITY_WORK, rows="meeting"),
    "community:meeting": scoped(COMMUNITY_WORK, obj="meeting"),
    "community:matters": scoped(COMMUNITY_WORK, rows="matter"),
    "community:matter": scoped(COMMUNITY_WORK, obj="matter"),
    "community:public-matters": anon_ok(rows="matter"),
    "community:public-propose": anon_ok(),
    "community:public-track": anon_ok(),
    "community:public-matter": anon_ok(obj="matter"),
    # The registers: read by the grid's own staff, their supervisors and the district; kept by the first two.
    "registers:index": scoped(SENSITIVE_READERS),
    "registers:grid": sensitive(obj="grid"),
    "registers:house": sensitive(obj="house"),
    "registers:house-new": public(HOUSEHOLD_KEEPERS),
    "registers:house-edit": scoped(HOUSEHOLD_KEEPERS, obj="house"),
    "registers:resident-new": public(HOUSEHOLD_KEEPERS),
    "registers:resident-edit": scoped(HOUSEHOLD_KEEPERS, obj="resident"),
    "registers:place-new": public(HOUSEHOLD_KEEPERS),
    "registers:place-edit": scoped(HOUSEHOLD_KEEPERS, obj="place"),
    "registers:import": public(HOUSEHOLD_KEEPERS),
    "orgs:organisations": scoped(ORG_READERS, rows="organisation"),
    "orgs:organisation-new": public(ORG_FOUNDERS),
    "orgs:organisation": scoped(ORG_READERS, obj="organisation"),
    "orgs:incubation": scoped(ORG_OFFICE, rows="tenancy"),
    "orgs:purchases": scoped(ORG_OFFICE, rows="project"),
    "orgs:project": scoped(ORG_OFFICE, obj="project"),
    "orgs:awards": scoped(ORG_OFFICE, rows="award"),
    "orgs:complaints": scoped(COMPLAINT_READERS, rows="complaint"),
    "orgs:complaint": scoped(COMPLAINT_READERS, obj="complaint"),
    "orgs:fund": scoped(FUND_READERS, rows="fund_application"),
    "orgs:fund-call": public(FUND_READERS, obj="fund_call"),
    "orgs:fund-application": scoped(FUND_READERS, obj="fund_application"),
    "orgs:public": anon_ok(rows="organisation"),
    "orgs:public-report": anon_ok(query="organisation={organisation_a}"),
    "evaluation:index": scoped(EVALUATED),
    "evaluation:run": scoped(EVALUATED, obj="run"),
    "evaluation:run-export": scoped(EVALUATED, obj="run"),
    "evaluation:ranking": scoped(EVALUATED, obj="run", args={"kind": "grid"}),
    "evaluation:scorecard": scoped(EVALUATED, obj="result"),
    "evaluation:result-cases": scoped(EVALUATED, obj="result", args={"drill": "overdue"}),
    "evaluation:sheets": scoped(EVALUATED, rows="sheet"),
    "evaluation:sheet": scoped(EVALUATED, obj="sheet"),
    "evaluation:public-sheet": anon_ok(obj="residents_sheet"),
    "evaluation:bonus": district_only(obj="bonus"),
    "evaluation:bonus-export": district_only(obj="bonus"),
    "evaluation:committees": scoped(SUPERVISION, rows="committee"),
    "evaluation:committee": scoped(SUPERVISION, obj="committee"),
    "evaluation:supervision-round": scoped(SUPERVISION, obj="supervision_round"),
}

# Routes the matrix does not read, each with the reason.
SKIPPED_PREFIXES = {"admin/": "Django admin: superusers only, every page opened in tests/core/test_admin.py"}
SKIPPED = {
    "set_language": "POST-only language switch; no data behind it",
    "schema": "the OpenAPI document, no rows; validated in tests/core/test_platform.py",
    "docs": "Swagger UI for the schema, no rows",
    "auth-token": "POST-only login exchange (throttled); tests/grids/test_auth_token.py",
    "login": "Django's login page", "logout": "Django's logout",
    "password_change": "Django's password views", "password_change_done": "Django's password views",
    "password_reset": "Django's password views", "password_reset_done": "Django's password views",
    "password_reset_confirm": "Django's password views", "password_reset_complete": "Django's password views",
    "livez": "the load balancer's liveness probe; no data",
    "healthz": "the monitoring system's health report, no rows; tests/core/test_health.py",
    "metrics": "Prometheus metrics, counts only; monitoring system only, tests/core/test_health.py",
    "favicon": "the site's icon, a static file; tests/core/test_shell.py",
    "open311-unknown": "Open311's 404 for any other path, no data behind it; tests/cases/test_open311.py",
}
SKIPPED_VIEW_MODULES = {"django.views.static": "static and media files", "whitenoise": "static files"}

# --------------------------------------------------------------------------------- walking the URLconf


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.path.startswith(("api/", "open311/"))


def _walk(resolver, prefix="", namespace="", params=()):
    for entry in resolver.url_patterns:
        here = params + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)
            yield from _walk(entry, prefix + str(entry.pattern), inner, here)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, prefix + str(entry.pattern), here, entry


def discover_routes() -> tuple[dict[str, Route], dict[str, str]]:
    """{name: Route} of every route the matrix reads, and {name: reason} of those it leaves out."""
    routes, skipped = {}, {}
    for name, path, params, entry in _walk(get_resolver()):
        module = getattr(entry.callback, "__module__", "") or ""
        reason = (SKIPPED.get(name or "")
                  or next((why for prefix, why in SKIPPED_PREFIXES.items() if path.startswith(prefix)), None)
                  or next((why for prefix, why in SKIPPED_VIEW_MODULES.items() if module.startswith(prefix)), None))
        key = name or f"/{path}"  # an unnamed route is listed by its path
        if reason:
            skipped[key] = reason
        else:
            routes[key] = Route(key, path, tuple(dict.fromkeys(params)))
    return routes, skipped


# ---------------------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class Marker:
    """A row the matrix looks for. ``area``: "A"/"B" (a street's), "*" (every reader's), "D" (the district's
    only). ``roles``: in its street, only these roles see it (None: every reader). ``token``: what shows
    the row in an answer; ``page_token`` on pages when that differs. ``query`` narrows an API list to it."""

    model: str
    area: str
    lookup: dict
    token: str
    page_token: str | None = None
    query: str = ""
    roles: frozenset | None = None
    district: bool = True


@dataclass
class World:
    markers: dict[str, list[Marker]]
    sessions: dict[str, str]  # person key -> session cookie
    values: dict[str, str]  # for "{name}" in a rule's args and query
    staff_total: int


def _staff(key: str, role: str, area: str | None):
    from grids.services import staff_create

    grid = {GW: GRID, CS: GRID, SD: STREET}.get(role, {}).get(area, "")
    return staff_create(username=f"mx_{key}", role=role, password=None, full_name=f"mx {key}", grid_code=grid,
                        department_code=STATION[area] if role == DH else "", check_password=False)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def build_world() -> World:
    """Marker rows in both streets, made through the apps' services (the same path as the screens)."""
    from cases import exports as case_exports
    from cases.attachments import case_attach
    from community import matters as community_matters
    from community import services as community
    from community import structures as community_structures
    from community.models import (
        AttendanceRecord,
        CareTarget,
        OwnersCommittee,
        PropertyCompany,
        ServiceCircleSite,
        ServiceProvider,
        VisitCategory,
        VolunteerOrg,
    )
    from evaluation import services as evaluation
    from evaluation import supervision
    from evaluation.models import ScoreSheet, SubjectResult
    from evaluation.periods import HALF, QUARTER, containing
    from grids.models import Grid, StaffProfile
    from grids.seeding import seed_staff
    from orgs import funds
    from orgs import services as orgs
    from orgs.models import Award, CatalogueItem, Complaint, FundBudget, IncubationService, IncubationSite
    from patrols import services as patrols
    from registers import services as registers
    from registers.seeding import identity_number
    from tests.cases.conftest import act, new_case
    from tests.orgs.conftest import make_organisation

    people = {p.key: _staff(p.key, p.role, p.area) for p in PEOPLE if p.role is not None}
    today = timezone.localdate()
    fund_call = funds.call_create(user=people["commander"], title="MX-CALL", year=today.year,
                                  opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=30),
                                  budget_share=Decimal("1000000"), scope="基层服务管理创新类")
    markers: dict[str, list[Marker]] = {}
    values: dict[str, str] = {}

    def mark(model, area, lookup, token, **kw):
        markers.setdefault(model, []).append(Marker(model, area, lookup, str(token), **kw))

    def json_id(pk) -> str:
        return f'"id":{pk},'

    for area in "AB":
        a = area.lower()
        worker, community_staff = people[f"worker_{a}"], people[f"community_{a}"]
        dispatcher, station = people[f"dispatcher_{a}"], people[f"station_{a}"]
        grid = Grid.objects.select_related("community").get(code=GRID[area])
        community_row = grid.community
        values[f"lat_{a}"], values[f"lng_{a}"] = str(grid.centroid_lat), str(grid.centroid_lng)

        # structure
        mark("grid", area, {"code": grid.code}, grid.code)
        mark("community", area, {"code": community_row.code}, community_row.code, page_token=community_row.name)
        mark("station", area, {"code": STATION[area]}, STATION[area])
        profile = StaffProfile.objects.get(user=worker)
        mark("staff", area, {"pk": profile.pk}, f"mx worker_{a}", query=f"grid={grid.code}")

        # cases: a resident's call taken down by the grid worker (so Open311 publishes it), dispatched by the street
        # to its urban-enforcement station
        with TestCase.captureOnCommitCallbacks(execute=True):
            case = new_case(worker, grid_code=grid.code, title=f"MX{area}-CASE", source="hotline")
            act(dispatcher, case, "file")
            act(dispatcher, case, "dispatch", department=STATION[area])
        case.refresh_from_db()
        mark("case", area, {"number": case.number, "token": case.public_token}, case.number)
        photo = case_attach(actor=worker, number=case.number, content=_png())
        mark("attachment", area, {"number": case.number, "pk": photo.pk}, case.number)
        export = case_exports.export_request(actor=dispatcher, fmt="csv", query="view=all")
        case_exports.export_write(export.pk)
        mark("export", area, {"pk": export.pk}, json_id(export.pk), roles=frozenset({SD}), district=False)
        note = station.notifications.create(kind="comment", message=f"MX{area}-NOTE")
        mark("notification", area, {"pk": note.pk}, json_id(note.pk), page_token=f"MX{area}-NOTE",
             roles=frozenset({DH}), district=False)
        token, _raw = token_issue(station, name=f"MX{area}-TOKEN")
        mark("api_token", area, {"key": token.token_key}, token.token_key, page_token=f"MX{area}-TOKEN",
             roles=frozenset({DH}), district=False)

        # a patrol plan of the grid with a point, and a patrol in progress checked in there with a photo
        plan = patrols.plan_set(user=community_staff, grid=grid, times=2, every_days=7)
        mark("patrol_plan", area, {"pk": plan.pk}, json_id(plan.pk))
        point = patrols.point_add(user=worker, grid=grid, name=f"MX{area}-POINT", lat=grid.centroid_lat,
                                  lng=grid.centroid_lng)
        mark("patrol_point", area, {"pk": point.pk}, json_id(point.pk))
        patrol = patrols.patrol_start(user=worker, grid=grid)
        check_in = patrols.patrol_check_in(user=worker, patrol=patrol, lat=grid.centroid_lat, lng=grid.centroid_lng,
                                           point=point, photo=_png())
        mark("patrol", area, {"pk": patrol.pk}, json_id(patrol.pk), page_token=f"mx worker_{a}")
        mark("check_in", area, {"pk": check_in.pk}, "")

        # must-visit households (visit past due, so the workbench lists them), attendance, neighbour care
        household = community.household_register(
            user=worker, grid=grid, head_name=f"MX{area}-HOUSEHOLD", address="1号楼1单元101",
            categories=VisitCategory.objects.filter(code="empty_nest"), registered_on=today - dt.timedelta(days=40))
        community.visit_record(user=worker, household=household, visited_on=today - dt.timedelta(days=35),
                               summary=f"MX{area}-VISIT")
        mark("household", area, {"pk": household.pk}, f"MX{area}-HOUSEHOLD")
        mark("visit", area, {"pk": household.pk}, f"MX{area}-VISIT")
        record = community.attendance_record(
            user=worker, grid=grid, situation=AttendanceRecord.Situation.NEIGHBOUR_DISPUTE, occurred_on=today,
            attended_on=today, place=f"MX{area}-ATTENDANCE", action_taken="调解")
        mark("attendance", area, {"pk": record.pk}, f"MX{area}-ATTENDANCE")
        target = community.care_target_register(user=worker, grid=grid, kind=CareTarget.Kind.EMPTY_NEST,
                                                name=f"MX{area}-CARE", building="1号楼")
        pairing = community.care_pair(user=worker, target=target, helper_name=f"MX{area}-HELPER",
                                      helper_phone="13700000001")
        community.care_contact_record(user=worker, pairing=pairing, contacted_on=today, note=f"MX{area}-CONTACT")
        mark("care_contact", area, {"pk": pairing.pk}, f"MX{area}-CONTACT")
        mark("care_target", area, {"pk": target.pk}, f"MX{area}-CARE")
        mark("care_pairing", area, {"pk": pairing.pk}, f"MX{area}-HELPER")
        mark("care_coverage", area, {}, community_row.name)

        # the base registers: a house with a resident, and a place
        house = registers.house_create(user=worker, grid=grid, building=f"MX{area}-HOUSE", room="101")
        mark("house", area, {"pk": house.pk}, f"MX{area}-HOUSE")
        resident = registers.resident_create(user=worker, house=house, kind="floating", name=f"MX{area}-RESIDENT",
                                             id_number=identity_number("370102", dt.date(1990, 1, 1), 11))
        mark("resident", area, {"pk": resident.pk}, f"MX{area}-RESIDENT")
        place = registers.place_create(user=worker, grid=grid, name=f"MX{area}-PLACE", kind="shop", address="1号")
        mark("place", area, {"pk": place.pk}, f"MX{area}-PLACE")

        # volunteers, deliberation, practical matters of the grid's community
        station_org = VolunteerOrg.objects.get(community=community_row)
        mark("volunteer_org", area, {"code": station_org.code}, station_org.code)
        team = community.volunteer_team_create(user=community_staff, org=station_org, name=f"MX{area}-TEAM")
        mark("volunteer_team", area, {"pk": team.pk}, f"MX{area}-TEAM")
        volunteer = community.volunteer_register(user=community_staff, full_name=f"MX{area}-VOLUNTEER",
                                                 phone="13600000001", community=community_row, teams=[team])
        mark("volunteer", area, {"pk": volunteer.pk}, f"MX{area}-VOLUNTEER")
        starts = timezone.now() + dt.timedelta(days=3)
        activity = community.activity_create(
            user=community_staff, team=team, title=f"MX{area}-ACTIVITY", place="社区活动室", starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2), capacity=10, community=community_row)
        mark("activity", area, {"pk": activity.pk}, f"MX{area}-ACTIVITY")
        meeting = community.meeting_create(user=community_staff, community=community_row, topic=f"MX{area}-MEETING",
                                           held_on=today - dt.timedelta(days=2))
        community.meeting_add_participant(user=community_staff, meeting=meeting, party="residents", name="居民代表")
        meeting = community.meeting_record_decision(user=community_staff, meeting=meeting, decision="加装扶手")
        follow_up = community.follow_up_add(user=community_staff, meeting=meeting, description=f"MX{area}-FOLLOWUP",
                                            owner_name="物业", due_on=today + dt.timedelta(days=10))
        mark("meeting", area, {"pk": meeting.pk}, f"MX{area}-MEETING")
        for key, model in (("owners_committee", OwnersCommittee), ("property_company", PropertyCompany)):
            body = community_structures.compound_body_register(
                user=community_staff, model=model, community=community_row, name=f"MX{area}-{key.upper()}",
                starts_on=today - dt.timedelta(days=300), ends_on=today + dt.timedelta(days=60),
                contacts=[{"name": "赵主任", "role": "主任", "phone": "13900000001"}])
            mark(key, area, {"pk": body.pk}, f"MX{area}-{key.upper()}")
        mark("follow_up", area, {"pk": follow_up.pk}, f"MX{area}-FOLLOWUP")
        matter = community_matters.matter_propose(user=community_staff, community=community_row,
                                                  title=f"MX{area}-MATTER", description="加装电梯")
        matter = community_matters.matter_act(user=community_staff, matter=matter, action="select", year=today.year)
        mark("matter", area, {"pk": matter.pk, "code": matter.tracking_code}, f"MX{area}-MATTER")

        # social organisations of the street: incubation, purchase, awards, complaints
        organisation = make_organisation(f"MX{area}-ORG", street=STREET[area])
        values[f"organisation_{a}"] = str(organisation.pk)
        mark("organisation", area, {"pk": organisation.pk}, f"MX{area}-ORG")
        commander = people["commander"]
        site = IncubationSite.objects.order_by("code").first()
        tenancy = orgs.tenancy_create(user=commander, site=site, organisation=organisation, room=f"MX{area}R",
                                      area_m2=10, starts_on=today - dt.timedelta(days=10),
                                      ends_on=today + dt.timedelta(days=300))
        mark("tenancy", area, {"pk": tenancy.pk}, f"MX{area}R", page_token=organisation.name)
        service = orgs.incubation_service_record(user=commander, site=site, organisation=organisation,
                                                 kind=IncubationService.Kind.TRAINING, provided_on=today,
                                                 hours=Decimal("2"), note=f"MX{area}-SERVICE")
        mark("incubation_service", area, {"pk": service.pk}, f"MX{area}-SERVICE")
        item = CatalogueItem.objects.filter(active=True).order_by("code").first()
        project = orgs.project_create(user=commander, code=f"mx-{a}-project", title=f"MX{area}-PROJECT", item=item,
                                      year=today.year, budget=Decimal("100000"), provider=organisation,
                                      starts_on=today, ends_on=today + dt.timedelta(days=200),
                                      street=Grid.objects.get(code=STREET[area]))
        mark("project", area, {"pk": project.pk}, f"MX{area}-PROJECT")
        award = orgs.award_grant(user=commander, organisation=organisation, year=today.year,
                                 title=Award.Title.OUTSTANDING_ORG, amount=Decimal("5000"), note=f"MX{area}-AWARD")
        mark("award", area, {"pk": award.pk}, f"MX{area}-AWARD", page_token=organisation.name)
        complaint = orgs.complaint_receive(organisation=organisation, channel=Complaint.Channel.HOTLINE,
                                           content=f"MX{area}-COMPLAINT")
        mark("complaint", area, {"pk": complaint.pk}, f"MX{area}-COMPLAINT", page_token=organisation.name)
        application = funds.application_create(
            user=community_staff, call=fund_call, community_grid=grid, title=f"MX{area}-FUND", category="governance",
            plan="楼门议事", amount_requested=Decimal("50000"), milestones=[{"title": "结项", "due_on": today}])
        mark("fund_application", area, {"pk": application.pk}, f"MX{area}-FUND")

    # The same street, another community's grid (A2): its rows are the street's, not worker_a's or
    # community_a's. Entered by the street's dispatcher, who alone of street A's people sees them.
    dispatcher_a, neighbour = people["dispatcher_a"], Grid.objects.get(code=GRID_A2)
    street_only = frozenset({SD})
    case = new_case(dispatcher_a, grid_code=GRID_A2, title="MXA2-CASE", source="hotline")
    mark("case", "A", {"number": case.number, "token": case.public_token}, case.number, roles=street_only)
    household = community.household_register(
        user=dispatcher_a, grid=neighbour, head_name="MXA2-HOUSEHOLD", address="2号楼1单元101",
        categories=VisitCategory.objects.filter(code="disabled"), registered_on=today - dt.timedelta(days=40))
    mark("household", "A", {"pk": household.pk}, "MXA2-HOUSEHOLD", roles=street_only)
    record = community.attendance_record(
        user=dispatcher_a, grid=neighbour, situation=AttendanceRecord.Situation.EMERGENCY, occurred_on=today,
        attended_on=today, place="MXA2-ATTENDANCE", action_taken="疏散")
    mark("attendance", "A", {"pk": record.pk}, "MXA2-ATTENDANCE", roles=street_only)
    target = community.care_target_register(user=dispatcher_a, grid=neighbour, kind=CareTarget.Kind.DISABLED,
                                            name="MXA2-CARE", building="2号楼")
    mark("care_target", "A", {"pk": target.pk}, "MXA2-CARE", roles=street_only)

    # public reference data, the same for every reader
    for area, street in STREET.items():
        site = ServiceCircleSite.objects.filter(street__code=street).first() or ServiceCircleSite.objects.first()
        mark("circle_site", area, {"code": site.code}, site.code)
    mark("provider", "*", {"code": ServiceProvider.objects.order_by("code").first().code}, "")
    mark("incubation_site", "*", {"code": IncubationSite.objects.order_by("code").first().code}, "")
    mark("catalogue_item", "*", {"code": CatalogueItem.objects.order_by("code").first().code}, "")
    mark("fund_call", "*", {"pk": fund_call.pk}, "")
    mark("fund_budget", "*", {"pk": FundBudget.objects.order_by("pk").first().pk}, "")

    # assessment: last quarter published (results, a bonus), this quarter computed only (a draft), this
    # half-year's two-way round and survey
    evaluator = people["evaluator"]
    this_quarter = containing(QUARTER, today)
    last_quarter, this_half = this_quarter.previous(), containing(HALF, today)
    values["published_period"] = last_quarter.code
    run = evaluation.run_compute(period_code=last_quarter.code)
    evaluation.run_review(actor=evaluator, run_id=run.pk)
    published = evaluation.run_publish(actor=evaluator, run_id=run.pk)
    draft = evaluation.run_compute(period_code=this_quarter.code)
    mark("run", "*", {"pk": published.pk}, json_id(published.pk), page_token=f"/evaluation/runs/{published.pk}/")
    mark("run", "D", {"pk": draft.pk}, json_id(draft.pk), page_token=f"/evaluation/runs/{draft.pk}/")
    for area in "AB":
        grid_result = SubjectResult.objects.get(run=published, kind="grid", code=GRID[area])
        mark("result", area, {"pk": grid_result.pk}, json_id(grid_result.pk), query=f"code={GRID[area]}",
             roles=frozenset({CS, SD}))
        station_result = SubjectResult.objects.get(run=published, kind="station", code=STATION[area])
        mark("result", area, {"pk": station_result.pk}, json_id(station_result.pk), query=f"code={STATION[area]}",
             roles=frozenset({SD, DH}))
    draft_result = SubjectResult.objects.get(run=draft, kind="grid", code=GRID_A)
    mark("result", "D", {"pk": draft_result.pk}, json_id(draft_result.pk), query=f"run={draft.pk}&code={GRID_A}")

    assessment_round, _created = evaluation.round_open(period_code=this_half.code)
    mark("round", "*", {"pk": assessment_round.pk}, json_id(assessment_round.pk))
    sheets = ScoreSheet.objects.filter(round=assessment_round)
    for area in "AB":
        by_grid = sheets.get(flow="grid_street", evaluator_code=GRID[area])
        mark("sheet", area, {"pk": by_grid.pk}, json_id(by_grid.pk), page_token=f"/evaluation/sheets/{by_grid.pk}/",
             query=f"evaluator_code={GRID[area]}", roles=frozenset({CS}))
        by_street = sheets.get(flow="street_grid", evaluator_code=STREET[area], evaluatee_code=GRID[area])
        mark("sheet", area, {"pk": by_street.pk}, json_id(by_street.pk),
             page_token=f"/evaluation/sheets/{by_street.pk}/",
             query=f"evaluator_code={STREET[area]}&evaluatee_code={GRID[area]}", roles=frozenset({SD}))
        residents = sheets.get(flow="residents_grid", evaluator_code=GRID[area])
        mark("residents_sheet", area, {"token": residents.token}, "")
        assessed = evaluation.worker_assess(actor=people[f"dispatcher_{area.lower()}"],
                                            period_code=this_quarter.code,
                                            username=people[f"community_{area.lower()}"].username, score=90)
        mark("worker_assessment", area, {"pk": assessed.pk}, json_id(assessed.pk))
    # The bonus before the 13,922 arrive: two community workers to pay, not four thousand.
    bonus, _created = evaluation.bonus_compute(actor=evaluator, period_code=last_quarter.code)
    mark("bonus", "D", {"pk": bonus.pk}, json_id(bonus.pk))
    survey = evaluation.survey_import(actor=evaluator, period_code=this_half.code, file_name="survey.csv",
                                      content=f"unit,sample_size,satisfied,q1\n{GRID_A},10,8,90\n".encode())
    mark("survey", "D", {"pk": survey.pk}, json_id(survey.pk))
    for area in "AB":  # a committee in each street, its round of this half-year and a question to the station
        dispatcher = people[f"dispatcher_{area.lower()}"]
        committee = supervision.committee_create(actor=dispatcher, grid=GRID[area])
        by_grid = f'"grid":"{GRID[area]}"'  # ids would also match the rows nested in another list
        mark("committee", area, {"pk": committee.pk}, by_grid, page_token=committee.name)
        meeting, _created = supervision.supervision_round_open(actor=dispatcher, committee_id=committee.pk,
                                                               period_code=this_half.code)
        mark("supervision_round", area, {"pk": meeting.pk}, by_grid)
        question = supervision.question_ask(actor=dispatcher, round_id=meeting.pk, unit=STATION[area],
                                            text=f"MX{area}-QUESTION")
        mark("supervision_question", area, {"pk": question.pk}, f"MX{area}-QUESTION")

    seed_staff()  # the district's 13,922 sunk-down staff, for the district's staff list
    sessions = {}
    for key, user in people.items():
        client = Client()
        client.force_login(user)
        sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(markers=markers, sessions=sessions, values=values, staff_total=StaffProfile.objects.count())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back afterwards, so no other test ever sees these rows (or the 13,922
    seeded staff)."""
    with built_for_a_module(django_db_blocker, build_world) as world:
        yield world


@pytest.fixture(scope="module")
def cache_of_the_module():
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_cache(cache_of_the_module):
    """The cache is emptied once, when the module starts, not before each test as elsewhere (tests/conftest.py): the
    matrix's tests only read the one world built for the module, so what a request cached for a person (their
    permissions, their scope) stays true from one test to the next, as it does between two requests in production.
    Each person's reads stay far below every throttle's rate: the anonymous visitor, the one without a login, sends 22
    requests that a throttle counts (to the public API) in the module's minute or more, where 120 a minute are
    allowed."""


# ------------------------------------------------------------------------------------- expectations


def may_read(rule: Rule, person: Person) -> bool:
    return person.role in rule.readers


def sees(rule: Rule, person: Person, marker: Marker) -> bool:
    """Should this person find the marker (in a list, or behind a detail URL)?"""
    if person.role not in (rule.row_readers or rule.readers):
        return False
    if rule.kind in (ANON_OK, PUBLIC) or marker.area == "*":
        return True
    if person.district:
        return marker.district
    return marker.area == person.area and (marker.roles is None or person.role in marker.roles)


def expected_status(rule: Rule, route: Route, person: Person, marker: Marker | None) -> int:
    if person.role in rule.status:
        return rule.status[person.role]
    if rule.kind == ANON_OK:
        return 200
    if person.role is ANONYMOUS and ANONYMOUS not in rule.readers:
        return 401 if route.is_api else 302
    if not may_read(rule, person):
        return 403
    if rule.kind == POST_ONLY:
        return 405
    if marker is not None and rule.scoped_obj and not sees(rule, person, marker):
        return 404
    return 302 if rule.kind == REDIRECT else 200


# ------------------------------------------------------------------------------------------ helpers

CODE = re.compile(r"(?<![\d.])110108(?:\d{3}){0,3}(?!\d)")


def _client(world: World, person: Person) -> Client:
    # Each person on their own machine: public throttles count per client address.
    client = Client(REMOTE_ADDR=f"10.8.0.{PEOPLE.index(person) + 1}")
    if person.role is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[person.key]
    return client


def _text(response) -> str | None:
    kind = response.get("Content-Type", "")
    if getattr(response, "streaming", False) or not kind.startswith(("application/json", "text/")):
        return None
    return response.content.decode("utf-8", "replace")


def _url(route: Route, rule: Rule, world: World, marker: Marker | None, query: str = "") -> str:
    kwargs = {}
    for name in route.params:
        if name in rule.args:
            kwargs[name] = rule.args[name].format(**world.values)
        elif marker is not None and name in marker.lookup:
            kwargs[name] = marker.lookup[name]
        else:
            raise AssertionError(f"{route.name}: no value for the path argument {name!r}; give it in the table")
    url = f"/{route.path}" if route.name.startswith("/") else reverse(route.name, kwargs=kwargs)
    page = "page_size=1000" if route.is_api and rule.rows else ""
    parts = [part for part in (rule.query.format(**world.values), query, page) if part]
    return url + ("?" + "&".join(parts) if parts else "")


def _more_pages_json(text: str) -> bool:
    return bool(re.search(r'"next":\s*"', text))


def _more_pages_html(text: str) -> bool:
    return bool(re.search(r'[?;&]page=2"', text))


def _outside_scope(text: str, person: Person) -> set[str]:
    roots = person.roots()
    return {code for code in CODE.findall(text)
            if not any(code.startswith(root) or root.startswith(code) for root in roots)}


ROUTES, SKIPS = discover_routes()

# ------------------------------------------------------------------------------------------- tests

pytestmark = pytest.mark.django_db


def test_it_has_an_expectation_for_every_route():
    discovered, listed = set(ROUTES), set(TABLE)
    missing, stale = sorted(discovered - listed), sorted(listed - discovered)
    assert not missing and not stale, (
        "The permission table must match the URL configuration.\n"
        + "".join(f"  route without an entry in TABLE (add one): {name} -> /{ROUTES[name].path}\n" for name in missing)
        + "".join(f"  entry in TABLE for a route that no longer exists (remove it): {name}\n" for name in stale))
    assert all(reason for reason in SKIPS.values())


def test_it_reads_lists_as_lists_and_details_as_details():
    """The router's names say what a route is: ``<basename>-list`` lists rows, ``<basename>-detail`` and the
    detail actions name an object in the path. A scoped list must name the marker rows it is searched for."""
    wrong = []
    for name, route in ROUTES.items():
        rule = TABLE.get(name)
        if rule is None:
            continue
        if name.endswith("-list") and route.params and not set(route.params) <= set(rule.args):
            wrong.append(f"{name}: a list with path arguments {route.params}")
        if name.endswith("-list") and rule.kind in (SCOPED, SENSITIVE) and not rule.rows:
            wrong.append(f"{name}: a scoped list without marker rows to look for")
        if name.endswith("-detail") and not route.params:
            wrong.append(f"{name}: a detail without a path argument")
        if rule.obj is None and set(route.params) - set(rule.args):
            wrong.append(f"{name}: nothing fills the path arguments {route.params}")
    assert not wrong, "\n".join(wrong)


def test_every_scoped_list_has_a_row_in_each_street_to_look_for(world):
    models = {rule.rows for rule in TABLE.values() if rule.rows and rule.kind in (SCOPED, SENSITIVE)}
    missing = [f"{model} in {area}" for model in sorted(models) for area in "AB"
               if not any(m.area == area for m in world.markers.get(model, []))
               and not any(m.area in "*D" for m in world.markers.get(model, []))]
    assert not missing, f"no marker row for: {missing}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_it_answers_each_person_as_the_table_says(name, world):
    if name not in ROUTES:
        pytest.fail(f"{name} is in the table but not in the URL configuration")
    route, rule = ROUTES[name], TABLE[name]
    failures = []
    objects = world.markers[rule.obj] if rule.obj else [None]
    if rule.obj and rule.kind == POST_ONLY:
        objects = objects[:1]  # a GET never reaches the object
    listed = world.markers[rule.rows] if rule.rows else []
    for person in PEOPLE:
        client = _client(world, person)
        for marker in objects:
            queries = sorted({m.query for m in listed} if route.is_api else {""}) or [""]
            for query in queries:
                url = _url(route, rule, world, marker, query)
                response = client.get(url)
                want = expected_status(rule, route, person, marker)
                where = f"{person.key:13} GET {url}"
                if response.status_code != want:
                    failures.append(f"{where}: {response.status_code}, expected {want}")
                elif want == 302 and person.role is ANONYMOUS and rule.kind != ANON_OK:
                    if not response["Location"].startswith(reverse(settings.LOGIN_URL)):
                        failures.append(f"{where}: sent to {response['Location']}, not to the login page")
                text = _text(response) if response.status_code == 200 else None
                if text is None:
                    continue
                if route.is_api and rule.kind in (SCOPED, SENSITIVE) and not person.district:
                    strangers = _outside_scope(text, person)
                    if strangers:
                        failures.append(f"{where}: grid codes outside the person's scope {sorted(strangers)[:5]}")
                # Absence proves nothing when the list runs over a page (a foreign row is a leak all the same).
                complete = not (_more_pages_json(text) if route.is_api else _more_pages_html(text))
                if listed and route.is_api and not complete:
                    failures.append(f"{where}: the list runs over a page; narrow it with a marker query")
                for row in listed:
                    if route.is_api and row.query != query:
                        continue
                    token = row.token if route.is_api else (row.page_token or row.token)
                    found = bool(re.search(rf"(?<!\d){re.escape(token)}(?!\d)", text))
                    should = sees(rule, person, row)
                    if found and not should:
                        failures.append(f"{where}: shows the {row.model} row of {row.area} ({token}), which is "
                                        "not this person's to see")
                    elif should and not found and complete:
                        failures.append(f"{where}: does not show the {row.model} row of {row.area} ({token})")
    assert not failures, f"{name}: {len(failures)} cell(s) differ from the table\n" + "\n".join(failures)


def test_the_district_commander_sees_every_staff_member_of_the_district(world):
    cast = sum(1 for person in PEOPLE if person.role is not None)
    assert world.staff_total == 13_922 + cast, "the seeded district has 13,922 staff, plus the matrix's people"
    client = _client(world, next(person for person in PEOPLE if person.role == DC))
    response = client.get(reverse("staff-list"), {"page_size": 1})
    assert response.status_code == 200
    assert response.json()["count"] == world.staff_total, "the district commander's staff list is not the district"


PERSONAL_RECORDS = ("household", "visit", "attendance", "care_target", "care_pairing", "care_contact", "house",
                    "resident", "place")


@pytest.mark.parametrize("role", [EV, AU, DH])
def test_an_evaluator_an_auditor_or_a_department_handler_cannot_read_residents_personal_records(role, world):
    """九必访 households and their visits, 六必到 records and neighbour care are the grid's own staff's and
    their supervisors' (up to the district commander): everyone else is refused, on every screen."""
    person = next(p for p in PEOPLE if p.role == role and p.area in (None, "A"))
    client = _client(world, person)
    tokens = [m.token for model in PERSONAL_RECORDS for m in world.markers[model]]
    shown = []
    for name, rule in sorted(TABLE.items()):
        if (rule.kind != SENSITIVE and rule.row_readers != SENSITIVE_READERS) or name not in ROUTES:
            continue
        for marker in world.markers[rule.obj] if rule.obj else [None]:
            url = _url(ROUTES[name], rule, world, marker)
            response = client.get(url)
            if rule.kind == SENSITIVE and response.status_code != 403:
                shown.append(f"GET {url}: {response.status_code}, expected 403")
            text = _text(response) or ""
            shown += [f"GET {url} shows {token}" for token in tokens if token in text]
    assert not shown, f"{person.key} reads residents' personal records:\n" + "\n".join(shown)

