"""Reference and demo data of the community app (idempotent: upserts by natural key).

Reference data, always loaded: the nine must-visit categories with default frequencies, the
15-minute service circle as the source gives it (110 city-level + 62 district-level
demonstration sites covering 281 of the 570 communities, 612 contracted providers with their
outlets), the three-level volunteer network, volunteer skills, and the daily overdue-visit job.
Demo data (``demo=True``): the 3,480 volunteer teams and, in each demo street (``grids.demo``),
households with visits (some overdue, one off the register), must-attend records, volunteers and
their activities (held, coming, cancelled), neighbour care, deliberation meetings with follow-up
actions in every status, and practical matters in every status.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from shapely.geometry import Point, shape

from core.schedules import schedule_daily
from grids.demo import DEMO_STREETS, XUEYUANLU
from grids.models import Community, Grid, StaffProfile
from grids.seeding import SeedReport, upsert_by_key
from registers.models import House

from . import models
from .services import household_next_due, households_flag_overdue
from .structures import community_workers
from .tasks import OVERDUE_VISITS_TASK

# The source: 110 city-level + 62 district-level sites covering 281 of 570 communities (49.3%).
CITY_SITES, DISTRICT_SITES, COVERED_COMMUNITIES = 110, 62, 281
# "建成社区卫生服务中心50所、服务站178所": the health sites of the service circle.
HEALTH_CENTRES, HEALTH_STATIONS = 50, 178
CENTRE_ORDINALS = ["", "第二", "第三", "第四"]
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
        report.add("health sites", _seed_health_sites())
        report.add("volunteer network", _seed_volunteer_network())
        report.add("volunteer skills", upsert_by_key(models.VolunteerSkill, "name", [{"name": n} for n in SKILLS]))
        report.add("periodic tasks", _seed_periodic_task())
    if demo:
        # Team and participant names are stored in the district's language, whatever a caller has active.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            report.add("volunteer teams", _seed_volunteer_teams())
            report.add("community demo", _seed_demo_cases())
            report.add("community structures", _seed_demo_structures())
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


def _point_in(boundary: dict, rng: random.Random) -> tuple[float, float]:
    """A point (lat, lng) inside a grid's boundary, drawn at random within its bounding box."""
    geometry = shape(boundary)
    west, south, east, north = geometry.bounds
    for _attempt in range(200):
        lng, lat = rng.uniform(west, east), rng.uniform(south, north)
        if geometry.contains(Point(lng, lat)):
            return round(lat, 6), round(lng, 6)
    point = geometry.representative_point()
    return round(point.y, 6), round(point.x, 6)


class _UniqueNames:
    """Names given once: a name already taken gets the street's full name before it (海淀街道 and 海淀镇
    both have a 海淀第04社区, and both shorten to 海淀)."""

    def __init__(self):
        self.taken: set[str] = set()

    def take(self, name: str, street_name: str) -> str:
        name = name if name not in self.taken else f"{street_name}{name}"
        self.taken.add(name)
        return name


def _health_site(code: str, name: str, kind: str, street_id: int, point: tuple[float, float]) -> dict:
    return {"code": code, "name": name, "kind": kind, "level": "", "street_id": street_id, "designated_year": None,
            "lat": point[0], "lng": point[1]}


