"""Compute → review → publish. Published results are frozen: later changes to the cases do not move
them, the database refuses to change them, and recomputing from the same inputs gives the same numbers."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction

from core.access import new_access_generation
from core.errors import Conflict
from evaluation.models import ResultRun, SubjectResult
from evaluation.services import FIGURE_FIELDS, run_compute, run_publish, run_review, run_verify
from tests.cases.conftest import act
from tests.conftest import GRID_A

from .conftest import at

pytestmark = pytest.mark.django_db
RUNS = "/api/v1/evaluation/runs/"


def figures(run) -> dict:
    return {(r.kind, r.code): [getattr(r, name) for name in FIGURE_FIELDS] for r in run.results.all()}


def test_the_evaluator_computes_reviews_and_publishes_through_the_api(history, api_as, cast):
    client = api_as(cast.evaluator)
    response = client.post(RUNS, {"period": "2026H1"}, format="json")
    assert response.status_code == 201, response.json()
    run = response.json()
    assert run["status"] == "computed" and run["rule"] == 1 and len(run["fingerprint"]) == 64
    assert run["as_of"].startswith("2026-07-01T00:00:00")
    assert client.post(f"{RUNS}{run['id']}/publish/").status_code == 409  # not reviewed yet
    assert client.post(f"{RUNS}{run['id']}/review/", {"note": "核对无误"}, format="json").json()["status"] == "reviewed"
    assert client.post(f"{RUNS}{run['id']}/review/", {}, format="json").status_code == 409
    assert client.post(f"{RUNS}{run['id']}/publish/").json()["status"] == "published"
    assert client.post(f"{RUNS}{run['id']}/publish/").status_code == 409


def given_by_mistake(user, codename: str):
    """The user, with a model permission their role does not have (granted directly)."""
    user.user_permissions.add(Permission.objects.get(content_type__app_label="evaluation", codename=codename))
    new_access_generation()
    return get_user_model().objects.get(pk=user.pk)


def test_each_mistake_on_a_run_gets_its_own_answer(history, api_as, cast):
    draft = run_compute(period_code="2026H1")
    review, publish = f"{RUNS}{draft.pk}/review/", f"{RUNS}{draft.pk}/publish/"
    street = given_by_mistake(cast.dispatcher_a, "change_resultrun")
    assert api_as(street).post(review, {}).status_code == 404  # drafts are the district's: out of their sight
    assert api_as(cast.commander).post(review, {}).status_code == 403  # sees the draft; reviewing is not its step
    evaluator = api_as(cast.evaluator)
    assert evaluator.get(f"{RUNS}{draft.pk}/").json()["available_actions"] == ["review"]
    assert evaluator.post(publish).status_code == 409  # not reviewed yet
    response = evaluator.post(review, {"note": "x" * 501})
    assert response.status_code == 400 and "note" in response.json()
    draft.refresh_from_db()
    assert draft.status == "computed"
    reviewed = evaluator.post(review, {"note": "核对无误"}).json()
    assert (reviewed["status"], reviewed["available_actions"]) == ("reviewed", ["publish"])
    published = evaluator.post(publish).json()
    assert (published["status"], published["available_actions"]) == ("published", [])
    assert api_as(street).get(f"{RUNS}{draft.pk}/").json()["available_actions"] == []
    assert api_as(street).post(publish).status_code == 403  # now in sight, and still not the street's step


def test_only_one_run_of_a_period_is_published_and_drafts_are_superseded(history, cast):
    first = run_compute(period_code="2026H1")
    second = run_compute(period_code="2026H1")
    first.refresh_from_db()
    assert first.status == "superseded" and second.status == "computed"
    with pytest.raises(Conflict):
        run_review(actor=cast.evaluator, run_id=first.pk)
    run_review(actor=cast.evaluator, run_id=second.pk)
    run_publish(actor=cast.evaluator, run_id=second.pk)
    third = run_compute(period_code="2026H1")  # after publication: a check, never published
    run_review(actor=cast.evaluator, run_id=third.pk)
    with pytest.raises(Conflict) as refused:
        run_publish(actor=cast.evaluator, run_id=third.pk)
    assert "2026H1" in refused.value.message  # already has published results
    assert ResultRun.objects.filter(status="published").count() == 1


def test_results_of_an_unfinished_period_cannot_be_published(history, cast, client):
    run = run_compute(period_code="2026H1", now=at("2026-05-01"))
    assert run.as_of == at("2026-05-01")
    run_review(actor=cast.evaluator, run_id=run.pk)
    with pytest.raises(Conflict) as refused:
        run_publish(actor=cast.evaluator, run_id=run.pk, now=at("2026-05-02"))
    assert "2026-07-01 00:00" in refused.value.message  # recompute after the end of June
    client.force_login(cast.evaluator)
    page = client.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert 'value="publish"' not in page and refused.value.message in page  # the page says why, not a button


def test_a_recompute_reproduces_the_published_result_exactly(published, api_as, cast):
    again = run_compute(period_code="2026H1")
    assert again.fingerprint == published.fingerprint
    assert figures(again) == figures(published)
    report = api_as(cast.evaluator).get(f"{RUNS}{published.pk}/verify/").json()
    assert report["same_inputs"] and report["identical"] and report["differences"] == []


def test_published_results_do_not_change_when_cases_change_afterwards(published, history, api_as, cast):
    before = figures(published)
    c8 = history["c8"]
    act(cast.station_a, c8, "feedback", now=at("2026-06-20"), result="已处理")  # back-dated into H1
    act(cast.dispatcher_a, c8, "verify", now=at("2026-06-20", "10:00"))
    published.refresh_from_db()
    assert figures(published) == before
    grid = SubjectResult.objects.get(run=published, kind="grid", code=GRID_A)
    assert grid.closed == 5
    report = run_verify(run=published)
    assert not report["same_inputs"] and not report["identical"]
    assert {"unit": GRID_A, "field": "closed", "stored": "5", "now": "6"} in report["differences"]
    fresh = run_compute(period_code="2026H1")
    assert SubjectResult.objects.get(run=fresh, kind="grid", code=GRID_A).closed == 6
    assert fresh.fingerprint != published.fingerprint


def test_the_application_refuses_to_change_frozen_rows(published):
    grid = SubjectResult.objects.get(run=published, kind="grid", code=GRID_A)
    grid.closed = 7
    with pytest.raises(PermissionError):
        grid.save()
    with pytest.raises(PermissionError):
        SubjectResult.objects.filter(pk=grid.pk).update(closed=7)
    with pytest.raises(PermissionError):
        SubjectResult.objects.filter(pk=grid.pk).delete()
    published.note = "改"
    with pytest.raises(PermissionError):
        published.save()
    with pytest.raises(PermissionError):
        ResultRun.objects.filter(pk=published.pk).update(status="computed")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_to_change_frozen_rows(published):
    from django.db import DatabaseError

    for sql in ("UPDATE evaluation_subjectresult SET closed = 7 WHERE run_id = %s",
                "UPDATE evaluation_resultrun SET note = 'x' WHERE id = %s",
                "DELETE FROM evaluation_subjectresult WHERE run_id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [published.pk])
    assert SubjectResult.objects.get(run=published, kind="grid", code=GRID_A).closed == 5


def test_the_scorecard_shows_the_trend_of_published_periods(published, cast, api_as):
    earlier = run_compute(period_code="2025H2")
    run_review(actor=cast.evaluator, run_id=earlier.pk)
    run_publish(actor=cast.evaluator, run_id=earlier.pk)
    grid = SubjectResult.objects.get(run=published, kind="grid", code=GRID_A)
    detail = api_as(cast.dispatcher_a).get(f"/api/v1/evaluation/results/{grid.pk}/").json()
    assert [point["period"] for point in detail["trend"]] == ["2025H2", "2026H1"]
    assert detail["trend"][1]["composite"] == "72.76" and detail["trend"][0]["composite"] is None


def test_the_ranking_exports_as_xlsx(published, api_as, cast):
    import io

    from openpyxl import load_workbook

    response = api_as(cast.evaluator).get(f"{RUNS}{published.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 5  # grids, streets, departments, stations, about
    grids = book.worksheets[0]
    assert grids.max_row == 1 + 643
    first = [cell.value for cell in grids[2]]
    assert first[3] == GRID_A and first[5] == 72.76 and first[6] == 8  # rank, in street, name, code, street


def test_the_ranking_exports_in_english_too(published, client, cast):
    """English sheet names hold characters Excel refuses in a title ("Streets/towns")."""
    import io

    from openpyxl import load_workbook

    client.force_login(cast.evaluator)
    response = client.get(f"/en/evaluation/runs/{published.pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == "Rank"
    assert all("/" not in sheet.title for sheet in book.worksheets)
