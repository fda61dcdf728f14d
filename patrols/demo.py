"""What the demo's patrols hold, for the quick start's summary line."""
from .models import PatrolPlan, PatrolPoint


def summary() -> str:
    return f"{PatrolPlan.objects.count()} patrol plans, {PatrolPoint.objects.count()} points"
