"""Every case has somewhere to go: the seeded district's routing table walked category × tier × street, real
dispatches accepted by the seeded handlers, and dead ends made by an administrator shown where they look."""
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Category, Route
from cases.routing import Probe, RoutingDirectory, routing_health
from cases.selectors import handlers_of
from cases.workflow import Tier
from grids.models import Grid, StationUserObjectPermission, StreetUnit
from grids.seeding import seed_staff
from tests.conftest import STREET_A, built_for_a_module, make_cast

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db
User = get_user_model()
SECTION_A = f"environment-{STREET_A}"  # 学院路环境保护科


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The district's 13,922 sunk-down staff (the station, section and bureau handlers among them) and the cast,
    built once for the module and rolled back afterwards."""
    def build():
        seed_staff()
        return make_cast()

    with built_for_a_module(django_db_blocker, build) as cast:
        yield cast


@pytest.fixture(scope="module")
def cast(world):
    return world


def test_every_category_in_every_tier_of_every_street_reaches_someone_who_may_accept_it(cast):
    directory = RoutingDirectory()
    streets = list(Grid.objects.filter(level=Grid.Level.STREET))
    categories = list(Category.objects.filter(parent__isnull=False, active=True).select_related("department"))
    first = Counter()
    for street in streets:
        for category in categories:
            for tier in (Tier.SMALL, Tier.LARGE):
                routed = [a for a in directory.routed(Probe(category, tier, street)) if a.handlers]
                assert routed, f"{street.name} {tier} {category}: no routed unit with a handler"
                first[(tier, routed[0].kind)] += 1
    assert (len(streets), len(categories)) == (29, 52)
    # Half the categories belong to departments with no station in streets (or to none): a section takes them.
    assert first == {("small", "station"): 29 * 26, ("small", "section"): 29 * 26, ("large", "department"): 29 * 52}
    unit_grids = Grid.objects.filter(level=Grid.Level.UNIT)
    staffed = unit_grids.filter(griduserobjectpermission__user__staff_profile__role="grid_worker",
                                griduserobjectpermission__user__is_active=True).distinct()
    assert staffed.count() == unit_grids.count() == 643
    health = routing_health()
    assert (health.gaps, health.combinations, health.staffed_grids) == ([], 29 * 52 * 2, 643)


def bring_to(case, tier, cast):
    """Escalate a new case of street A up to ``tier`` through the dispatchers' own escalations."""
    while case.tier != tier:
        dispatcher = cast.community_a if case.tier == Tier.MICRO else cast.dispatcher_a
        case = act(dispatcher, case, "escalate", reason="需上级协调")
    return case


@pytest.mark.parametrize("tier", [Tier.SMALL, Tier.LARGE])
def test_each_routed_unit_of_a_street_takes_a_real_case_and_its_handler_accepts_it(cast, tier):
    """One case for each distinct unit the table routes 学院路's cases to first, dispatched by the tier's
    dispatcher and accepted by one of the seeded handlers of that unit."""
    street = Grid.objects.get(code=STREET_A)
    directory = RoutingDirectory(street_ids=[street.pk])
    dispatcher = cast.dispatcher_a if tier == Tier.SMALL else cast.commander
    walked = set()
    # A large-cycle category never comes down to the small cycle: the small walk leaves those out.
    categories = Category.objects.filter(parent__isnull=False).select_related("department").order_by("code")
    for category in categories.exclude(default_tier=Tier.LARGE) if tier == Tier.SMALL else categories:
        target = next(a for a in directory.routed(Probe(category, tier, street)) if a.handlers)
        if target.code in walked:
            continue
        walked.add(target.code)
        case = bring_to(new_case(cast.worker_a, category.code), tier, cast)
        if case.status == "collected":
            case = act(dispatcher, case, "file")
        case = act(dispatcher, case, "dispatch", department=target.code)
        handler = handlers_of(case).exclude(username__in=["station_a", "section_a", "bureau"]).first()
        assert handler is not None, target.name
        assert act(handler, case, "accept").status == "handling"
    # 学院路's 8 stations and the 5 sections with categories of their own; the 13 district departments.
    assert len(walked) == 13, walked


