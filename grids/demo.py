"""The demo's people: one login per role for the quick start and manual testing, and the staff of the
other demo streets (dispatchers, community staff, stations, district departments) who move the demo
cases along.

Every demo account has the same password, hashed once (hashing is deliberately slow: ten hashes
would cost seconds).
"""
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation

from core.roles import Role

from .models import Grid, StaffProfile, StreetUnit
from .services import staff_create, team_enlist

DEMO_PASSWORD = "Haidian@2026"
XUEYUANLU = "110108009"  # 学院路街道, one of the two pilot streets
QINGLONGQIAO = "110108012"  # 青龙桥街道, the other


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    where: str
    full_name: str
    grid: str = ""
    department: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("worker", Role.GRID_WORKER, "学院路第01社区网格", "李网格", grid=f"{XUEYUANLU}001001"),
    DemoAccount("community", Role.COMMUNITY_STAFF, "学院路第01社区工作站", "王社区", grid=f"{XUEYUANLU}001001"),
    DemoAccount("dispatcher", Role.STREET_DISPATCHER, "学院路街道分中心", "张调度", grid=XUEYUANLU),
    DemoAccount("dispatcher2", Role.STREET_DISPATCHER, "青龙桥街道分中心", "赵调度", grid=QINGLONGQIAO),
    DemoAccount("station", Role.DEPARTMENT_HANDLER, "学院路城管分队", "陈分队",
                department=f"urban_enforcement-{XUEYUANLU}"),
    DemoAccount("enforcer", Role.DEPARTMENT_HANDLER, "学院路城管分队 · 联合执法队", "马队员",
                department=f"urban_enforcement-{XUEYUANLU}"),
    DemoAccount("section", Role.DEPARTMENT_HANDLER, "学院路环境保护科", "林科长",
                department=f"environment-{XUEYUANLU}"),
    DemoAccount("bureau", Role.DEPARTMENT_HANDLER, "城管大队", "刘大队", department="urban_enforcement"),
    DemoAccount("commander", Role.DISTRICT_COMMANDER, "区指挥中心", "周指挥"),
    DemoAccount("hotline", Role.CALL_TAKER, "区事务热线", "宋热线"),
    DemoAccount("evaluator", Role.EVALUATOR, "区考评办", "吴考评"),
    DemoAccount("auditor", Role.AUDITOR, "区审计", "郑审计"),
]


@dataclass(frozen=True)
class DemoStreet:
    """A street of the demo and the people who work its cases (usernames by job)."""

    code: str
    slug: str  # the usernames' prefix
    name: str
    surname: str  # the people of the street are named 孙调度, 孙社区, …

    @property
    def first_grid(self) -> str:
        """The unit grid of its first community, where its grid worker and community staff serve."""
        return f"{self.code}001001"

    @property
    def second_grid(self) -> str:
        return f"{self.code}002001"


# The streets the demo spreads its cases, households, matters and organisations over: the two pilot
# streets (the demo logins work in 学院路; dispatcher2 in 青龙桥) and five more, towns included.
DEMO_STREETS = [
    DemoStreet(XUEYUANLU, "xueyuanlu", "学院路", "张"),
    DemoStreet(QINGLONGQIAO, "qinglongqiao", "青龙桥", "赵"),
    DemoStreet("110108010", "zhongguancun", "中关村", "孙"),
    DemoStreet("110108016", "qinghe", "清河", "钱"),
    DemoStreet("110108001", "wanshoulu", "万寿路", "冯"),
    DemoStreet("110108004", "ganjiakou", "甘家口", "韩"),
    DemoStreet("110108025", "dongsheng", "东升", "何"),
]
# The district departments that take the demo's large-cycle cases (城管大队 is the ``bureau`` login).
DEMO_DEPARTMENTS = {
    "urban_enforcement": "bureau",
    "traffic": "traffic-detachment",
    "urban_command": "urban-command",
    "fire": "fire-brigade",
}
# The stations of each street that handle its small-cycle cases.
DEMO_STATION_DEPARTMENTS = ("urban_enforcement", "traffic", "police")
STATION_TITLES = {"urban_enforcement": "城管分队", "traffic": "交通大队", "police": "派出所"}
DEPARTMENT_PEOPLE = {"traffic": "马支队", "urban_command": "高指挥", "fire": "林消防"}


