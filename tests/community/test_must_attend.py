"""Must-attend records (六必到): staff present at the six situations, recorded per grid."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import AttendanceRecord
from tests.conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db

URL = "/api/v1/community/attendance/"


def _payload(**overrides):
    today = timezone.localdate()
    return {"grid": GRID_A, "situation": "neighbour_dispute", "occurred_on": str(today - timedelta(days=1)),
            "attended_on": str(today), "place": "3号楼", "action_taken": "现场调解，双方和解", **overrides}


def test_it_records_attendance_for_each_of_the_six_situations(api_as, cast):
    client = api_as(cast.worker_a)
    for situation in AttendanceRecord.Situation.values:
        assert client.post(URL, _payload(situation=situation)).status_code == 201
    rows = client.get(URL).json()
    assert rows["count"] == 6 and rows["results"][0]["attendee"] == "worker_a"


@pytest.mark.parametrize("overrides, field", [
    ({"situation": "party"}, "situation"),
    ({"grid": GRID_B}, "grid"),
    ({"attended_on": str(timezone.localdate() - timedelta(days=5))}, "attended_on"),
    ({"attended_on": str(timezone.localdate() + timedelta(days=5)),
      "occurred_on": str(timezone.localdate())}, "attended_on"),
    ({"place": ""}, "place"),
    ({"household": 987654}, "household"),
])
def test_bad_records_get_400(api_as, cast, overrides, field):
    response = api_as(cast.worker_a).post(URL, _payload(**overrides))
    assert response.status_code == 400 and field in response.json(), response.content
    assert not AttendanceRecord.objects.exists()


def test_records_are_scoped_to_the_grid(api_as, client, cast):
    record = api_as(cast.worker_a).post(URL, _payload()).json()
    assert api_as(cast.worker_b).get(f"{URL}{record['id']}/").status_code == 404
    assert api_as(cast.dispatcher_a).get(f"{URL}{record['id']}/").status_code == 200
    client.force_login(cast.worker_b)
    assert "现场调解" not in client.get("/community/attendance/").content.decode()
    client.force_login(cast.worker_a)
    page = client.get("/community/attendance/")
    assert page.status_code == 200 and "现场调解" in page.content.decode()
    bad = client.post("/community/attendance/", {"form": "attend", "attend-grid": GRID_A,
                                                 "attend-situation": "emergency", "attend-place": "路口"})
    assert bad.status_code == 400 and 'value="路口"' in bad.content.decode()
