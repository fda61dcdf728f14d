"""Background exports of the case list: asked for on the list, written by the ``exports`` queue's worker in keyset
chunks, followed on a page that refreshes itself, downloaded through the permission check (from object storage
as a presigned URL); one person's rows and one person's file; throttled."""
import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import exports
from cases.models import Case, CaseExport
from cases.tasks import export_cases
from haidian.celery import app
from tests.conftest import GRID_B

from .conftest import fetch, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_cases(cast):
    """A case in each street."""
    return (new_case(cast.worker_a, title="甲街道的问题"),
            new_case(cast.worker_b, grid_code=GRID_B, title="乙街道的问题"))


def ask(client, capture, fmt="csv", query="view=all"):
    with capture(execute=True):  # the job is queued after commit
        return client.post(reverse("cases:export", args=[fmt]), {"query": query})


def job_of(response) -> CaseExport:
    assert response.status_code == 302, response.content
    return CaseExport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def exported(client, capture, fmt="csv", query="view=all") -> bytes:
    """The file as its reader gets it: asked for on the list, written by the exports queue's worker, downloaded."""
    job = job_of(ask(client, capture, fmt, query))
    export_cases.apply(args=[job.pk])
    return b"".join(client.get(reverse("cases:export-download", args=[job.pk])).streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_is_routed_to_the_exports_queue():
    assert app.amqp.router.route({}, exports.EXPORT_TASK)["queue"].name == "exports"


def test_an_export_is_walked_from_request_to_progress_to_download(
        as_user, cast, street_cases, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine, theirs = street_cases
    client = as_user(cast.dispatcher_a)
    job = job_of(ask(client, django_capture_on_commit_callbacks))
    page = reverse("cases:export-job", args=[job.pk])
    waiting = client.get(page).content.decode()
    assert "等待开始" in waiting and 'hx-trigger="every 2s"' in waiting  # the page follows the job by itself
    assert "export-download" not in waiting and job.query == "view=all" and job.language == "zh-hans"

    export_cases.apply(args=[job.pk])  # what the exports queue's worker runs

    job.refresh_from_db()
    assert (job.state, job.rows_total, job.rows_written, job.percent) == ("done", 1, 1, 100)
    partial = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial  # done: no more polling
    download = reverse("cases:export-download", args=[job.pk])
    assert f'href="{download}"' in partial
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{job.filename}"' in response["Content-Disposition"]
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0][0] == "案件编号" and [row[0] for row in rows[1:]] == [mine.number]
    assert theirs.number not in str(rows)


def test_the_page_shows_the_progress_the_worker_records(as_user, cast, street_cases,
                                                        django_capture_on_commit_callbacks):
    client = as_user(cast.dispatcher_a)
    job = job_of(ask(client, django_capture_on_commit_callbacks))
    CaseExport.objects.filter(pk=job.pk).update(state="running", rows_total=250_000, rows_written=100_000)
    partial = client.get(reverse("cases:export-job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="40"' in partial and "100000 / 250000" in partial and "正在写入" in partial


def test_a_street_users_export_holds_only_their_streets_cases(as_user, cast, street_cases,
                                                              django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine, theirs = street_cases
    for user, holds, lacks in ((cast.dispatcher_a, mine, theirs), (cast.dispatcher_b, theirs, mine)):
        client = as_user(user)
        job = job_of(ask(client, django_capture_on_commit_callbacks, fmt="xlsx"))
        export_cases.apply(args=[job.pk])
        response = client.get(reverse("cases:export-download", args=[job.pk]))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert holds.number in numbers and lacks.number not in numbers


def test_the_lists_filters_and_its_default_view_carry_over(as_user, cast, street_cases,
                                                           django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(cast.dispatcher_a)
    job = job_of(ask(client, django_capture_on_commit_callbacks, query="status=handling"))
    assert "view=mine" in job.query  # a dispatcher with cases waiting opens the list on "waiting on me"
    export_cases.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.rows_written) == ("done", 0)


def test_nobody_else_sees_or_downloads_someones_export(as_user, cast, street_cases,
                                                       django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = job_of(ask(as_user(cast.dispatcher_a), django_capture_on_commit_callbacks))
    export_cases.apply(args=[job.pk])
    for user in (cast.worker_a, cast.dispatcher_b, cast.commander, cast.auditor):
        client = as_user(user)
        assert client.get(reverse("cases:export-job", args=[job.pk])).status_code == 404
        assert client.get(reverse("cases:export-download", args=[job.pk])).status_code == 404


def test_exports_are_throttled_one_at_a_time_and_so_many_an_hour(
        as_user, cast, street_cases, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_EXPORTS_PER_HOUR = 2
    client = as_user(cast.dispatcher_a)
    first = job_of(ask(client, django_capture_on_commit_callbacks))
    running = ask(client, django_capture_on_commit_callbacks)
    assert running.status_code == 429 and "上一次导出仍在生成" in running.content.decode()
    export_cases.apply(args=[first.pk])
    second = job_of(ask(client, django_capture_on_commit_callbacks, fmt="xlsx"))
    export_cases.apply(args=[second.pk])
    over = ask(client, django_capture_on_commit_callbacks)
    assert over.status_code == 429 and "1 小时内已申请 2 次导出" in over.content.decode()
    assert CaseExport.objects.filter(requested_by=cast.dispatcher_a).count() == 2
    assert job_of(ask(as_user(cast.dispatcher_b), django_capture_on_commit_callbacks))  # a limit per person


def test_a_job_whose_worker_died_is_marked_failed_and_holds_up_nobody(
        as_user, cast, django_capture_on_commit_callbacks, settings, tmp_path):
    """A worker killed while writing leaves its job running: the job gives no sign of life, beat's reaper marks it
    failed, and its requester may ask again; a job whose worker still reports holds them up as before."""
    from django_celery_beat.models import PeriodicTask

    settings.MEDIA_ROOT = tmp_path
    client = as_user(cast.dispatcher_a)
    dead = job_of(ask(client, django_capture_on_commit_callbacks))
    CaseExport.objects.filter(pk=dead.pk).update(state=CaseExport.State.RUNNING, heartbeat_at=timezone.now())
    assert ask(client, django_capture_on_commit_callbacks).status_code == 429  # still writing
    started = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    CaseExport.objects.filter(pk=dead.pk).update(state=CaseExport.State.RUNNING, started_at=started,
                                                 heartbeat_at=started + dt.timedelta(minutes=2))
    alive_until = started + dt.timedelta(minutes=2) + exports.LOST_AFTER
    assert exports.exports_reap(now=alive_until) == 0  # silent for exactly LOST_AFTER: not yet lost

    assert exports.exports_reap(now=alive_until + dt.timedelta(seconds=1)) == 1
    dead.refresh_from_db()
    assert (dead.state, dead.error) == (CaseExport.State.FAILED, "worker lost")
    assert "失败" in client.get(reverse("cases:export-job", args=[dead.pk])).content.decode()
    again = job_of(ask(client, django_capture_on_commit_callbacks))
    export_cases.apply(args=[again.pk])
    again.refresh_from_db()
    assert again.state == CaseExport.State.DONE and again.heartbeat_at >= again.started_at

    reaper = PeriodicTask.objects.get(task="cases.reap_exports")
    assert (reaper.enabled, reaper.interval.every, reaper.interval.period) == (True, 5, "minutes")
    assert app.amqp.router.route({}, "cases.reap_exports")["queue"].name == "sweep"


def test_a_get_of_the_export_address_goes_back_to_the_list(as_user, cast):
    response = as_user(cast.dispatcher_a).get(reverse("cases:export", args=["csv"]))
    assert response.status_code == 302 and response["Location"] == reverse("cases:inbox")
    assert not CaseExport.objects.exists()


def test_text_that_looks_like_a_formula_is_written_as_text(as_user, cast, django_capture_on_commit_callbacks,
                                                           settings, tmp_path):
    """Issue 14: a resident's "=HYPERLINK(…)" is shown by a spreadsheet, never evaluated."""
    settings.MEDIA_ROOT = tmp_path
    formula = '=HYPERLINK("http://evil.example","点这里")'
    case = new_case(cast.worker_a, title=formula)
    client = as_user(cast.dispatcher_a)
    csv_job = job_of(ask(client, django_capture_on_commit_callbacks))
    export_cases.apply(args=[csv_job.pk])
    rows = csv_rows(b"".join(client.get(reverse("cases:export-download", args=[csv_job.pk])).streaming_content))
    assert next(row for row in rows if row[0] == case.number)[1] == "'" + formula
    CaseExport.objects.update(created_at=csv_job.created_at.replace(year=2000))  # the hour's quota is not the point
    xlsx_job = job_of(ask(client, django_capture_on_commit_callbacks, fmt="xlsx"))
    export_cases.apply(args=[xlsx_job.pk])
    content = b"".join(client.get(reverse("cases:export-download", args=[xlsx_job.pk])).streaming_content)
    cell = next(row[1] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)
                if row[0].value == case.number)
    assert (cell.value, cell.data_type) == (formula, "s")  # stored as text: Excel shows it and runs nothing


def test_the_writers_queries_do_not_grow_with_the_rows(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def queries_of_an_export() -> int:
        job = exports.export_request(actor=cast.dispatcher_a, fmt="xlsx", query="view=all")
        with CaptureQueriesContext(connection) as captured:
            exports.export_write(job.pk)
        CaseExport.objects.update(created_at=job.created_at.replace(year=2000))  # out of the hour's quota
        return len(captured)

    for _ in range(3):
        new_case(cast.worker_a)
    queries_of_an_export()  # the first loads the requester's scope and permissions into the cache
    few = queries_of_an_export()
    for _ in range(30):
        new_case(cast.worker_a)
    assert queries_of_an_export() == few


def test_rows_are_read_in_keyset_chunks_by_id(cast):
    cases = [new_case(cast.worker_a) for _ in range(5)]
    rows = Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "number")
    chunks = list(exports.chunks(rows, limit=4, size=3))
    assert chunks == [[(c.pk, c.number) for c in cases[:3]], [(cases[3].pk, cases[3].number)]]


def test_on_object_storage_the_download_is_a_short_lived_url(as_user, cast, street_cases, object_storage,
                                                            django_capture_on_commit_callbacks):
    mine, _theirs = street_cases
    client = as_user(cast.dispatcher_a)
    job = job_of(ask(client, django_capture_on_commit_callbacks))
    export_cases.apply(args=[job.pk])
    job.refresh_from_db()
    assert object_storage.exists(job.file.name)
    response = client.get(reverse("cases:export-download", args=[job.pk]))
    assert response.status_code == 302
    assert [row[0] for row in csv_rows(fetch(response["Location"]))[1:]] == [mine.number]
    refused = as_user(cast.dispatcher_b).get(reverse("cases:export-download", args=[job.pk]))
    assert refused.status_code == 404 and "Location" not in refused


def test_exports_are_deleted_with_their_files_after_the_days_they_are_kept(
        as_user, cast, django_capture_on_commit_callbacks, settings, tmp_path):
    from django_celery_beat.models import PeriodicTask

    from cases.tasks import expire_exports

    settings.MEDIA_ROOT = tmp_path
    settings.CASE_EXPORT_KEEP_DAYS = 7
    client = as_user(cast.dispatcher_a)
    old = job_of(ask(client, django_capture_on_commit_callbacks))
    export_cases.apply(args=[old.pk])
    old.refresh_from_db()
    CaseExport.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=8))
    recent = job_of(ask(client, django_capture_on_commit_callbacks))
    assert (tmp_path / old.file.name).exists()
    expire_exports.apply()
    assert list(CaseExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (tmp_path / old.file.name).exists()
    assert PeriodicTask.objects.get(name="expire case exports").task == "cases.expire_exports"


# ------------------------------------------------------------------------------------------------ the API

EXPORTS_API = "/api/v1/case-exports/"


def test_a_rest_client_asks_follows_and_downloads_an_export(api_as, cast, street_cases,
                                                            django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_as(cast.dispatcher_a)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(EXPORTS_API, {"format": "csv", "query": "status=collected"}, format="json")
    assert asked.status_code == 202, asked.json()
    job = asked.json()
    assert (job["state"], job["state_label"], job["download_url"]) == ("queued", "等待开始", None)
    assert client.get(f"{EXPORTS_API}{job['id']}/download/").status_code == 404  # no file yet

    export_cases.apply(args=[job["id"]])
    done = client.get(f"{EXPORTS_API}{job['id']}/").json()
    assert (done["state"], done["percent"], done["rows_total"]) == ("done", 100, 1)
    assert done["download_url"].endswith(f"{EXPORTS_API}{job['id']}/download/")
    assert [row["id"] for row in client.get(EXPORTS_API).json()["results"]] == [job["id"]]
    content = b"".join(client.get(done["download_url"]).streaming_content)
    rows = csv_rows(content)
    assert rows[0][0] == "案件编号" and [row[1] for row in rows[1:]] == ["甲街道的问题"]


def test_someone_elses_export_is_not_found_over_the_api(api_as, cast, street_cases,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = api_as(cast.dispatcher_a).post(EXPORTS_API, {"format": "xlsx"}, format="json").json()
    other = api_as(cast.commander)
    assert other.get(f"{EXPORTS_API}{job['id']}/").status_code == 404
    assert other.get(f"{EXPORTS_API}{job['id']}/download/").status_code == 404
    assert other.get(EXPORTS_API).json()["results"] == []


def test_bad_filters_get_field_messages_and_a_second_export_waits_for_the_first(api_as, cast):
    client = api_as(cast.dispatcher_a)
    refused = client.post(EXPORTS_API, {"format": "pdf", "query": "view=everything"}, format="json")
    assert refused.status_code == 400 and set(refused.json()) >= {"format", "query"}
    bad_filter = client.post(EXPORTS_API, {"format": "csv", "query": "status=nonsense"}, format="json")
    assert bad_filter.status_code == 400 and bad_filter.json()["query"][0].startswith("status:")
    assert client.post(EXPORTS_API, {"format": "csv"}, format="json").status_code == 202
    again = client.post(EXPORTS_API, {"format": "csv"}, format="json")
    assert again.status_code == 429 and CaseExport.objects.filter(requested_by=cast.dispatcher_a).count() == 1