def _seed_health_sites() -> tuple[int, int]:
    """The 50 community health centres and 178 stations, spread over the streets by their communities:
    every street has a centre, a station sits in a community (one at most), each at a point inside its
    street (a station inside one of its community's unit grids)."""
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).order_by("code"))
    communities = list(Community.objects.order_by("code"))
    if not streets or not communities:
        return 0, 0
    by_street: dict[int, list[Community]] = {street.id: [] for street in streets}
    for community in communities:
        by_street[community.street_id].append(community)
    weights = {street.code: len(by_street[street.id]) for street in streets if by_street[street.id]}
    centres = _largest_remainder(weights, HEALTH_CENTRES, {code: len(CENTRE_ORDINALS) for code in weights})
    stations = _largest_remainder(weights, HEALTH_STATIONS, weights)
    unit_boundary: dict[int, dict] = {}  # a community's first unit grid
    for community_id, boundary in Grid.objects.filter(level=Grid.Level.UNIT, community__isnull=False).order_by(
            "-code").values_list("community_id", "boundary"):
        unit_boundary[community_id] = boundary
    Kind = models.ServiceCircleSite.Kind
    names = _UniqueNames()
    rows = []
    for street in (street for street in streets if street.code in weights):
        rng = random.Random(f"health-{street.code}")
        for index in range(centres[street.code]):
            name = names.take(f"{_short(street.name)}{CENTRE_ORDINALS[index]}社区卫生服务中心", street.name)
            rows.append(_health_site(f"hc-{street.code}-{index + 1}", name, Kind.HEALTH_CENTRE, street.id,
                                     _point_in(street.boundary, rng)))
        members, count = by_street[street.id], stations[street.code]
        for index in range(count):
            community = members[index * len(members) // count]
            name = names.take(f"{community.name}卫生服务站", street.name)
            rows.append(_health_site(f"hs-{street.code}-{index + 1:02d}", name, Kind.HEALTH_STATION, street.id,
                                     _point_in(unit_boundary.get(community.id, street.boundary), rng)))
    return upsert_by_key(models.ServiceCircleSite, "code", rows)


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


DEMO_NOTE = "演示数据"  # marks the demo households; shown on their page, so in Chinese


# The demo's households, volunteers and practical matters lie in the demo streets (``grids.demo``);
# in 学院路, where the demo logins work, on more grids.
DEMO_GRIDS = {XUEYUANLU: 6}
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN_NAMES = ["秀英", "桂兰", "建国", "淑珍", "志强", "海燕", "玉梅", "国华", "丽娟", "德明"]
MATTER_TITLES = ["加装电梯", "修缮楼道照明", "增设电动自行车充电桩", "改造老旧管网", "增设无障碍坡道", "建设口袋公园",
                 "改造社区食堂"]
# A community's practical matter this year, in turn: every status, and some communities left without one.
M = models.PracticalMatter.Status
MATTER_CYCLE = [M.IN_PROGRESS, M.ACCEPTED, M.PLANNED, M.SELECTED, M.PROPOSED, M.REJECTED, None]
F = models.FollowUpAction.Status
FOLLOW_UPS = [(F.DONE, "向街道申报资金", "已获批"), (F.IN_PROGRESS, "组织施工单位进场勘察", ""),
              (F.OPEN, "向居民公示实施方案", ""),
              (F.DROPPED, "申请区级专项补贴", "本年度专项资金已用完，改由街道统筹。")]


def _seed_demo_cases() -> tuple[int, int]:
    """Households, visits, volunteers, neighbour care and practical matters in each demo street that
    has none yet (each street at once, so a second run changes nothing)."""
    created = 0
    for index, street in enumerate(DEMO_STREETS):
        if models.Household.objects.filter(note__in=[DEMO_NOTE, "demo"], grid__code__startswith=street.code).exists():
            continue
        with transaction.atomic():
            created += _seed_demo_street(street.code, index)
    return created, 0


def _seed_demo_street(street_code: str, index: int) -> int:
    rng = random.Random(f"community-demo-{street_code}")
    today = timezone.localdate()
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT, code__startswith=street_code, community__isnull=False)
                 .select_related("community").order_by("code")[:DEMO_GRIDS.get(street_code, 2)])
    categories = list(models.VisitCategory.objects.all())
    created = 0
    for g_index, grid in enumerate(grids):
        created += _seed_demo_households(grid, g_index, index, categories, rng, today)
        _seed_demo_volunteers(grid, g_index, index, rng, today)
        _seed_demo_care(grid, rng, today)
    _seed_demo_attendance(grids[0], today)
    for c_index, community in enumerate(Community.objects.filter(street__code=street_code).order_by("code")):
        status = MATTER_CYCLE[(c_index + index) % len(MATTER_CYCLE)]
        if status is not None:  # None: left without a project this year, to show the flag
            _seed_demo_matter(community, c_index, status, rng, today)
    return created


