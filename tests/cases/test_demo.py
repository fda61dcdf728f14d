"""The demo looks like a district: cases in seven streets in every status, tier and light, moved by
the services so their trails verify; the same stories hold whatever the day; a second load changes
nothing; every household of the demo opens."""
import datetime as dt
import io
import json
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases.demo import EVERY_STREET, StreetCast, seed_demo_cases, stories_of, working_time_before
from cases.integrity import verify_trails
from cases.models import Case, CaseEvent
from cases.workflow import Light, Status, Tier
from community.models import FollowUpAction, Household, PracticalMatter, VolunteerActivity
from core.calendar import add_working_time
from core.roles import Role
from core.seeding import seed_platform
from evaluation.models import ResultRun, SupervisionCommittee
from grids.demo import DEMO_STREETS, seed_demo_people, street_usernames
from grids.models import Grid, StaffProfile
from orgs.models import Complaint, PurchaseProject, SocialOrganisation
from patrols.models import PatrolPlan, PatrolPoint
from registers.models import House, Place, Resident

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))


def story_cases(index: int) -> dict[str, Case]:
    """The case of each story of a demo street, found by the key the demo created it with."""
    street = DEMO_STREETS[index]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=street_usernames(street).values())}
    grids = {g.code: g for g in Grid.objects.filter(code__in=[street.first_grid, street.second_grid])}
    cast = StreetCast(street, stories_of(index), users, grids)
    cases = {case.creation_key: case for case in Case.objects.filter(
        creation_key__in=[cast.creation_key(story) for story in cast.stories])}
    return {story.key: cases[cast.creation_key(story)] for story in cast.stories if cast.creation_key(story) in cases}


def test_the_demo_spreads_every_status_over_several_streets_with_real_trails(client):
    seed_platform(demo=True)

    cases = Case.objects.all()
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert set(cases.values_list("tier", flat=True)) == set(Tier.values)
    assert set(cases.values_list("light", flat=True)) == set(Light.values)
    streets = set(cases.values_list("street__code", flat=True))
    assert streets == {street.code for street in DEMO_STREETS}
    for street in streets:  # each street shows the whole loop, not one stage of it
        assert set(cases.filter(street__code=street).values_list("status", flat=True)) == set(Status.values), street
    checked, problems = verify_trails()
    assert checked == cases.count() and not problems
    moments = defaultdict(list)
    for case_id, created_at in CaseEvent.objects.order_by("case_id", "seq").values_list("case_id", "created_at"):
        moments[case_id].append(created_at)
    assert all(times == sorted(times) and times[-1] <= timezone.now() for times in moments.values())
    # Every grid's real-name listing has people on it.
    listed = StaffProfile.objects.filter(listed_publicly=True, home_grid__level=Grid.Level.UNIT)
    assert listed.values("home_grid").distinct().count() == Grid.objects.filter(level=Grid.Level.UNIT).count()

    # The rest of the district: matters, organisations, projects and complaints in every status, in the
    # demo streets; the last half-year's assessment published.
    matters = PracticalMatter.objects.filter(community__street__code__in=streets)
    assert set(matters.values_list("status", flat=True)) == set(PracticalMatter.Status.values)
    assert len(set(matters.values_list("community__street", flat=True))) == len(streets)
    assert set(FollowUpAction.objects.values_list("status", flat=True)) == set(FollowUpAction.Status.values)
    assert set(VolunteerActivity.objects.values_list("status", flat=True)) == set(VolunteerActivity.Status.values)
    assert Household.objects.filter(is_overdue=True).values("grid__parent").distinct().count() == len(streets)
    assert set(SocialOrganisation.objects.values_list("status", flat=True)) == set(SocialOrganisation.Status.values)
    assert set(PurchaseProject.objects.values_list("status", flat=True)) == set(PurchaseProject.Status.values)
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status.values)
    published = ResultRun.objects.get(status=ResultRun.Status.PUBLISHED)
    assert published.period.kind == "half" and published.inputs["cases"] > 0
    # The pilot streets' supervision committees rated their street office and stations last half-year: the
    # published scorecards show the residents' part beside the managers' shares.
    police = published.results.get(kind="station", code=f"police-{DEMO_STREETS[0].code}")
    assert police.management_mode == "dual" and set(police.two_way_parts) == {"department", "street", "residents"}
    assert police.two_way_parts["residents"]["ratings"] == SupervisionCommittee.objects.filter(
        grid__code__startswith=DEMO_STREETS[0].code).count() > 0
    assert published.results.get(kind="street", code=DEMO_STREETS[1].code).two_way_parts["residents"]["ratings"] > 0

    # Loading it again (as the quick start does, reading the command's JSON) changes nothing.
    counts = (cases.count(), CaseEvent.objects.count(), sorted(cases.values_list("version", flat=True)))
    out = io.StringIO()
    call_command("seed_haidian", "--demo", "--json", stdout=out)
    again = json.loads(out.getvalue())
    assert again["changed"] is False
    assert (cases.count(), CaseEvent.objects.count(), sorted(cases.values_list("version", flat=True))) == counts
    staff = StaffProfile.objects.filter(listed_publicly=True).count()
    houses = House.objects.all()
    assert again["summary"] == [
        f"29 streets, 643 grids, {staff:,} staff listed by name",
        f"{houses.count():,} houses, {Resident.objects.count():,} residents and {Place.objects.count():,} places on "
        f"the registers of {houses.values('grid').distinct().count()} grids",
        f"{PatrolPlan.objects.count()} patrol plans, {PatrolPoint.objects.count()} points",
        f"{counts[0]} cases in 7 streets"]
    assert houses.exists() and PatrolPlan.objects.exists()
    assert [login[0] for login in again["logins"]][:3] == ["worker", "community", "dispatcher"]

    # Every must-visit household opens for the command centre (they answered 500 when a visit had no visitor).
    client.force_login(get_user_model().objects.filter(staff_profile__role=Role.DISTRICT_COMMANDER).first())
    households = list(Household.objects.values_list("pk", flat=True))
    assert len(households) >= 8
    assert {pk: client.get(f"/community/households/{pk}/").status_code for pk in households} == dict.fromkeys(
        households, 200)


