"""The case list as a spreadsheet, written in the background (up to a million rows) while the requester watches.

``export_request`` records the job (one running per person, ``CASE_EXPORTS_PER_HOUR`` an hour) and queues it after
commit; the ``exports`` queue's worker runs ``export_write``, which reads the rows the requester may see in chunks of
``CASE_EXPORT_CHUNK`` by id (keyset pages: no server-side cursor, which a transaction-mode connection pooler would
not allow) and writes them to a temporary file, so memory stays flat whatever the size; the file then goes to the
default storage (the filesystem, or object storage) and is handed out only to the requester."""
import csv
import datetime as dt
import io
import logging
import tempfile

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.db import reads_from_replica
from core.errors import TooManyRequests
from core.exports import csv_cell, xlsx_row

from . import inbox
from .models import Case, CaseExport

logger = logging.getLogger(__name__)

# The columns, headed in the requester's language.
EXPORT_COLUMNS = [_lazy("Case number"), _lazy("Title"), _lazy("Category"), _lazy("Status"), _lazy("Tier"),
                  _lazy("Deadline light"), _lazy("Street/town"), _lazy("Grid"), _lazy("Address"), _lazy("Handled by"),
                  _lazy("Reported at"), _lazy("Due at"), _lazy("Closed at"), _lazy("Satisfaction (1–5)")]
# What the columns read, as plain tuples (a million model instances with seven related ones each would be most of
# the work), the id first for the keyset.
EXPORTED_VALUES = ["pk", "number", "title", "category__name", "status", "tier", "light", "street__name",
                   "grid__name", "address", "station__name", "department__name",
                   "assignee__staff_profile__full_name", "assignee__username", "created_at", "due_at", "closed_at",
                   "satisfaction"]
# A job still waiting after this long lost its worker: it no longer holds up its requester's next one.
STALE_AFTER = dt.timedelta(hours=6)
# A running job's worker gives a sign of life at every progress update and before it stores the file; a job silent
# this long lost its worker (killed, or its machine gone): beat marks it failed (``exports_reap``), and it no longer
# holds up its requester's next one.
LOST_AFTER = dt.timedelta(minutes=15)
EXPORT_TASK = "cases.export_cases"  # routed to the "exports" queue (CELERY_TASK_ROUTES)
PROGRESS_EVERY = 10  # chunks between progress updates


def export_request(*, actor, fmt: str, query: str, now: dt.datetime | None = None) -> CaseExport:
    """Queue an export of the cases the list's filters (``query``) select among those ``actor`` may see."""
    now = now or timezone.now()
    with transaction.atomic():
        # One request of a person at a time, so that two clicks cannot both pass the limits below.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        mine = CaseExport.objects.filter(requested_by=actor)
        if mine.filter(Q(state=CaseExport.State.QUEUED, created_at__gte=now - STALE_AFTER)
                       | Q(state=CaseExport.State.RUNNING, heartbeat_at__gte=now - LOST_AFTER)).exists():
            raise TooManyRequests(_("Your previous export is still being written: wait for it to finish, then ask "
                                    "again."), code="export_running")
        if mine.filter(created_at__gte=now - dt.timedelta(hours=1)).count() >= settings.CASE_EXPORTS_PER_HOUR:
            raise TooManyRequests(_("You have asked for %(count)s exports in the last hour, the most allowed: try "
                                    "again later.") % {"count": settings.CASE_EXPORTS_PER_HOUR},
                                  code="export_quota")
        export = CaseExport.objects.create(requested_by=actor, format=CaseExport.Format(fmt), query=query[:2000],
                                           language=translation.get_language() or settings.LANGUAGE_CODE,
                                           created_at=now)
        transaction.on_commit(lambda: _queue(export.pk))
    return export


