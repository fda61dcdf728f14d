"""Joint handling (吹哨报到): a case summoned to three units, walked from the whistle to the resident's rating,
and what each unit may and may not do on the way."""
import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.http import Http404
from django.utils import timezone

from cases.integrity import verify_trails
from cases.models import Case, CaseParty, Summons
from cases.workflow import PartyStatus, Status
from core.errors import Conflict
from core.models import Notification
from core.roles import Role
from grids.models import StreetUnit
from grids.selectors import team_members
from grids.services import team_enlist
from tests.cases.conftest import LARGE_CATEGORY, STATION_A, act, new_case, notified, requires_postgres, trail
from tests.conftest import SECTION_A, STREET_A, STREET_B, _make

TEAM_A = f"joint_team-{STREET_A}"
POLICE_A = f"police-{STREET_A}"

# A Wednesday morning, in working hours (the report-in limits count working time).
MORNING = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 30))


@pytest.fixture
def team_member(cast):
    """A handler of 学院路派出所 who also serves 学院路联合执法队."""
    police = _make("police_a", Role.DEPARTMENT_HANDLER, department=POLICE_A)
    team_enlist(team=StreetUnit.objects.get(code=TEAM_A), user=police)
    return police


@pytest.fixture
def filed(cast):
    case = new_case(cast.worker_a, now=MORNING)
    act(cast.dispatcher_a, case, "file", now=MORNING)
    return case


def summon(cast, case, kind="hard", lead=STATION_A, co=(SECTION_A, TEAM_A), at=MORNING, actor=None):
    return act(actor or cast.dispatcher_a, case, "summon", now=at, kind=kind, lead=lead, co_handlers=list(co))


def parts(case) -> dict[str, str]:
    return {p.unit_code: p.status for p in CaseParty.objects.filter(case=case)}


def test_a_team_takes_members_from_the_streets_stations_only(cast, team_member):
    team = StreetUnit.objects.get(code=TEAM_A)
    assert [u.username for u in team_members(team)] == ["police_a"]
    with pytest.raises(ValidationError):  # a section's handler is no station's
        team_enlist(team=team, user=cast.section_a)
    with pytest.raises(ValidationError):  # nor a dispatcher
        team_enlist(team=team, user=cast.dispatcher_a)
    elsewhere = _make("police_b", Role.DEPARTMENT_HANDLER, department=f"police-{STREET_B}")
    with pytest.raises(ValidationError):
        team_enlist(team=team, user=elsewhere)


