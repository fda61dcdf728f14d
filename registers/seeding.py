"""Demo data of the base registers (``demo=True`` only: the test district carries none, so seeding it stays fast).

In each demo street (``grids.demo``), the first unit grids of its communities (in 学院路, where the demo logins
work, more of them) get a modest register: houses in two buildings, owner-occupied, rented and vacant; registered
and floating residents with well-formed identity numbers; and a handful of units and places. A street that has a
house on its register already is left alone, so a second run changes nothing.
"""
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from grids.demo import DEMO_STREETS, XUEYUANLU
from grids.models import Grid
from grids.seeding import SeedReport

from .identity import check_character, is_male
from .models import House, Place, Resident

DEMO_GRIDS = {XUEYUANLU: 4}
HOUSES_PER_GRID = 8
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡"
GIVEN_NAMES = ["建华", "秀兰", "志明", "丽娜", "国庆", "海涛", "春梅", "晓东", "雅婷", "子涵", "浩然", "欣怡"]
# Where floating residents come from: the area codes their numbers begin with.
HOME_AREAS = ["110108", "130104", "370102", "410105", "510104", "420106", "340104"]
PLACES = [
    (Place.Kind.SHOP, "便民超市"), (Place.Kind.RESTAURANT, "家常菜馆"), (Place.Kind.SCHOOL, "幼儿园"),
    (Place.Kind.CONSTRUCTION, "老旧小区改造工地"), (Place.Kind.KEY_UNIT, "加油站"), (Place.Kind.HOTEL, "快捷酒店"),
]
OCCUPANCY = [House.Occupancy.OWNER, House.Occupancy.OWNER, House.Occupancy.RENTED, House.Occupancy.VACANT]


def seed(demo: bool = False) -> SeedReport:
    report = SeedReport()
    if demo:
        report.add("register demo", _seed_demo())
    return report


def identity_number(area: str, born: date, sequence: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def _seed_demo() -> tuple[int, int]:
    created = 0
    for street in DEMO_STREETS:
        if House.objects.filter(grid__code__startswith=street.code).exists():
            continue
        rng = random.Random(f"registers-demo-{street.code}")
        grids = (Grid.objects.filter(level=Grid.Level.UNIT, code__startswith=street.code, community__isnull=False)
                 .select_related("community").defer("boundary").order_by("code")[:DEMO_GRIDS.get(street.code, 2)])
        with transaction.atomic():
            for grid in grids:
                created += _seed_grid(grid, rng)
    return created, 0


def _seed_grid(grid: Grid, rng: random.Random) -> int:
    today = timezone.localdate()
    compound = f"{grid.community.name.removesuffix('社区')}小区"
    created = 0
    for index in range(HOUSES_PER_GRID):
        floor = rng.randint(1, 6)
        occupancy = OCCUPANCY[index % len(OCCUPANCY)]
        house = House.objects.create(
            grid=grid, compound=compound, building=f"{index // 4 + 1}号楼", entrance=f"{index % 2 + 1}单元",
            floor=floor, room=f"{floor}0{index % 4 + 1}", occupancy=occupancy,
            use=House.Use.MIXED if index == HOUSES_PER_GRID - 1 else House.Use.RESIDENTIAL)
        created += 1
        if occupancy == House.Occupancy.VACANT:
            continue
        floating = occupancy == House.Occupancy.RENTED
        for person in range(rng.randint(1, 3)):
            born = date(rng.randint(1945, 2010), rng.randint(1, 12), rng.randint(1, 28))
            number = identity_number(rng.choice(HOME_AREAS) if floating else "110108", born, rng.randint(1, 999))
            Resident.objects.create(
                house=house, kind=Resident.Kind.FLOATING if floating else Resident.Kind.REGISTERED,
                name=f"{SURNAMES[rng.randrange(len(SURNAMES))]}{GIVEN_NAMES[rng.randrange(len(GIVEN_NAMES))]}",
                id_number=number, gender=Resident.Gender.MALE if is_male(number) else Resident.Gender.FEMALE,
                birth_date=born, phone=f"13{rng.randint(100000000, 999999999)}" if person == 0 else "",
                moved_in_on=today - timedelta(days=rng.randint(30, 3000 if not floating else 400)))
            created += 1
    for kind, name in rng.sample(PLACES, 3):
        Place.objects.create(grid=grid, kind=kind, name=f"{compound.removesuffix('小区')}{name}",
                             address=f"{compound}南门{rng.randint(1, 60)}号", lat=grid.centroid_lat,
                             lng=grid.centroid_lng, contact_name=f"{SURNAMES[rng.randrange(15)]}经理",
                             contact_phone=f"139{rng.randint(10000000, 99999999)}")
        created += 1
    return created
