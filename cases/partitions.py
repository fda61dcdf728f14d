"""The case trail by month (``core.partitions``): on PostgreSQL ``cases_caseevent`` is partitioned by ``created_at``,
one partition a month (``cases_caseevent_y2026m12``) and a default one for anything outside them, made ahead by beat
(``cases.ensure_event_partitions``, daily). A trail's query reads the partitions of its months only. Every partition
refuses UPDATE and DELETE (the parent's row trigger is cloned onto it) and TRUNCATE (a statement trigger of its own, as
the parent's does not reach a partition truncated by name).
"""
from core.partitions import MonthlyPartitions

from .models import CaseEvent


def refuse_truncate_sql(table: str) -> str:
    """The statement trigger of cases 0012 on one partition (TRUNCATE of a partition by name skips the parent's)."""
    return (f'CREATE TRIGGER cases_event_no_truncate BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION cases_event_no_truncate()")


EVENTS = MonthlyPartitions(CaseEvent._meta.db_table, made_sql=lambda name: [refuse_truncate_sql(name)])