def test_three_units_from_whistle_to_rating(cast, filed, team_member):
    case = summon(cast, filed)
    assert case.status == Status.DISPATCHED and case.joint
    assert case.station.code == STATION_A  # the lead's unit holds the case
    summons = Summons.objects.get(case=case)
    assert summons.report_due_at == MORNING + dt.timedelta(hours=2)  # 攻坚哨: two working hours
    assert parts(case) == {STATION_A: "summoned", SECTION_A: "summoned", TEAM_A: "summoned"}
    for person in (cast.station_a, cast.section_a, team_member):
        assert notified(person, case, Notification.Kind.ASSIGNED)
    # Every summoned unit sees the case, not only the lead's.
    for person in (cast.section_a, team_member):
        assert Case.objects.visible_to(person).filter(pk=case.pk).exists()

    # The single handler's steps are not how a joint case moves.
    with pytest.raises(Conflict):
        act(cast.station_a, case, "accept", now=MORNING)

    act(cast.station_a, case, "report_in", now=MORNING + dt.timedelta(minutes=20))
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING
    with pytest.raises(Conflict):  # reporting in twice
        act(cast.station_a, case, "report_in", now=MORNING + dt.timedelta(minutes=25))
    # The section reports in after its two working hours: recorded as late, the dispatchers told.
    act(cast.section_a, case, "report_in", now=MORNING + dt.timedelta(hours=3))
    section = CaseParty.objects.get(case=case, station__code=SECTION_A)
    assert section.reported_late and section.due_at > section.reported_at
    assert notified(cast.dispatcher_a, case, Notification.Kind.ESCALATED)
    # The team returns its part: the others go on without it.
    act(team_member, case, "party_return", now=MORNING + dt.timedelta(hours=3), reason="不属于执法范围")
    with pytest.raises(Conflict):  # and cannot act on it again
        act(team_member, case, "party_return", now=MORNING + dt.timedelta(hours=3), reason="再退")

    act(cast.station_a, case, "party_feedback", now=MORNING + dt.timedelta(hours=4), result="已拆除违建")
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING  # the section has not fed back yet
    act(cast.section_a, case, "party_feedback", now=MORNING + dt.timedelta(hours=5), result="已清理现场")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.FED_BACK
    assert "已拆除违建" in case.result and "已清理现场" in case.result
    with pytest.raises(Conflict):  # a party acting after the case moved on
        act(cast.section_a, case, "party_feedback", now=MORNING + dt.timedelta(hours=5), result="再报")

    # Verification sends the section's part back by name; the lead's part stands.
    with pytest.raises(ValidationError):
        act(cast.dispatcher_a, case, "rework", now=MORNING + dt.timedelta(hours=6), reason="现场仍有垃圾")
    act(cast.dispatcher_a, case, "rework", now=MORNING + dt.timedelta(hours=6), reason="现场仍有垃圾",
        party=SECTION_A)
    assert parts(case) == {STATION_A: "fed_back", SECTION_A: "handling", TEAM_A: "returned"}
    with pytest.raises(Conflict):
        act(cast.station_a, case, "party_feedback", now=MORNING + dt.timedelta(hours=7), result="重复")
    act(cast.section_a, case, "party_feedback", now=MORNING + dt.timedelta(hours=7), result="已彻底清理")
    act(cast.dispatcher_a, case, "verify", now=MORNING + dt.timedelta(hours=8))
    act(cast.worker_a, case, "evaluate", now=MORNING + dt.timedelta(hours=9), satisfaction=5)

    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.EVALUATED and case.rework_count == 1
    assert [row[0] for row in trail(case)] == [
        "create", "file", "summon", "report_in", "report_in", "party_return", "party_feedback", "party_feedback",
        "rework", "party_feedback", "verify", "evaluate"]
    assert verify_trails([case.number]) == (1, [])


