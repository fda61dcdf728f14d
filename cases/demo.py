"""A handful of demo cases in every step, created through the services as the demo users."""
import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from grids.demo import XUEYUANLU
from grids.models import Grid

from .models import Case
from .services import NewCase, case_act, case_create
from .workflow import Source

# (key, category, title, actions to walk as (username, action, data))
DEMO_CASES = [
    ("demo-1", "E0102", "小区东门暴露垃圾", []),
    ("demo-2", "E0101", "楼顶私搭乱建彩钢房", [
        ("dispatcher", "dispatch", {"department": f"urban_enforcement-{XUEYUANLU}"}),
    ]),
    ("demo-3", "E0502", "早市占道经营", [
        ("dispatcher", "dispatch", {"department": f"urban_enforcement-{XUEYUANLU}"}),
        ("station", "accept", {}),
    ]),
    ("demo-4", "C0202", "路口护栏倾倒", [
        ("dispatcher", "dispatch", {"department": f"traffic-{XUEYUANLU}"}),
    ]),
    ("demo-5", "E0201", "楼道张贴非法小广告", [
        ("community", "dispatch", {"assignee": "worker"}),
        ("worker", "accept", {}),
        ("worker", "feedback", {"result": "已清除小广告并张贴提示"}),
    ]),
    ("demo-6", "E0302", "渣土车道路遗撒", [
        ("dispatcher", "dispatch", {"department": f"urban_enforcement-{XUEYUANLU}"}),
        ("station", "accept", {}),
        ("station", "feedback", {"result": "已清扫路面并对运输单位立案处罚"}),
        ("dispatcher", "verify", {}),
    ]),
]


def seed_demo_cases() -> tuple[int, int]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["worker", "community", "dispatcher", "station"])}
    if len(users) < 4:
        return 0, 0
    grid = Grid.objects.get(code=f"{XUEYUANLU}001001")
    created = 0
    start = timezone.now() - dt.timedelta(hours=3)
    for index, (key, category, title, steps) in enumerate(DEMO_CASES):
        if Case.objects.filter(creation_key=f"u{users['worker'].id}:{key}").exists():
            continue
        case, _ = case_create(
            actor=users["worker"], creation_key=key, now=start + dt.timedelta(minutes=index),
            data=NewCase(title=title, description=f"{title},请尽快处置。", category=category, lat=grid.centroid_lat,
                         lng=grid.centroid_lng, address="学院路街道第01社区", source=Source.GRID_PATROL),
        )
        filer = "community" if case.tier == "micro" else "dispatcher"
        case_act(actor=users[filer], number=case.number, action="file")
        for username, action, data in steps:
            case_act(actor=users[username], number=case.number, action=action, data=data)
        created += 1
    return created, 0