def _seed_demo_households(grid, g_index: int, s_index: int, categories, rng, today) -> int:
    households = 8 if grid.code.startswith(XUEYUANLU) else 6
    # The first households live in houses of the grid's base register (where the demo keeps one).
    houses = list(House.objects.filter(grid=grid, residents__isnull=False).distinct().order_by("id"))
    for h_index in range(households):
        house = houses[h_index] if h_index < len(houses) else None
        address = f"{grid.community.name}{h_index + 1}号楼{rng.randint(1, 6)}单元{rng.randint(101, 1802)}"
        household = models.Household.objects.create(
            house=house, address=house.address if house else address,
            grid=grid, head_name=f"{SURNAMES[(h_index + s_index) % 10]}{GIVEN_NAMES[(g_index + h_index) % 10]}",
            phone=f"139{rng.randint(10000000, 99999999)}", members=rng.randint(1, 5), note=DEMO_NOTE,
            registered_on=today - timedelta(days=200),
        )
        household.categories.set([categories[(g_index + h_index) % 9]])
        # Half were visited recently; the rest are overdue; one has left the register.
        household.last_visited_on = today - timedelta(days=rng.randint(3, 20) if h_index % 2 else 120)
        household.next_visit_due = household_next_due(household)
        if h_index == households - 1 and g_index == 0:
            household.active, household.left_reason = False, "已搬离本社区"
        household.save()
        lonely = h_index % 4 == 0
        summary = "老人独居，需协调助餐服务。" if lonely else "入户了解生活情况，无紧急需求。"
        models.Visit.objects.create(household=household, visited_on=household.last_visited_on, summary=summary,
                                    mode=models.Visit.Mode.HOME if h_index % 3 else models.Visit.Mode.PHONE,
                                    needs_follow_up=lonely)
    return households


def _seed_demo_volunteers(grid, g_index: int, s_index: int, rng, today) -> None:
    station = models.VolunteerOrg.objects.get(code=f"vs-{grid.community.code}")
    team = station.teams.order_by("id").first() or models.VolunteerTeam.objects.create(
        org=station, name="手拉手助老服务队", brand="手拉手", field="elderly_help")
    volunteers = [
        models.Volunteer.objects.get_or_create(
            community=grid.community, phone=f"136{s_index}{g_index:02d}{v:05d}",
            defaults={"full_name": f"{SURNAMES[(v + g_index) % 10]}{GIVEN_NAMES[(v + s_index) % 10][0]}志愿"})[0]
        for v in range(5)
    ]
    team.members.add(*volunteers)
    start = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(9)))
    past = models.VolunteerActivity.objects.create(
        team=team, title="重阳节敬老上门服务", place=f"{grid.community.name}活动室", community=grid.community,
        starts_at=start, ends_at=start + timedelta(hours=3), capacity=10, status="closed")
    for v_index, volunteer in enumerate(volunteers):
        attended = v_index < 4
        models.ActivitySignup.objects.create(activity=past, volunteer=volunteer,
                                             attendance="attended" if attended else "absent",
                                             hours=Decimal("3.0") if attended else Decimal("0"))
    upcoming = timezone.make_aware(datetime.combine(today + timedelta(days=5), time(14)))
    coming = models.VolunteerActivity.objects.create(
        team=team, title="楼道清洁志愿活动", place=f"{grid.community.name}各楼门", community=grid.community,
        starts_at=upcoming, ends_at=upcoming + timedelta(hours=2), capacity=8)
    for volunteer in volunteers[:2]:
        models.ActivitySignup.objects.create(activity=coming, volunteer=volunteer)
    if g_index == 0:
        rainy = timezone.make_aware(datetime.combine(today + timedelta(days=2), time(9)))
        models.VolunteerActivity.objects.create(
            team=team, title="社区义诊（因天气取消）", place=f"{grid.community.name}广场", community=grid.community,
            starts_at=rainy, ends_at=rainy + timedelta(hours=3), capacity=12, status="cancelled")


def _seed_demo_care(grid, rng, today) -> None:
    for b in range(1, 5):
        for kind_index, kind in enumerate(models.CareTarget.Kind):
            target = models.CareTarget.objects.create(
                grid=grid, kind=kind, name=f"{SURNAMES[(b + kind_index) % 10]}{'奶奶' if kind_index % 2 else '爷爷'}",
                building=f"{b}号楼", entrance=f"{kind_index + 1}单元", floor=rng.randint(1, 6))
            if (b + kind_index) % 4:
                pairing = models.CarePairing.objects.create(
                    target=target, helper_name=f"{SURNAMES[(b + kind_index + 3) % 10]}邻居",
                    helper_phone="13700000000", started_on=today - timedelta(days=90))
                models.CareContact.objects.create(pairing=pairing, contacted_on=today - timedelta(days=3),
                                                  note="电话问候，身体状况良好。", mode="phone")


