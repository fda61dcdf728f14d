"""Assessment at district scale: compute a half-year of 2,000,000 cases for all 643 unit grids, 29 streets,
13 departments (and the 232 department stations), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haidian_eval_bench python -m bench.evaluation [--reuse]

Migrates, seeds the district, loads ``--cases`` cases created over 2026H1 (most of them closed and rated,
through ``bench.generate``; ``--reuse`` keeps what is loaded when the count matches), then times:
the computation of the period (one aggregate query over the cases, scoring, ranking, storing the run),
the same again (warm), a recomputation that checks a run (``run_verify``), and opening the two-way
round. Target on this 2-core machine: the computation in under 60 seconds.
"""
import argparse
import datetime as dt
import time

from .common import setup_django

PERIOD = "2026H1"


def _load(cases: int, reuse: bool) -> str:
    from zoneinfo import ZoneInfo

    from django.core.management import call_command

    from cases.models import Case
    from core.seeding import seed_platform

    from .generate import generate

    call_command("migrate", verbosity=0)
    seed_platform()
    tz = ZoneInfo("Asia/Shanghai")
    start, end = dt.datetime(2026, 1, 1, tzinfo=tz), dt.datetime(2026, 7, 1, tzinfo=tz)
    if reuse and Case.objects.filter(created_at__gte=start, created_at__lt=end).count() == cases:
        return f"reusing {cases:,} loaded cases"
    result = generate(cases=cases, days=(end - start).days, closed_share=0.9, end=end)
    return (f"generated {result['cases']:,} cases and {result['events']:,} events in {result['seconds']:.0f} s "
            f"({result['statuses']})")


def _timed(function, **kwargs):
    started = time.perf_counter()
    value = function(**kwargs)
    return value, time.perf_counter() - started


def run(cases: int, reuse: bool) -> list[str]:
    from core.calendar import calendar_sync
    from evaluation.indicators import case_counts
    from evaluation.models import Round
    from evaluation.services import period_ensure, round_open, run_compute, run_verify

    lines = [_load(cases, reuse)]
    period = period_ensure(code=PERIOD)
    first, cold = _timed(run_compute, period_code=PERIOD)
    second, warm = _timed(run_compute, period_code=PERIOD)
    units = _units(second)
    lines.append(f"compute {PERIOD} ({second.inputs['cases']:,} cases; {units}): {cold:.1f} s cold, "
                 f"{warm:.1f} s warm — target < 60 s")
    calendar_sync(until=period.ends_on)
    counts, query = _timed(case_counts, start=period.start, end=period.end, as_of=period.end)
    lines.append(f"  of which the aggregate query over the cases (4 levels, GROUPING SETS): {query:.1f} s, "
                 f"{len(counts):,} units with cases")
    report, verify = _timed(run_verify, run=first)
    lines.append(f"recompute and compare (verify): {verify:.1f} s; same fingerprint: {report['same_inputs']}, "
                 f"identical numbers: {report['identical']}")
    existing = Round.objects.filter(period=period).first()
    if existing is None:
        (assessment, _created), seconds = _timed(round_open, period_code=PERIOD, deadline=_future())
        lines.append(f"open the two-way round: {assessment.sheets.count():,} score sheets in {seconds:.2f} s")
    else:
        lines.append(f"two-way round already open from an earlier run: {existing.sheets.count():,} score sheets")
    return lines


def _units(run) -> dict:
    from django.db.models import Count

    return dict(run.results.values_list("kind").annotate(n=Count("id")).order_by())


def _future():
    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=30)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2_000_000, help="cases in the half-year (default 2,000,000)")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded cases when their count matches")
    args = parser.parse_args()
    setup_django()
    for line in run(args.cases, args.reuse):
        print(line, flush=True)


if __name__ == "__main__":
    main()
