"""``manage.py check`` reports a routing table that leads nowhere (a section deleted, a station closed, the last
handler of a unit gone): the same walk as the configuration-health page."""
from django.core.checks import Warning, register
from django.db import DatabaseError

SHOWN = 10


@register("routing")
def every_case_has_somewhere_to_go(app_configs, **kwargs):
    from .routing import routing_health

    try:
        gaps = routing_health().gaps
    except DatabaseError:  # not migrated yet: nothing to route
        return []
    warnings = [Warning(f"{gap.street} {gap.tier_label} {gap.category}: {gap.reason}", id="cases.W001")
                for gap in gaps[:SHOWN]]
    if len(gaps) > SHOWN:
        warnings.append(Warning(f"… and {len(gaps) - SHOWN} more dead ends in the routing table.",
                                hint="See /cases/routing/ for the whole list.", id="cases.W001"))
    return warnings