def test_a_unit_left_without_handlers_is_a_dead_end_on_the_page_and_in_check(cast, client):
    section = StationUserObjectPermission.objects.filter(content_object__code=SECTION_A)
    User.objects.filter(pk__in=section.values("user_id")).update(is_active=False)
    Route.objects.filter(category__code="C0601", tier=Tier.LARGE).delete()  # 健身器材损坏 loses its district line

    gaps = routing_health().gaps
    xueyuanlu = {(g.tier, g.category[:5]): g.reason for g in gaps if g.street == "学院路街道"}
    assert xueyuanlu[("small", "C0401")] == "学院路环境保护科没有在岗承办人。"
    assert {code for tier, code in xueyuanlu if tier == "small"} == {
        c.code for c in Category.objects.filter(parent__isnull=False, department__code__in=["landscaping",
                                                                                           "sanitation"])}
    assert sum(1 for g in gaps if g.category.startswith("C0601") and g.tier == "large") == 29
    assert next(g.reason for g in gaps if g.category.startswith("C0601")) == "派遣路由表中没有该层级的路由。"

    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "cases.W001" in out.getvalue() and "学院路街道" in out.getvalue()

    client.force_login(cast.commander)
    page = client.get("/cases/routing/").content.decode()
    assert "派遣死角" in page and "学院路环境保护科没有在岗承办人。" in page and "C0401 行道树倒伏或死亡" in page


def test_the_routing_page_shows_where_cases_go_and_no_dead_ends(cast, client):
    client.force_login(cast.commander)
    page = client.get("/cases/routing/").content.decode()
    assert "没有：每个街镇每个层级的每类案件都能派到可接收的人。" in page
    assert "部门在本街镇的派驻机构" in page and "本街镇科室" in page and "区职能部门" in page
    # The table reads as names: 行道树 goes to the environment section, 私搭乱建 to the 城管分队 then 城市管理科.
    assert "环境保护科" in page and "城管分队 → 城市管理科" in page
    client.force_login(cast.dispatcher_a)
    assert client.get("/cases/routing/").status_code == 403


def test_changing_a_route_in_admin_is_recorded_with_who_and_what(cast, admin_client):
    route = Route.objects.get(category__code="C0401", tier=Tier.SMALL, rank=1)
    url = f"/admin/cases/route/{route.pk}/change/"
    form = {"category": route.category_id, "tier": "small", "rank": 1, "target": "section",
            "section": "urban_management", "department": ""}
    assert admin_client.post(url, form).status_code == 302
    latest = route.history.first()
    assert (latest.section, latest.history_user.username, latest.history_type) == ("urban_management", "admin", "~")
    assert route.history.count() == 2  # seeded, then changed
    assert "urban_management" in admin_client.get(f"/admin/cases/route/{route.pk}/history/").content.decode()
    form.update(target="department", section="")
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "不能路由到此类单位" in response.content.decode()
    assert Route.objects.get(pk=route.pk).section == "urban_management"


def test_the_dispatch_form_offers_the_routed_unit_first(cast, client):
    case = act(cast.dispatcher_a, new_case(cast.worker_a, "C0401"), "file")
    client.force_login(cast.dispatcher_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    options = page[page.index('id="id_dispatch-to"'):]
    assert options.index("学院路环境保护科（路由推荐）") < options.index("学院路派出所")


def test_a_station_out_of_service_passes_its_cases_to_the_next_line_of_the_table(cast, api_as):
    StreetUnit.objects.filter(code=STATION_A).update(in_service=False)  # 学院路城管分队 closes
    case = act(cast.dispatcher_a, new_case(cast.worker_a, "E0101"), "file")  # 私搭乱建: 城管分队, then 城市管理科
    found = api_as(cast.dispatcher_a).get(f"/api/v1/cases/{case.number}/dispatch-options/").json()
    assert [(o["code"], o["routed"]) for o in found][:2] == [(f"urban_management-{STREET_A}", True),
                                                               ("police-110108009", False)]
    assert STATION_A not in {o["code"] for o in found}
    response = api_as(cast.dispatcher_a).post(f"/api/v1/cases/{case.number}/actions/dispatch/",
                                              {"department": STATION_A}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "学院路城管分队已停止承办新案件，请选择其他单位。"
    assert routing_health().gaps == []  # the section behind it takes the street's enforcement cases