@pytest.mark.parametrize("now", [
    dt.datetime(2026, 10, 8, 9, 5, tzinfo=BEIJING),  # the first working morning after the National Day week
    dt.datetime(2026, 11, 28, 15, 0, tzinfo=BEIJING),  # a Saturday
    dt.datetime(2027, 1, 4, 23, 50, tzinfo=BEIJING),  # a Monday night, just after a new half-year began
], ids=["after-holiday", "saturday", "new-half-year"])
def test_the_stories_end_the_same_whatever_the_day(now):
    seed_demo_people()
    created, _ = seed_demo_cases(streets=1, now=now)
    xueyuanlu = story_cases(0)
    assert created == len(xueyuanlu) > len(EVERY_STREET)
    assert set(case.status for case in xueyuanlu.values()) == set(Status.values)

    assert xueyuanlu["collected"].light == Light.YELLOW  # 80–100 % of its filing limit in working time
    assert xueyuanlu["fed-back"].light == Light.RED  # past its verification limit
    assert xueyuanlu["large-dispatched"].light == Light.RED
    assert xueyuanlu["handling"].light == Light.GREEN
    escalated = xueyuanlu["micro-overdue"]  # the sweep moved it up after the grace
    assert (escalated.tier, escalated.status, escalated.escalation_count) == (Tier.SMALL, Status.FILED, 1)
    assert xueyuanlu["micro-closed"].status == Status.CLOSED  # still within the rating window
    defaulted = xueyuanlu["micro-default-rating"]
    assert defaulted.status == Status.EVALUATED and defaulted.satisfaction_defaulted
    assert xueyuanlu["late-closed"].overdue_steps == 1
    last_half = xueyuanlu["q-small"]
    assert timezone.localdate(last_half.created_at) < dt.date(now.year, 1 if now.month <= 6 else 7, 1)
    assert all(case.created_at <= now for case in xueyuanlu.values())
    assert not verify_trails()[1]


def test_working_time_before_undoes_adding_it():
    for start in (dt.datetime(2026, 9, 30, 17, 30, tzinfo=BEIJING), dt.datetime(2026, 12, 5, 11, 0, tzinfo=BEIJING),
                  dt.datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING)):
        for hours in (1, 7.5, 40):
            end = add_working_time(start, hours)
            assert add_working_time(working_time_before(end, hours), hours) == end