def _seed_demo_attendance(grid, today) -> None:
    Situation = models.AttendanceRecord.Situation
    for days, situation, place, action in (
            (12, Situation.NEIGHBOUR_DISPUTE, "3号楼2单元", "到场调解楼上漏水纠纷，双方约定由物业维修。"),
            (4, Situation.HARDSHIP_ILLNESS, "5号楼1单元", "探望住院老人家属，协助申请临时救助。")):
        models.AttendanceRecord.objects.create(
            grid=grid, situation=situation, occurred_on=today - timedelta(days=days),
            attended_on=today - timedelta(days=days), place=f"{grid.community.name}{place}", action_taken=action)


def _seed_demo_matter(community, c_index: int, status: str, rng, today) -> None:
    title = MATTER_TITLES[c_index % len(MATTER_TITLES)]
    resident = status in (M.PROPOSED, M.REJECTED) or c_index % 2 == 0
    matter = models.PracticalMatter.objects.create(
        community=community, title=title, status=status,
        description="居民反映多年的问题，经居民议事会讨论列入年度实事。" if status not in (M.PROPOSED, M.REJECTED)
        else "希望社区帮助解决，方便老人和孩子出行。",
        source=models.PracticalMatter.Source.RESIDENT if resident else models.PracticalMatter.Source.STAFF,
        proposer_name="居民代表" if resident else "社区居委会", proposer_phone="13911112222" if resident else "",
        year=None if status in (M.PROPOSED, M.REJECTED) else today.year, is_key=c_index % 3 == 0,
        rejection_reason="该事项属于产权单位维修责任，已转交物业公司处理。" if status == M.REJECTED else "")
    if status in (M.PROPOSED, M.REJECTED, M.SELECTED):
        if status == M.SELECTED:
            _seed_demo_meeting(matter, c_index, held=False, today=today)
        return
    started = today - timedelta(days=60) if status != M.PLANNED else today + timedelta(days=20)
    matter.budget = Decimal(rng.randint(5, 80) * 10000)
    matter.owner_name, matter.owner_unit = "社区主任", f"{community.name}居委会"
    if status == M.ACCEPTED:
        started = today - timedelta(days=200)
        matter.accepted_on, matter.acceptance_note = today - timedelta(days=10), "经居民代表现场验收，工程质量合格。"
    matter.planned_start, matter.planned_end = started, started + timedelta(days=120)
    matter.save()
    done = status != M.PLANNED
    models.MatterMilestone.objects.create(matter=matter, title="方案公示", due_on=started + timedelta(days=20),
                                          done_on=started + timedelta(days=19) if done else None)
    models.MatterMilestone.objects.create(matter=matter, title="施工完成", due_on=started + timedelta(days=110),
                                          done_on=started + timedelta(days=105) if status == M.ACCEPTED else None)
    if status == M.ACCEPTED:
        for score in (5, 5, 4):
            models.MatterRating.objects.create(matter=matter, score=score, remark="改造后方便多了。")
    if status == M.IN_PROGRESS:
        models.MatterComment.objects.create(matter=matter, author_name="居民张女士", body="施工什么时候能完成？")
        models.MatterComment.objects.create(matter=matter, author_name="社区居委会", by_staff=True,
                                            body="预计下月底完工，届时将组织居民代表验收。")
    _seed_demo_meeting(matter, c_index, held=True, today=today)


def _seed_demo_meeting(matter, c_index: int, *, held: bool, today) -> None:
    community = matter.community
    if not held:
        models.DeliberationMeeting.objects.create(
            community=community, topic=f"{matter.title}方案议事会", held_on=today + timedelta(days=7),
            venue="社区议事厅")
        return
    meeting = models.DeliberationMeeting.objects.create(
        community=community, topic=f"{matter.title}议事会", held_on=today - timedelta(days=70), status="held",
        decision="六方一致同意列入本年度为民办实事项目。", venue="社区议事厅")
    models.MeetingParticipant.objects.bulk_create([
        models.MeetingParticipant(meeting=meeting, party=party, name=f"{SURNAMES[p_index]}{party.label[:2]}")
        for p_index, party in enumerate(models.Party)])
    status, description, result = FOLLOW_UPS[c_index % len(FOLLOW_UPS)]
    closed = status in (F.DONE, F.DROPPED)
    models.FollowUpAction.objects.create(
        meeting=meeting, description=description, owner_name="社区书记", status=status, result=result,
        due_on=today - timedelta(days=50) if closed else today + timedelta(days=10 + c_index % 20),
        closed_on=today - timedelta(days=52) if closed else None)