def test_the_trail_and_the_page_say_who_was_summoned_and_who_came(cast, filed, team_member, client):
    case = summon(cast, filed, kind="emergency")
    act(cast.section_a, case, "report_in", now=MORNING + dt.timedelta(minutes=45))
    client.force_login(cast.dispatcher_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "应急哨" in page and "学院路联合执法队" in page and "牵头单位" in page and "协办单位" in page
    assert "报到超时" in page  # the section came after the emergency's 30 minutes
    assert "召集" in page


def test_summoning_is_the_tiers_dispatcher_and_within_the_tier(cast, filed, team_member):
    number, before = filed.number, trail(filed)
    with pytest.raises(Http404):  # another street's dispatcher does not see the case
        summon(cast, filed, actor=cast.dispatcher_b)
    with pytest.raises(PermissionDenied):  # the community does not dispatch small-cycle cases
        summon(cast, filed, actor=cast.community_a)
    with pytest.raises(PermissionDenied):  # a whole department is the district centre's to summon
        summon(cast, filed, co=(SECTION_A, "police"))
    with pytest.raises(PermissionDenied):  # another street's station
        summon(cast, filed, co=(f"police-{STREET_B}",))
    with pytest.raises(ValidationError):  # one unit alone is a dispatch
        summon(cast, filed, co=())
    with pytest.raises(ValidationError):
        summon(cast, filed, kind="loud")
    case = Case.objects.get(number=number)
    assert case.status == Status.FILED and not case.joint and trail(case) == before
    assert not Summons.objects.filter(case=case).exists()


def test_the_district_centre_summons_departments(cast):
    case = new_case(cast.worker_a, category=LARGE_CATEGORY, now=MORNING)
    act(cast.commander, case, "file", now=MORNING)
    police = _make("police_hq", Role.DEPARTMENT_HANDLER, department="police")
    act(cast.commander, case, "summon", now=MORNING, kind="routine", lead="urban_enforcement",
        co_handlers=["police"])
    assert parts(case) == {"urban_enforcement": "summoned", "police": "summoned"}
    other = new_case(cast.worker_a, category=LARGE_CATEGORY, now=MORNING)
    act(cast.commander, other, "file", now=MORNING)
    with pytest.raises(PermissionDenied):  # a street's station is not the district centre's to summon
        summon(cast, other, actor=cast.commander, lead="urban_enforcement", co=(STATION_A,))
    act(police, case, "report_in", now=MORNING + dt.timedelta(hours=1))
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING


def test_a_lead_that_returns_ends_the_summons(cast, filed, team_member):
    case = summon(cast, filed)
    act(cast.section_a, case, "report_in", now=MORNING)
    act(cast.station_a, case, "party_return", now=MORNING, reason="需由区级处理")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.FILED and not case.joint and case.station is None and case.return_count == 1
    assert parts(case) == {STATION_A: "returned", SECTION_A: "withdrawn", TEAM_A: "withdrawn"}
    assert Summons.objects.get(case=case).ended_at is not None
    with pytest.raises(Http404):  # the section's part ended with the summons, and the case left its sight
        act(cast.section_a, case, "party_feedback", now=MORNING, result="x")
    # The dispatcher may whistle again.
    summon(cast, case, lead=SECTION_A, co=(STATION_A,))
    assert Summons.objects.filter(case=case, ended_at__isnull=True).count() == 1


def test_escalation_ends_the_summons(cast, filed, team_member):
    case = summon(cast, filed)
    act(cast.dispatcher_a, case, "escalate", now=MORNING, reason="多部门推诿")
    case = Case.objects.get(pk=case.pk)
    assert case.tier == "large" and not case.joint
    assert set(parts(case).values()) == {"withdrawn"}


def test_the_joint_case_waits_on_each_unit_with_its_part(cast, filed, team_member):
    from cases.inbox import waiting_on

    case = summon(cast, filed)
    assert waiting_on(cast.section_a).filter(pk=case.pk).exists()
    act(cast.section_a, case, "report_in", now=MORNING)
    act(cast.section_a, case, "party_feedback", now=MORNING, result="完成")
    assert not waiting_on(cast.section_a).filter(pk=case.pk).exists()
    assert waiting_on(team_member).filter(pk=case.pk).exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_report_ins_of_one_unit_have_one_winner(seeded):
    from tests.conftest import make_cast

    cast = make_cast()
    case = new_case(cast.worker_a, now=MORNING)
    act(cast.dispatcher_a, case, "file", now=MORNING)
    summon(cast, case, co=(SECTION_A,))
    colleague = _make("station_a2", Role.DEPARTMENT_HANDLER, department=STATION_A)
    results, barrier = [], threading.Barrier(2)

    def report(user):
        barrier.wait()
        try:
            act(user, case, "report_in", now=MORNING)
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(u,)) for u in (cast.station_a, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    assert [row[0] for row in trail(case)].count("report_in") == 1
    assert verify_trails([case.number]) == (1, [])
    assert CaseParty.objects.get(case=case, station__code=STATION_A).status == PartyStatus.HANDLING


def test_the_api_summons_and_each_unit_acts_on_its_part(cast, filed, team_member, api_as):
    url = f"/api/v1/cases/{filed.number}"
    dispatcher = api_as(cast.dispatcher_a)
    options = {row["code"]: row["kind"] for row in dispatcher.get(f"{url}/dispatch-options/").json()}
    assert options[TEAM_A] == "team"  # the street's joint enforcement team is a dispatch target
    out_of_tier = dispatcher.post(f"{url}/actions/summon/", {"kind": "hard", "lead": STATION_A,
                                                             "co_handlers": ["police"]}, format="json")
    assert out_of_tier.status_code == 403
    missing = dispatcher.post(f"{url}/actions/summon/", {"kind": "hard", "co_handlers": [SECTION_A]}, format="json")
    assert missing.status_code == 400 and "lead" in missing.json()
    done = dispatcher.post(f"{url}/actions/summon/", {"kind": "routine", "lead": TEAM_A,
                                                      "co_handlers": [SECTION_A, STATION_A]}, format="json")
    assert done.status_code == 200 and done.json()["joint"] and done.json()["status"] == "dispatched"

    member = api_as(team_member)
    assert member.get(f"{url}/").json()["actions"][:2] == ["report_in", "party_return"]
    assert member.post(f"{url}/actions/report_in/", {}, format="json").status_code == 200
    twice = member.post(f"{url}/actions/report_in/", {}, format="json")
    assert twice.status_code == 409
    assert api_as(cast.section_a).post(f"{url}/actions/accept/", {}, format="json").status_code == 409

    summonses = api_as(cast.dispatcher_a).get(f"{url}/summonses/").json()
    assert summonses[0]["kind"] == "routine" and summonses[0]["ended_at"] is None
    assert [(p["unit"], p["role"], p["status"]) for p in summonses[0]["parties"]] == [
        (TEAM_A, "lead", "handling"), (SECTION_A, "co", "summoned"), (STATION_A, "co", "summoned")]


def test_each_units_report_in_is_its_response_in_the_three_rates(cast, filed, team_member):
    """The lateness of a report-in counts in the unit's response rate (响应率), the department's and station's
    assessment indicator: on time for the lead, late for the section; the team returned without reporting in."""
    from cases.rates import rate_counts
    from grids.models import StreetUnit

    case = summon(cast, filed)  # 攻坚哨: report in within two working hours
    act(cast.station_a, case, "report_in", now=MORNING + dt.timedelta(minutes=20))
    act(cast.section_a, case, "report_in", now=MORNING + dt.timedelta(hours=3))
    act(team_member, case, "party_return", now=MORNING + dt.timedelta(minutes=5), reason="不属于执法范围")
    cohort, later = Case.objects.filter(pk=case.pk), MORNING + dt.timedelta(days=1)
    units = {u.code: u.pk for u in StreetUnit.objects.filter(code__in=[STATION_A, SECTION_A, TEAM_A])}
    by_station = rate_counts(cohort, as_of=later, group_by="station_id")
    assert {code: (by_station[pk].responses, by_station[pk].responded_on_time)
            for code, pk in units.items() if pk in by_station} == {STATION_A: (1, 1), SECTION_A: (1, 0)}
    whole = rate_counts(cohort, as_of=later)[None]
    assert (whole.responses, whole.responded_on_time, str(whole.response_rate)) == (2, 1, "0.5000")
    # The assessment's drill-down behind the rate lists the case.
    from evaluation.indicators import drill_q
    assert cohort.filter(drill_q("late_response", as_of=later)).exists()
    assert not cohort.filter(drill_q("late_response", as_of=MORNING + dt.timedelta(minutes=30))).exists()
    # Before the section's time is up and before it reports in, its response is not yet due.
    early = rate_counts(cohort, as_of=MORNING + dt.timedelta(minutes=30))[None]
    assert (early.responses, early.responded_on_time) == (1, 1)


def test_the_admin_names_a_teams_members_and_their_stations(admin_client, team_member):
    team = StreetUnit.objects.get(code=TEAM_A)
    page = admin_client.get(f"/admin/grids/streetunit/{team.pk}/change/").content.decode()
    assert "police_a（学院路派出所）" in page
