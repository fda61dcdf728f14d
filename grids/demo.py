"""One demo login per role, for the quick start and for manual testing."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from core.roles import Role

from .services import staff_create

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
    DemoAccount("bureau", Role.DEPARTMENT_HANDLER, "城管大队", "刘大队", department="urban_enforcement"),
    DemoAccount("commander", Role.DISTRICT_COMMANDER, "区指挥中心", "周指挥"),
    DemoAccount("evaluator", Role.EVALUATOR, "区考评办", "吴考评"),
    DemoAccount("auditor", Role.AUDITOR, "区审计", "郑审计"),
]


def demo_accounts() -> list[DemoAccount]:
    return [*DEMO_ACCOUNTS, DemoAccount("admin", "superuser", "/admin/", "管理员")]


@transaction.atomic
def seed_demo_users() -> None:
    User = get_user_model()
    existing = set(
        User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list("username", flat=True)
    )
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        staff_create(
            username=account.username, role=account.role, password=DEMO_PASSWORD, full_name=account.full_name,
            grid_code=account.grid, department_code=account.department, phone="010-82510000",
            duties=str(Role(account.role).label), check_password=False,
        )
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@grid.haidian.gov.cn", DEMO_PASSWORD)