# --- community structures of the demo streets (三位一体 posts, 四方共建 bodies) ---------------------

PROPERTY_FIRMS = ["北京海淀房管物业", "北京首开物业", "北京北科物业", "北京燕园物业", "北京学府物业"]
# A community's owners' committee term and property contract, in turn: one ending soon, one ended, the rest running.
TERM_ENDS_IN_DAYS = [40, -20, 400, 800, 1200]
# 三位一体 posts given to a community's staff, in order (the first person holds two: 一肩挑).
B, T = models.Body, models.BodyPost.Title
POSTS = [((B.PARTY_ORG, T.SECRETARY), (B.RESIDENTS_COMMITTEE, T.DIRECTOR)), ((B.PARTY_ORG, T.DEPUTY_SECRETARY),),
         ((B.RESIDENTS_COMMITTEE, T.DEPUTY_DIRECTOR),), ((B.SERVICE_STATION, T.STATION_HEAD),),
         ((B.RESIDENTS_COMMITTEE, T.MEMBER),), ((B.SERVICE_STATION, T.MEMBER),)]
SENIORITY = [StaffProfile.Post.HEAD, StaffProfile.Post.DEPUTY, StaffProfile.Post.GENERAL]


def _demo_name(index: int, offset: int) -> str:
    return f"{SURNAMES[(index + offset) % 10]}{GIVEN_NAMES[(index + offset + 1) % 10]}"


def _seed_demo_structures() -> tuple[int, int]:
    """In each community of the demo streets without them: an owners' committee and a property company for
    a compound, with contacts and terms (some ending soon or ended), the 三位一体 posts held by its workers,
    and its meetings' committee and property participants linked to them."""
    today = timezone.localdate()
    communities = list(Community.objects.filter(street__code__in=[s.code for s in DEMO_STREETS])
                       .exclude(ownerscommittee__isnull=False).order_by("code"))
    committees, companies, posts = [], [], []
    for index, community in enumerate(communities):
        compound = f"{community.name.removesuffix('社区')}{'东里' if index % 2 else '西里'}"
        committee_end = today + timedelta(days=TERM_ENDS_IN_DAYS[index % len(TERM_ENDS_IN_DAYS)])
        contract_end = today + timedelta(days=TERM_ENDS_IN_DAYS[(index + 2) % len(TERM_ENDS_IN_DAYS)])
        committees.append(models.OwnersCommittee(
            community=community, compound=compound, name=f"{compound}业主委员会",
            starts_on=committee_end - timedelta(days=5 * 365), ends_on=committee_end))
        companies.append(models.PropertyCompany(
            community=community, compound=compound, name=f"{PROPERTY_FIRMS[index % len(PROPERTY_FIRMS)]}服务有限公司",
            starts_on=contract_end - timedelta(days=3 * 365), ends_on=contract_end))
        staff = sorted(community_workers(community).order_by("home_grid__code", "id"),
                       key=lambda person: SENIORITY.index(person.post))
        posts += [models.BodyPost(community=community, body=body, title=title, staff=person)
                  for person, held in zip(staff, POSTS, strict=False) for body, title in held]
    models.OwnersCommittee.objects.bulk_create(committees)
    models.PropertyCompany.objects.bulk_create(companies)
    models.BodyPost.objects.bulk_create(posts, ignore_conflicts=True)
    contacts = []
    for index, (committee, company) in enumerate(zip(committees, companies, strict=True)):
        rng = random.Random(f"structures-{committee.community.code}")
        contacts += [
            models.BodyContact(owners_committee=committee, name=_demo_name(index, 0), role="主任",
                               phone=f"139{rng.randint(10000000, 99999999)}"),
            models.BodyContact(owners_committee=committee, name=_demo_name(index, 3), role="副主任",
                               phone=f"138{rng.randint(10000000, 99999999)}"),
            models.BodyContact(property_company=company, name=_demo_name(index, 6), role="项目经理",
                               phone=f"010-6{rng.randint(1000000, 9999999)}"),
        ]
        for field, body in (("owners_committee", committee), ("property_company", company)):
            models.MeetingParticipant.objects.filter(  # the party's value is the field's name
                meeting__community=committee.community, party=field, **{f"{field}__isnull": True},
            ).update(**{field: body, "affiliation": body.name})
    models.BodyContact.objects.bulk_create(contacts)
    return len(committees) + len(companies) + len(posts), 0
