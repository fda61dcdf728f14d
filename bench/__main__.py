"""Benchmarks at district scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haidian_bench python -m bench \
        [all|generate|intake|lists|dashboard|sweep|exports]

``generate`` migrates, seeds the district and loads ``--cases`` cases with their events; the others
measure against what is loaded. ``--quick`` is a proof run at a small scale (10,000 cases, short runs).
Targets (2-core machine): intake at least half the rate of a bare DRF create endpoint on the same server
(``bench/bare``, measured alternately with wrk); list p95 < 50 ms at 1 M cases; dashboard well under 1 s;
sweep of 10,000 due < 10 s and < 100 ms with none due; an export of every case with memory flat (the resident set
grows by tens of MB, not with the rows).
"""
import argparse

from .common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", default="all",
                        choices=["all", "generate", "intake", "lists", "dashboard", "sweep", "exports"])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to generate (default 1,000,000)")
    parser.add_argument("--closed-share", type=float, default=0.0, help="share generated as closed and evaluated")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for intake and the bare endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="wrk runs of each endpoint, alternately")
    parser.add_argument("--repeats", type=int, default=30, help="requests per list query")
    parser.add_argument("--due", type=int, default=10_000, help="cases falling due in the sweep run")
    parser.add_argument("--tracemalloc", action="store_true", help="exports: also trace Python's allocations (slower)")
    parser.add_argument("--quick", action="store_true", help="a proof run: 10,000 cases, 1,000 due, short runs")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.due, args.repeats, args.seconds, args.rounds = 10_000, 1_000, 5, 5, 1
    setup_django()
    from django.core.management import call_command

    # Production settings serve hashed static files: the pages need the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.what in ("all", "generate"):
        from .generate import generate

        call_command("migrate", verbosity=0)
        from core.seeding import seed_platform

        seed_platform()
        result = generate(cases=args.cases, closed_share=args.closed_share)
        print(f"generated {result['cases']:,} cases ({result['joint']:,} handled jointly) and {result['events']:,} "
              f"events in {result['seconds']:.0f} s ({result['statuses']})")
    if args.what in ("all", "lists"):
        from .lists import run_lists

        print("list/filter latency at district scale (gunicorn, token auth, cursor pages of 50):")
        for line in run_lists(repeats=args.repeats):
            print(line)
    if args.what in ("all", "dashboard"):
        from .dashboard import run_dashboard

        print("command-centre dashboard at district scale (in-process: middleware, queries, template):")
        for line in run_dashboard(repeats=max(5, args.repeats // 3)):
            print(line)
    if args.what in ("all", "sweep"):
        from .sweep import run_sweep

        result = run_sweep(due=args.due)
        print(f"deadline sweep over {result['open_cases']:,} open cases: "
              f"nothing due {result['idle_seconds'] * 1000:.1f} ms;"
              f" {result['busy_total']:,} due (of {result['due']:,}) {result['busy_seconds']:.2f} s "
              f"({result['busy_total'] / max(result['busy_seconds'], 1e-9):,.0f} cases/s)")
    if args.what in ("all", "exports"):
        from .exports import run_exports

        print("background export of the case list (the exports queue's job, in-process):")
        for line in run_exports(trace=args.tracemalloc):
            print(line)
    if args.what in ("all", "intake"):
        from .intake import run_intake

        result = run_intake(connections=args.connections, workers=args.workers, seconds=args.seconds,
                            rounds=args.rounds)
        print(f"intake over HTTP (gunicorn {args.workers} workers, wrk {args.connections} connections, "
              f"{args.rounds} x {args.seconds} s each, alternately):")
        labels = {"bare": "bare DRF create POST /bench/bare/notes/", "intake": "case intake    POST /api/v1/cases/",
                  "bulk": "bulk intake    Prefer: return=minimal"}
        for name, run in result["runs"].items():
            counts = result["counts"][name]
            print(f"  {labels[name]:<40} {run['rate']:7.1f} req/s  p50 {run['p50_ms']:6.1f} ms  "
                  f"p99 {run['p99_ms']:6.1f} ms  server CPU {run['cpu_ms']:5.1f} ms/req  {run['errors']} errors  "
                  f"{run['created'] / max(run['requests'], 1):.0%} new rows  "
                  f"{counts['queries']} queries, {counts['transactions']} transactions, {counts['cache']} cache "
                  "commands"
                  + ("" if name == "bare" else f"  / bare = {run['ratio']:.2f} by rate, {run['cpu_ratio']:.2f} by "
                                              "server CPU (target >= 0.5); each round: "
                                              + ", ".join(f"{ratio:.2f}" for ratio in run["round_ratios"])))


if __name__ == "__main__":
    main()