def street_usernames(street: DemoStreet) -> dict[str, str]:
    """Who does what in a demo street: job → username (学院路 and 青龙桥 use the demo logins)."""
    names = {
        "worker": f"{street.slug}-worker",
        "worker2": f"{street.slug}-worker2",  # the second demo grid's
        "community": f"{street.slug}-community",
        "dispatcher": f"{street.slug}-dispatcher",
        **{f"station:{dept}": f"{street.slug}-{dept.replace('_', '-')}" for dept in DEMO_STATION_DEPARTMENTS},
    }
    if street.code == XUEYUANLU:
        names.update({"worker": "worker", "community": "community", "dispatcher": "dispatcher",
                      "station:urban_enforcement": "station", "section:environment": "section"})
    if street.code == QINGLONGQIAO:
        names["dispatcher"] = "dispatcher2"
    return names


def demo_accounts() -> list[DemoAccount]:
    return [*DEMO_ACCOUNTS, DemoAccount("admin", "superuser", "/admin/", "管理员")]


def _street_staff() -> list[DemoAccount]:
    staff = []
    for street in DEMO_STREETS:
        names = street_usernames(street)
        staff += [
            DemoAccount(names["worker"], Role.GRID_WORKER, "", f"{street.surname}网格", grid=street.first_grid),
            DemoAccount(names["worker2"], Role.GRID_WORKER, "", f"{street.surname}协管", grid=street.second_grid),
            DemoAccount(names["community"], Role.COMMUNITY_STAFF, "", f"{street.surname}社区", grid=street.first_grid),
            DemoAccount(names["dispatcher"], Role.STREET_DISPATCHER, "", f"{street.surname}调度", grid=street.code),
        ]
        staff += [DemoAccount(names[f"station:{dept}"], Role.DEPARTMENT_HANDLER, "",
                              f"{street.surname}{STATION_TITLES[dept][-2:]}", department=f"{dept}-{street.code}")
                  for dept in DEMO_STATION_DEPARTMENTS]
    staff += [DemoAccount(username, Role.DEPARTMENT_HANDLER, "", DEPARTMENT_PEOPLE[dept], department=dept)
              for dept, username in DEMO_DEPARTMENTS.items() if dept in DEPARTMENT_PEOPLE]
    return staff


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _create(accounts: list[DemoAccount]) -> int:
    """Create the accounts that do not exist yet, all with the demo password. Returns how many."""
    User = get_user_model()
    existing = set(User.objects.filter(username__in=[a.username for a in accounts]).values_list("username", flat=True))
    created = []
    for account in accounts:
        if account.username in existing:
            continue
        existing.add(account.username)
        created.append(staff_create(
            username=account.username, role=account.role, password=None, full_name=account.full_name,
            grid_code=account.grid, department_code=account.department, phone="010-82510000",
            duties=str(Role(account.role).label), check_password=False,
        ).pk)
    if created:
        User.objects.filter(pk__in=created).update(password=_demo_password_hash())
    return len(created)


@transaction.atomic
def seed_demo_users() -> int:
    """The demo logins (one per role) and the admin."""
    created = _create(DEMO_ACCOUNTS)
    User = get_user_model()
    # The street's joint enforcement team (联合执法队) takes its members from the stations.
    team_enlist(team=StreetUnit.objects.get(kind=StreetUnit.Kind.TEAM, street__code=XUEYUANLU),
                user=User.objects.get(username="enforcer"))
    if not User.objects.filter(username="admin").exists():
        admin = User.objects.create_superuser("admin", "admin@grid.haidian.gov.cn", None)
        User.objects.filter(pk=admin.pk).update(password=_demo_password_hash())
        created += 1
    return created


@transaction.atomic
def seed_demo_people() -> tuple[int, int]:
    """The demo logins and the staff of the demo streets (who take the demo cases' steps), their duties stored in
    the district's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return seed_demo_users() + _create(_street_staff()), 0


def summary() -> str:
    streets = Grid.objects.filter(level=Grid.Level.STREET).count()
    grids = Grid.objects.filter(level=Grid.Level.UNIT).count()
    staff = StaffProfile.objects.filter(listed_publicly=True).count()
    return f"{streets} streets, {grids:,} grids, {staff:,} staff listed by name"
