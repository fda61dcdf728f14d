"""Reference and demo data of the community app (idempotent: upserts by natural key).

Reference data, always loaded: the nine must-visit categories with default frequencies, the
15-minute service circle as the source gives it (110 city-level + 62 district-level
demonstration sites covering 281 of the 570 communities, 612 contracted providers with their
outlets), the three-level volunteer network, volunteer skills, and the daily overdue-visit job.
Demo data (``demo=True``): the 3,480 volunteer teams and a worked example in 学院路第01社区 and
around: households with visits (some overdue), volunteers, activities, neighbour care,
deliberation meetings and practical matters.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.schedules import schedule_daily
from grids.models import Community, Grid
from grids.seeding import SeedReport, upsert_by_key

from . import models
from .services import household_next_due, households_flag_overdue
from .tasks import OVERDUE_VISITS_TASK

# The source: 110 city-level + 62 district-level sites covering 281 of 570 communities (49.3%).
CITY_SITES, DISTRICT_SITES, COVERED_COMMUNITIES = 110, 62, 281
PROVIDERS = 612  # "600+ contracted service providers"
VOLUNTEER_TEAMS = 3480
TEAM_BRANDS = ["手拉手", "天使之爱", "霞光计划"]

DEFAULT_INTERVALS = {
    models.VisitCategory.Code.HARDSHIP: 30,
    models.VisitCategory.Code.EMPTY_NEST: 30,
    models.VisitCategory.Code.DISABLED: 30,
    models.VisitCategory.Code.UNEMPLOYED: 30,
    models.VisitCategory.Code.KEY_ASSISTANCE: 15,
    models.VisitCategory.Code.ILLNESS_ACCIDENT: 15,
    models.VisitCategory.Code.NEIGHBOUR_DISPUTE: 15,
    models.VisitCategory.Code.MILITARY: 90,
    models.VisitCategory.Code.PARTY_MEMBER: 90,
}
SKILLS = ["医疗护理", "法律咨询", "心理疏导", "家电维修", "教育辅导", "文艺演出", "外语翻译", "驾驶", "信息技术",
          "环境保护", "助老陪护", "应急救护"]
PROVIDER_NAMES = {
    models.ServiceProvider.Field.CATERING: "老年餐桌",
    models.ServiceProvider.Field.HOUSEKEEPING: "家政服务",
    models.ServiceProvider.Field.ELDERLY: "养老照料",
    models.ServiceProvider.Field.HEALTH: "社区健康",
    models.ServiceProvider.Field.REPAIR: "便民维修",
    models.ServiceProvider.Field.RETAIL: "便民超市",
    models.ServiceProvider.Field.LAUNDRY: "洗衣缝补",
    models.ServiceProvider.Field.CHILDCARE: "托育服务",
}


def _short(name: str) -> str:
    return name.removesuffix("街道").removesuffix("镇")


def seed(demo: bool = False) -> SeedReport:
    report = SeedReport()
    with transaction.atomic():
        report.add("visit categories", _seed_visit_categories())
        report.add("service circle", _seed_service_circle())
        report.add("volunteer network", _seed_volunteer_network())
        report.add("volunteer skills", upsert_by_key(models.VolunteerSkill, "name", [{"name": n} for n in SKILLS]))
        report.add("periodic tasks", _seed_periodic_task())
    if demo:
        with transaction.atomic():
            report.add("volunteer teams", _seed_volunteer_teams())
            report.add("community demo", _seed_demo_cases())
        households_flag_overdue()  # what the daily job would do, so the demo shows it at once
    return report


def _seed_visit_categories() -> tuple[int, int]:
    # Create missing categories only: frequencies are configured by the district afterwards.
    existing = set(models.VisitCategory.objects.values_list("code", flat=True))
    missing = [models.VisitCategory(code=code, interval_days=days) for code, days in DEFAULT_INTERVALS.items()
               if code not in existing]
    models.VisitCategory.objects.bulk_create(missing)
    return len(missing), 0


def _largest_remainder(weights: dict[str, int], total: int, caps: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    shares = {key: weight * total / whole for key, weight in weights.items()}
    result = {key: min(caps[key], max(1, int(value))) for key, value in shares.items()}
    by_remainder = sorted(shares, key=lambda key: (shares[key] - int(shares[key]), key), reverse=True)
    while sum(result.values()) != total:
        step = 1 if sum(result.values()) < total else -1
        for key in by_remainder:
            if sum(result.values()) == total:
                break
            if (step > 0 and result[key] < caps[key]) or (step < 0 and result[key] > 1):
                result[key] += step
    return result


def _seed_service_circle() -> tuple[int, int]:
    communities = list(Community.objects.select_related("street").order_by("code"))
    if not communities:
        return 0, 0
    # Spread the covered communities evenly over the district's list.
    covered = [c for i, c in enumerate(communities)
               if (i * COVERED_COMMUNITIES) // len(communities) != ((i + 1) * COVERED_COMMUNITIES) // len(communities)]
    by_street: dict[str, list[Community]] = {}
    for community in covered:
        by_street.setdefault(community.street.code, []).append(community)
    site_total = CITY_SITES + DISTRICT_SITES
    per_street = _largest_remainder({k: len(v) for k, v in by_street.items()}, site_total,
                                    {k: len(v) for k, v in by_street.items()})
    Level = models.ServiceCircleSite.Level
    levels = [Level.CITY] * CITY_SITES + [Level.DISTRICT] * DISTRICT_SITES
    random.Random("service-circle").shuffle(levels)
    site_rows, members = [], {}
    serial = 0
    for street_code in sorted(by_street):
        street_communities = by_street[street_code]
        count = per_street[street_code]
        for index in range(count):
            chunk = street_communities[index * len(street_communities) // count:
                                       (index + 1) * len(street_communities) // count]
            code = f"sc-{street_code}-{index + 1:02d}"
            level = levels[serial]
            site_rows.append({
                "code": code,
                "name": f"{chunk[0].name}一刻钟社区服务圈{'市级' if level == 'city' else '区级'}示范点",
                "level": level,
                "street_id": chunk[0].street_id,
                "designated_year": 2015 + serial % 10,
            })
            members[code] = [c.id for c in chunk]
            serial += 1
    counts = upsert_by_key(models.ServiceCircleSite, "code", site_rows)
    site_ids = dict(models.ServiceCircleSite.objects.values_list("code", "id"))
    Through = models.ServiceCircleSite.communities.through
    Through.objects.bulk_create(
        [Through(servicecirclesite_id=site_ids[code], community_id=cid)
         for code, ids in members.items() for cid in ids],
        ignore_conflicts=True,
    )
    _seed_providers(covered, site_ids, members)
    return counts


def _seed_providers(covered: list[Community], site_ids: dict[str, int], members: dict[str, list[int]]) -> None:
    site_of_community = {cid: site_ids[code] for code, ids in members.items() for cid in ids}
    fields = list(models.ServiceProvider.Field)
    provider_rows, outlet_rows = [], []
    for index in range(PROVIDERS):
        rng = random.Random(f"provider-{index}")
        field = fields[index % len(fields)]
        home = covered[index % len(covered)]
        code = f"sp-{index + 1:04d}"
        provider_rows.append({
            "code": code,
            "name": f"{_short(home.street.name)}{PROVIDER_NAMES[field]}服务社{index + 1:03d}号",
            "field": field,
            "phone": f"010-8{rng.randint(1000000, 9999999)}",
            "contracted_on": date(2013 + index % 12, 1 + index % 12, 1),
            "contract_ends_on": None,
        })
        for serial in range(1 + index % 2):
            community = covered[(index + serial * 97) % len(covered)]
            outlet_rows.append({
                "code": f"{code}-{serial + 1}",
                "community_id": community.id,
                "site_id": site_of_community.get(community.id),
                "address": f"{community.name}{rng.randint(1, 30)}号楼底商",
                "provider_code": code,
            })
    upsert_by_key(models.ServiceProvider, "code", provider_rows)
    provider_ids = dict(models.ServiceProvider.objects.values_list("code", "id"))
    for row in outlet_rows:
        row["provider_id"] = provider_ids[row.pop("provider_code")]
    upsert_by_key(models.ServiceOutlet, "code", outlet_rows)


def _seed_volunteer_network() -> tuple[int, int]:
    district = settings.DISTRICT_CODE
    counts = upsert_by_key(models.VolunteerOrg, "code", [{
        "code": "vf", "name": "海淀区志愿者联合会", "level": models.VolunteerOrg.Level.FEDERATION, "parent_id": None,
        "street_id": None, "community_id": None, "area_code": district,
    }])
    federation_id = models.VolunteerOrg.objects.get(code="vf").id
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code"))
    branch = upsert_by_key(models.VolunteerOrg, "code", [{
        "code": f"vb-{s.code}", "name": f"{_short(s.name)}志愿者联合会分会", "level": models.VolunteerOrg.Level.BRANCH,
        "parent_id": federation_id, "street_id": s.id, "community_id": None, "area_code": s.code,
    } for s in streets])
    branch_ids = dict(models.VolunteerOrg.objects.filter(level="branch").values_list("street_id", "id"))
    stations = upsert_by_key(models.VolunteerOrg, "code", [{
        "code": f"vs-{c.code}", "name": f"{c.name}志愿服务站", "level": models.VolunteerOrg.Level.STATION,
        "parent_id": branch_ids[c.street_id], "street_id": c.street_id, "community_id": c.id, "area_code": c.code,
    } for c in Community.objects.order_by("code")])
    return counts[0] + branch[0] + stations[0], counts[1] + branch[1] + stations[1]


def _seed_periodic_task() -> tuple[int, int]:
    return schedule_daily(name="community: flag overdue must-visit households", task=OVERDUE_VISITS_TASK,
                          hour=1, minute=10)


def _seed_volunteer_teams() -> tuple[int, int]:
    orgs = list(models.VolunteerOrg.objects.order_by("area_code", "code").values_list("id", "name", "level"))
    fields = list(models.VolunteerTeam.Field)
    rows = []
    for index in range(VOLUNTEER_TEAMS):
        org_id, org_name, _level = orgs[index % len(orgs)]
        field = fields[index % len(fields)]
        brand = TEAM_BRANDS[index % 7] if index % 7 < len(TEAM_BRANDS) else ""
        rows.append({
            "key": f"{org_id}:{field.label}{index // len(orgs) + 1}队",
            "org_id": org_id, "name": f"{field.label}{index // len(orgs) + 1}队", "field": field, "brand": brand,
            "founded_on": date(2008 + index % 15, 1 + index % 12, 1 + index % 28),
        })
    existing = {f"{org}:{name}" for org, name in models.VolunteerTeam.objects.values_list("org_id", "name")}
    todo = [models.VolunteerTeam(**{k: v for k, v in row.items() if k != "key"}) for row in rows
            if row["key"] not in existing]
    models.VolunteerTeam.objects.bulk_create(todo, batch_size=1000)
    return len(todo), 0


def _seed_demo_cases() -> tuple[int, int]:
    """A worked example in 学院路 (the demo logins' street)."""
    if models.Household.objects.filter(note="demo").exists():
        return 0, 0
    rng = random.Random("community-demo")
    today = timezone.localdate()
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT, code__startswith="110108009", community__isnull=False)
                 .select_related("community").order_by("code")[:6])
    categories = list(models.VisitCategory.objects.all())
    created = 0
    for g_index, grid in enumerate(grids):
        for h_index in range(8):
            household = models.Household.objects.create(
                grid=grid, head_name=f"{'王李张刘陈杨赵黄'[h_index]}{'秀英桂兰建国淑珍'[g_index % 8]}",
                address=f"{grid.community.name}{h_index + 1}号楼{rng.randint(1, 6)}单元{rng.randint(101, 1802)}",
                phone=f"139{rng.randint(10000000, 99999999)}", members=rng.randint(1, 5), note="demo",
                registered_on=today - timedelta(days=200),
            )
            household.categories.set([categories[(g_index + h_index) % 9]])
            # Half were visited recently; the rest are overdue.
            household.last_visited_on = today - timedelta(days=rng.randint(3, 20) if h_index % 2 else 120)
            household.next_visit_due = household_next_due(household)
            household.save()
            models.Visit.objects.create(household=household, visited_on=household.last_visited_on,
                                        summary="入户了解生活情况，无紧急需求。")
            created += 1
        station = models.VolunteerOrg.objects.get(code=f"vs-{grid.community.code}")
        team = station.teams.order_by("id").first() or models.VolunteerTeam.objects.create(
            org=station, name="手拉手助老服务队", brand="手拉手", field="elderly_help")
        volunteers = [
            models.Volunteer.objects.get_or_create(
                community=grid.community, phone=f"136{g_index:02d}{v:06d}",
                defaults={"full_name": f"志愿者{g_index + 1}-{v + 1}"})[0]
            for v in range(5)
        ]
        team.members.add(*volunteers)
        start = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(9)))
        past = models.VolunteerActivity.objects.create(
            team=team, title="重阳节敬老上门服务", place=f"{grid.community.name}活动室", community=grid.community,
            starts_at=start, ends_at=start + timedelta(hours=3), capacity=10, status="closed")
        for v in volunteers[:4]:
            models.ActivitySignup.objects.create(activity=past, volunteer=v, attendance="attended",
                                                 hours=Decimal("3.0"))
        upcoming = timezone.make_aware(datetime.combine(today + timedelta(days=5), time(14)))
        models.VolunteerActivity.objects.create(
            team=team, title="楼道清洁志愿活动", place=f"{grid.community.name}各楼门", community=grid.community,
            starts_at=upcoming, ends_at=upcoming + timedelta(hours=2), capacity=8)
        for b in range(1, 5):
            for kind_index, kind in enumerate(models.CareTarget.Kind):
                target = models.CareTarget.objects.create(
                    grid=grid, kind=kind, name=f"居民{b}{kind_index}", building=f"{b}号楼",
                    entrance=f"{kind_index + 1}单元", floor=rng.randint(1, 6))
                if (b + kind_index) % 4:
                    pairing = models.CarePairing.objects.create(
                        target=target, helper_name=f"邻居{b}{kind_index}", helper_phone="13700000000",
                        started_on=today - timedelta(days=90))
                    models.CareContact.objects.create(pairing=pairing, contacted_on=today - timedelta(days=3),
                                                      note="电话问候，身体状况良好。", mode="phone")
    for c_index, community in enumerate(Community.objects.filter(street__code="110108009").order_by("code")):
        if c_index % 5 == 4:
            continue  # left without a project this year, to show the flag
        title = ["加装电梯", "修缮楼道照明", "增设电动自行车充电桩", "改造老旧管网"][c_index % 4]
        matter = models.PracticalMatter.objects.create(
            community=community, title=title,
            description="居民反映多年的问题，经居民议事会讨论列入年度实事。", status="in_progress", year=today.year,
            budget=Decimal(rng.randint(5, 80) * 10000), owner_name="社区主任", planned_start=today - timedelta(days=60),
            planned_end=today + timedelta(days=60), is_key=c_index % 3 == 0, proposer_name="居民代表")
        models.MatterMilestone.objects.create(matter=matter, title="方案公示", due_on=today - timedelta(days=40),
                                              done_on=today - timedelta(days=41))
        models.MatterMilestone.objects.create(matter=matter, title="施工完成", due_on=today + timedelta(days=50))
        meeting = models.DeliberationMeeting.objects.create(
            community=community, topic=f"{matter.title}议事会", held_on=today - timedelta(days=70), status="held",
            decision="六方一致同意列入本年度为民办实事项目。", venue="社区议事厅")
        for party in models.Party:
            models.MeetingParticipant.objects.create(meeting=meeting, party=party, name=f"{party.label}代表")
        models.FollowUpAction.objects.create(meeting=meeting, description="向街道申报资金", owner_name="社区书记",
                                             due_on=today - timedelta(days=50), status="done", result="已获批",
                                             closed_on=today - timedelta(days=52))
    return created, 0
