"""A grid worker walks a patrol on the API: three check-ins (one from outside the grid, recorded and flagged), a
problem found filed as a case that links back, the patrol ended; and every wrong step answered as the kernel
answers it (400 fields, 403 not yours, 404 out of sight, 409 wrong state)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from patrols.models import CheckIn, Patrol
from tests.conftest import GRID_A

from .conftest import png

CASES = "/api/v1/cases/"
PATROLS = "/api/v1/patrols/"


def report(api, patrol_id, grid, **extra):
    body = {"title": "井盖缺失", "description": "东门路口井盖缺失", "category": "E0101", "lat": grid.centroid_lat,
            "lng": grid.centroid_lng, "address": "东门路口", "source": "grid_patrol", "patrol": patrol_id, **extra}
    return api.post(CASES, body, format="json")


def test_it_walks_a_patrol_with_three_check_ins_one_flagged_and_a_problem_found(
        api_as, cast, plan_a, grid_a, far_away, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    api = api_as(cast.worker_a)
    started = api.post(PATROLS, {}, format="json")
    assert started.status_code == 201, started.content
    patrol_id = started.json()["id"]
    assert started.json()["grid"] == GRID_A and started.json()["actions"] == ["check_in", "end"]

    at_gate = api.post(f"{PATROLS}{patrol_id}/check-ins/", {"lat": grid_a.centroid_lat, "lng": grid_a.centroid_lng,
                                                            "point": plan_a.gate.pk, "accuracy_m": 8}, format="json")
    with_photo = api.post(f"{PATROLS}{patrol_id}/check-ins/", {
        "lat": grid_a.centroid_lat + 0.0001, "lng": grid_a.centroid_lng, "point": plan_a.station.pk, "note": "正常",
        "photo": SimpleUploadedFile("p.png", png(), content_type="image/png")}, format="multipart")
    drifted = api.post(f"{PATROLS}{patrol_id}/check-ins/", {"lat": far_away[0], "lng": far_away[1],
                                                           "point": plan_a.gate.pk}, format="json")
    assert [r.status_code for r in (at_gate, with_photo, drifted)] == [201, 201, 201]
    assert at_gate.json()["flagged"] is False and at_gate.json()["distance_m"] == 0
    assert with_photo.json()["has_photo"] and not with_photo.json()["flagged"]
    assert drifted.json()["outside_grid"] and drifted.json()["too_far"] and drifted.json()["flagged"]
    assert CheckIn.objects.get(pk=with_photo.json()["id"]).photo_type == "image/png"

    found = report(api, patrol_id, grid_a)
    assert found.status_code == 201, found.content
    case = Case.objects.get(number=found.json()["number"])
    assert (case.source, case.patrol_id, found.json()["patrol"]) == ("grid_patrol", patrol_id, patrol_id)

    detail = api.get(f"{PATROLS}{patrol_id}/").json()
    assert [c["flagged"] for c in detail["check_ins"]] == [False, False, True]
    client.force_login(cast.worker_a)
    page = client.get(f"/patrols/{patrol_id}/")
    assert page.status_code == 200 and case.number in page.content.decode()
    assert f"/cases/new/?patrol={patrol_id}" in page.content.decode()
    assert f'href="/patrols/{patrol_id}/"' in client.get(f"/cases/{case.number}/").content.decode()

    ended = api.post(f"{PATROLS}{patrol_id}/end/", {"summary": "巡查完毕"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == "ended" and ended.json()["actions"] == []
    late = api.post(f"{PATROLS}{patrol_id}/check-ins/", {"lat": grid_a.centroid_lat, "lng": grid_a.centroid_lng},
                    format="json")
    assert late.status_code == 409
    assert api.post(f"{PATROLS}{patrol_id}/end/", {}, format="json").status_code == 409
    after = report(api, patrol_id, grid_a, title="结束后")
    assert after.status_code == 400 and "patrol" in after.json()
    assert CheckIn.objects.filter(patrol_id=patrol_id).count() == 3


def test_a_check_in_without_a_position_is_a_400_with_field_messages_and_stores_nothing(api_as, cast, plan_a):
    api = api_as(cast.worker_a)
    patrol_id = api.post(PATROLS, {}, format="json").json()["id"]
    missing = api.post(f"{PATROLS}{patrol_id}/check-ins/", {"point": plan_a.gate.pk}, format="json")
    assert missing.status_code == 400 and {"lat", "lng"} <= set(missing.json())
    bad_point = api.post(f"{PATROLS}{patrol_id}/check-ins/", {"lat": 39.99, "lng": 116.35, "point": 999999},
                         format="json")
    assert bad_point.status_code == 400 and "point" in bad_point.json()
    not_a_photo = api.post(f"{PATROLS}{patrol_id}/check-ins/", {
        "lat": 39.99, "lng": 116.35, "photo": SimpleUploadedFile("x.png", b"not an image")}, format="multipart")
    assert not_a_photo.status_code == 400
    assert not CheckIn.objects.exists()


def test_only_the_patroller_takes_its_steps(api_as, cast, plan_a, grid_a):
    patrol_id = api_as(cast.worker_a).post(PATROLS, {}, format="json").json()["id"]
    body = {"lat": grid_a.centroid_lat, "lng": grid_a.centroid_lng}
    assert api_as(cast.worker_b).post(f"{PATROLS}{patrol_id}/end/", {}, format="json").status_code == 404
    for supervisor in (cast.community_a, cast.dispatcher_a):
        api = api_as(supervisor)
        assert api.get(f"{PATROLS}{patrol_id}/").status_code == 200
        assert api.post(f"{PATROLS}{patrol_id}/end/", {}, format="json").status_code == 403
        assert api.post(f"{PATROLS}{patrol_id}/check-ins/", body, format="json").status_code == 403
    assert Patrol.objects.get(pk=patrol_id).status == "in_progress"


def test_one_patrol_at_a_time_and_only_in_a_grid_one_serves(api_as, cast, plan_a):
    api = api_as(cast.worker_a)
    assert api.post(PATROLS, {}, format="json").status_code == 201
    assert api.post(PATROLS, {}, format="json").status_code == 409
    elsewhere = api_as(cast.worker_b).post(PATROLS, {"grid": GRID_A}, format="json")
    assert elsewhere.status_code == 400 and "grid" in elsewhere.json()
    assert api_as(cast.commander).post(PATROLS, {}, format="json").status_code == 403
    assert Patrol.objects.count() == 1


@pytest.mark.parametrize("change", [{"source": "hotline"}, {"patrol": 999999}])
def test_a_case_names_only_the_filers_own_patrol_in_progress_from_a_grid_patrol(api_as, cast, plan_a, grid_a,
                                                                                  change):
    patrol_id = api_as(cast.worker_a).post(PATROLS, {}, format="json").json()["id"]
    answer = report(api_as(cast.worker_a), patrol_id, grid_a, **change)
    assert answer.status_code == 400 and set(change) <= set(answer.json())
    someone_elses = report(api_as(cast.community_a), patrol_id, grid_a)
    assert someone_elses.status_code == 400 and "patrol" in someone_elses.json()
    assert not Case.objects.exists()


def test_plans_and_points_go_only_into_grids_one_serves(api_as, cast, plan_a, grid_a, far_away):
    b = api_as(cast.dispatcher_b)
    plan = b.post("/api/v1/patrol-plans/", {"grid": GRID_A, "times": 1, "every_days": 7}, format="json")
    assert plan.status_code == 400 and "grid" in plan.json()
    worker = api_as(cast.worker_a)
    assert worker.post("/api/v1/patrol-plans/", {"grid": GRID_A, "times": 1, "every_days": 7},
                       format="json").status_code == 403
    bad = api_as(cast.community_a).post("/api/v1/patrol-plans/", {"grid": GRID_A, "times": 0, "every_days": 40},
                                        format="json")
    assert bad.status_code == 400 and {"times", "every_days"} <= set(bad.json())
    outside = worker.post("/api/v1/patrol-points/", {"grid": GRID_A, "name": "远处", "lat": far_away[0],
                                                     "lng": far_away[1]}, format="json")
    assert outside.status_code == 400 and "lat" in outside.json()
    changed = api_as(cast.community_a).post("/api/v1/patrol-plans/", {"grid": GRID_A, "times": 5, "every_days": 7},
                                            format="json")
    assert changed.status_code == 201 and changed.json()["id"] == plan_a.pk and changed.json()["times"] == 5
    renamed = worker.patch(f"/api/v1/patrol-points/{plan_a.gate.pk}/", {"name": "东大门"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "东大门"
    assert [p["name"] for p in worker.get(f"/api/v1/patrol-points/?grid={GRID_A}").json()["results"]] == [
        "东大门", "卫生服务站"]
    assert api_as(cast.worker_b).get(f"/api/v1/patrol-points/{plan_a.gate.pk}/").status_code == 404
