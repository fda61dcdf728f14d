"""The background export of the case list at district scale: the job the ``exports`` queue runs, in-process, for
the district commander (every case) and a street dispatcher (学院路), in each format. Prints rows, time, rows a
second, the file's size and the memory the job took: the growth of the process's peak resident set (what the
worker's machine sees) and, with ``--tracemalloc``, the peak of Python's own allocations (slower)."""
import resource
import time
import tracemalloc


def _viewer(username: str, role: str, grid: str = ""):
    from django.contrib.auth import get_user_model

    from grids.services import staff_create

    return get_user_model().objects.filter(username=username).first() or staff_create(
        username=username, role=role, password=None, grid_code=grid)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_export(user, fmt: str, *, trace: bool) -> dict:
    from cases import exports
    from cases.models import CaseExport

    CaseExport.objects.filter(requested_by=user).delete()  # earlier runs: out of the hour's quota
    job = exports.export_request(actor=user, fmt=fmt, query="view=all")
    rss_before = _peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    exports.export_write(job.pk)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    if trace:
        tracemalloc.stop()
    job.refresh_from_db()
    size = job.file.size
    job.file.delete()
    return {"rows": job.rows_written, "seconds": seconds, "size_mb": size / 2**20,
            "rss_growth_mb": _peak_rss_mb() - rss_before, "peak_rss_mb": _peak_rss_mb(), "traced_peak_mb": traced_peak}


def run_exports(*, trace: bool = False) -> list[str]:
    from grids.demo import XUEYUANLU

    viewers = [("district commander", _viewer("bench-commander", "district_commander")),
               ("street dispatcher (学院路)", _viewer("bench-dispatcher", "street_dispatcher", XUEYUANLU))]
    lines = []
    for who, user in viewers:
        for fmt in ("csv", "xlsx"):
            result = run_export(user, fmt, trace=trace)
            traced = f", traced peak {result['traced_peak_mb']:.1f} MB" if trace else ""
            lines.append(f"{who:<28} {fmt:<4} {result['rows']:>9,} rows in {result['seconds']:6.1f} s "
                         f"({result['rows'] / max(result['seconds'], 1e-9):,.0f} rows/s), {result['size_mb']:.1f} MB; "
                         f"peak RSS +{result['rss_growth_mb']:.0f} MB (process {result['peak_rss_mb']:.0f} MB)"
                         f"{traced}")
    return lines
