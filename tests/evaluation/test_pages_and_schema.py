"""The evaluation pages render for the roles they are meant for, the evaluator works through them, and
every endpoint is in the OpenAPI schema."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation.models import ResultRun, ScoreSheet, SubjectResult, SurveyImport
from evaluation.services import round_open
from tests.conftest import GRID_A, STREET_A, STREET_B

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_pages_render_for_the_district_and_the_street(published, client, cast, django_assert_max_num_queries):
    grid = SubjectResult.objects.get(run=published, kind="grid", code=GRID_A)
    street = SubjectResult.objects.get(run=published, kind="street", code=STREET_A)
    round_open(period_code="2026H1", now=at("2026-01-05"))
    pages = ["/evaluation/", f"/evaluation/runs/{published.pk}/", f"/evaluation/runs/{published.pk}/grid/",
             f"/evaluation/runs/{published.pk}/street/", f"/evaluation/runs/{published.pk}/station/",
             f"/evaluation/results/{grid.pk}/", f"/evaluation/results/{street.pk}/",
             f"/evaluation/results/{grid.pk}/cases/overdue/", "/evaluation/sheets/"]
    for user in (cast.evaluator, cast.dispatcher_a, cast.auditor):
        client.force_login(user)
        for url in pages:
            with django_assert_max_num_queries(40):
                response = client.get(url)
            assert response.status_code == 200, (user.username, url)
    client.force_login(cast.dispatcher_a)
    scorecard = client.get(f"/evaluation/results/{grid.pk}/").content.decode()
    assert "72.76" in scorecard and "/cases/overdue/" in scorecard
    assert 'data-echarts="' in scorecard and "72.76" in scorecard.split('data-echarts="')[2].split('"></div>')[0]
    ranking = client.get(f"/evaluation/runs/{published.pk}/grid/").content.decode()
    assert GRID_A in ranking and "110108012001001" not in ranking  # street B's grid is not theirs
    assert client.get(f"/evaluation/runs/{published.pk}/planet/").status_code == 404
    assert client.get(f"/evaluation/results/{grid.pk}/cases/bogus/").status_code == 404
    export = client.get(f"/evaluation/runs/{published.pk}/export.xlsx")
    assert export.status_code == 200 and export["Content-Disposition"].endswith('.xlsx"')


def test_the_sheets_and_ranking_pages_narrow_their_lists(published, client, cast):
    assessment, _ = round_open(period_code="2026H1", now=at("2026-01-05"))
    done = assessment.sheets.first()
    ScoreSheet.objects.filter(pk=done.pk).update(status=ScoreSheet.Status.SUBMITTED, total=80)
    client.force_login(cast.evaluator)

    def listed(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200
        return response.context["page"]

    assert [sheet.pk for sheet in listed("/evaluation/sheets/", status="submitted")] == [done.pk]
    every_sheet = listed("/evaluation/sheets/").paginator.count
    assert listed("/evaluation/sheets/", status="late").paginator.count == every_sheet == assessment.sheets.count()
    assert listed("/evaluation/sheets/", status="pending").paginator.count == every_sheet - 1
    ranking = f"/evaluation/runs/{published.pk}/grid/"
    street_a = listed(ranking, street=STREET_A)
    assert {result.street_code for result in street_a} == {STREET_A}
    assert {result.street_code for result in listed(ranking, street=STREET_B)} == {STREET_B}
    every_grid = listed(ranking).paginator.count
    assert listed(ranking, street="学院路").paginator.count == every_grid > street_a.paginator.count


def test_the_evaluator_computes_reviews_and_publishes_from_the_pages(history, client, cast):
    client.force_login(cast.evaluator)
    response = client.post("/evaluation/", {"form": "compute", "compute-period": "2026H1"})
    run = ResultRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/evaluation/runs/{run.pk}/")
    client.post(f"/evaluation/runs/{run.pk}/", {"form": "review", "review-note": "核对"})
    client.post(f"/evaluation/runs/{run.pk}/", {"form": "publish"})
    run.refresh_from_db()
    assert run.status == "published" and run.note == "核对"
    again = client.post(f"/evaluation/runs/{run.pk}/", {"form": "publish"}, follow=True)
    assert again.status_code == 200 and list(again.context["messages"])[-1].level_tag == "error"  # the conflict
    bad = client.post("/evaluation/", {"form": "compute", "compute-period": "2026H7"})
    assert bad.status_code == 200 and bad.context["forms"]["compute"].errors["period"]
    upload = client.post("/evaluation/", {"form": "survey", "survey-period": "2026H1", "survey-file":
                                          SimpleUploadedFile("s.csv", b"unit,sample_size,satisfied\nnope,1,1\n")})
    assert upload.status_code == 200 and upload.context["forms"]["survey"].errors["file"]
    assert not SurveyImport.objects.exists()


def test_other_roles_cannot_post_the_evaluators_forms(history, client, cast):
    client.force_login(cast.dispatcher_a)
    assert client.post("/evaluation/", {"form": "compute", "compute-period": "2026H1"}).status_code == 403
    assert not ResultRun.objects.exists()


def test_residents_open_their_sheet_without_a_login(client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01"))
    assessment, _ = round_open(period_code="2026H1", now=at("2026-01-05"))
    sheet = assessment.sheets.filter(evaluator_kind="residents", evaluator_code=GRID_A).get()
    url = f"/evaluation/r/{sheet.token}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"c_attitude": "120", "c_solving": "80", "c_contact": "60", "c_openness": "90"})
    assert bad.status_code == 200 and bad.context["form"].errors
    done = client.post(url, {"c_attitude": "100", "c_solving": "80", "c_contact": "60", "c_openness": "90"})
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert str(sheet.total) == "83.00"
    assert client.get("/evaluation/r/wrong/").status_code == 404


def test_every_endpoint_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("periods/", "rules/", "bonus-rules/", "rounds/", "sheets/", "sheets/{id}/submit/",
                 "public/sheets/{token}/", "surveys/", "runs/", "runs/{id}/review/", "runs/{id}/publish/",
                 "runs/{id}/verify/", "runs/{id}/export/", "results/", "results/{id}/", "results/{id}/cases/",
                 "definitions/", "worker-assessments/", "bonuses/", "bonuses/{id}/lines/", "bonuses/{id}/export/"):
        assert f"/api/v1/evaluation/{path}" in schema, path


def test_the_definitions_are_served(api_as, cast):
    body = api_as(cast.dispatcher_a).get("/api/v1/evaluation/definitions/").json()
    assert {item["key"] for item in body["indicators"]} >= {"closure_rate", "on_time_rate", "mean_handling_hours",
                                                            "satisfied_share", "overdue"}
    assert [item["key"] for item in body["components"]][-2:] == ["two_way", "survey"]


def test_list_endpoints_take_a_fixed_number_of_queries(published, api_as, cast, django_assert_max_num_queries):
    round_open(period_code="2026H1", now=at("2026-01-05"))
    client = api_as(cast.evaluator)
    # A full page of the 1,120 units' results (grids, streets, departments, stations and sections).
    for url, count in ((f"/api/v1/evaluation/results/?run={published.pk}&page_size=1000", 1000),
                       ("/api/v1/evaluation/sheets/?page_size=1000", 1000), ("/api/v1/evaluation/runs/", 1)):
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert len(response.json()["results"]) == count, url