def _queue(export_id: int) -> None:
    """Hand the job to the ``exports`` queue; with the broker away it fails at once, and its requester may ask again."""
    try:
        # By name: the task module imports this one, not the other way round.
        current_app.send_task(EXPORT_TASK, args=[export_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure
        logger.warning("broker unavailable: case export %s not queued", export_id, exc_info=True)
        CaseExport.objects.filter(pk=export_id).update(state=CaseExport.State.FAILED, finished_at=timezone.now(),
                                                       error="not queued")


def selected_cases(user, query: str):
    """The cases the case list shows ``user`` with these filters (its "waiting on me" view, or all they see)."""
    params = QueryDict(query)
    return inbox.listed(user, params, params.get("view", "")).values_list(*EXPORTED_VALUES)


def export_write(export_id: int) -> None:
    """Write the file of a queued export (the worker's job). A job someone else has claimed is left alone."""
    now = timezone.now()
    if not CaseExport.objects.filter(pk=export_id, state=CaseExport.State.QUEUED).update(
            state=CaseExport.State.RUNNING, started_at=now, heartbeat_at=now):
        return
    export = CaseExport.objects.select_related("requested_by").get(pk=export_id)
    try:
        # A snapshot of what the requester sees, read on the replica when there is one (a case filed in the last
        # second may be missing, as it would be from an export asked a second earlier).
        with translation.override(export.language), reads_from_replica():
            _write(export)
    except Exception:
        logger.exception("case export %s failed", export_id)
        CaseExport.objects.filter(pk=export_id).update(state=CaseExport.State.FAILED, finished_at=timezone.now(),
                                                       error="write failed")
        raise


def _write(export: CaseExport) -> None:
    rows = selected_cases(export.requested_by, export.query)
    total = min(rows.count(), settings.CASE_EXPORT_MAX_ROWS)
    CaseExport.objects.filter(pk=export.pk).update(rows_total=total)

    def progress(written: int) -> None:
        CaseExport.objects.filter(pk=export.pk).update(rows_written=written, heartbeat_at=timezone.now())

    with tempfile.TemporaryFile() as out:
        writer = write_xlsx if export.format == CaseExport.Format.XLSX else write_csv
        written = writer(out, chunks(rows, limit=total), progress)
        progress(written)
        out.seek(0)
        export.file.save(export.filename, File(out), save=False)
    CaseExport.objects.filter(pk=export.pk).update(file=export.file.name, rows_written=written,
                                                   state=CaseExport.State.DONE, finished_at=timezone.now())


def exports_reap(*, now: dt.datetime | None = None) -> int:
    """Mark failed the running jobs whose worker has given no sign of life for ``LOST_AFTER`` (beat, every five
    minutes). Returns how many."""
    now = now or timezone.now()
    lost = CaseExport.objects.filter(state=CaseExport.State.RUNNING, heartbeat_at__lt=now - LOST_AFTER)
    count = lost.update(state=CaseExport.State.FAILED, finished_at=now, error="worker lost")
    if count:
        logger.warning("%s case export(s) lost their worker and were marked failed", count)
    return count


def exports_expire(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Delete the exports older than ``CASE_EXPORT_KEEP_DAYS``, file and record (beat, nightly). Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CASE_EXPORT_KEEP_DAYS)
    expired = 0
    while old := list(CaseExport.objects.filter(created_at__lt=cutoff).order_by("pk")[:batch]):
        for export in old:
            if export.file:
                export.file.delete(save=False)  # a file already gone is no error
        CaseExport.objects.filter(pk__in=[export.pk for export in old]).delete()
        expired += len(old)
    return expired


def chunks(rows, *, limit: int, size: int | None = None):
    """Lists of rows (tuples, the id first) in id order, a chunk per query (``WHERE id > last ORDER BY id LIMIT
    size``), ``limit`` in all."""
    size = size or settings.CASE_EXPORT_CHUNK
    last, left = 0, limit
    while left > 0:
        chunk = list(rows.filter(pk__gt=last).order_by("pk")[:min(size, left)])
        if not chunk:
            return
        yield chunk
        last, left = chunk[-1][0], left - len(chunk)


def write_csv(out, chunked, progress) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")  # the mark tells Excel the file is UTF-8
    writer = csv.writer(text)
    writer.writerow([str(column) for column in EXPORT_COLUMNS])
    row_values, written = row_maker(), 0
    for number, chunk in enumerate(chunked, 1):
        writer.writerows([csv_cell(value) for value in row_values(row)] for row in chunk)
        written += len(chunk)
        if number % PROGRESS_EVERY == 0:
            progress(written)
    text.flush()
    text.detach()  # the caller's file stays open
    return written


def write_xlsx(out, chunked, progress) -> int:
    from openpyxl import Workbook  # not with the module: core.exports says why

    book = Workbook(write_only=True)  # rows go to a temporary file as they come, not into memory
    sheet = book.create_sheet(_("Cases"))
    sheet.append([str(column) for column in EXPORT_COLUMNS])
    row_values, written = row_maker(), 0
    for number, chunk in enumerate(chunked, 1):
        for row in chunk:
            sheet.append(xlsx_row(sheet, row_values(row)))
        written += len(chunk)
        if number % PROGRESS_EVERY == 0:
            progress(written)
    book.save(out)
    return written


def row_maker():
    """``row_values(row)``: the columns of a row of ``EXPORTED_VALUES``. The labels of statuses, tiers and lights are
    translated once here (``get_status_display()`` translates every choice again on every call)."""
    status, tier, light = ({value: str(label) for value, label in Case._meta.get_field(name).flatchoices}
                           for name in ("status", "tier", "light"))
    zone = timezone.get_current_timezone()

    def local(value) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def row_values(row) -> list:
        (_pk, number, title, category, status_code, tier_code, light_code, street, grid, address, station, department,
         assignee_name, assignee_username, created_at, due_at, closed_at, satisfaction) = row
        # Who handled the case: the station, else the department, else the person it went to.
        handled_by = station or department or assignee_name or assignee_username or ""
        return [number, title, category, status[status_code], tier[tier_code], light[light_code], street, grid,
                address, handled_by, local(created_at), local(due_at), local(closed_at), satisfaction or ""]

    return row_values
