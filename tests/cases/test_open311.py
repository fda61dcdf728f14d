"""Open311 GeoReport v2, field by field (http://wiki.open311.org/GeoReport_v2)."""
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from cases.models import Case, Open311Client

from .conftest import STATION_A, act, new_case

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


@pytest.fixture
def api_key():
    out = io.StringIO()
    call_command("create_open311_key", "12345热线", stdout=out)
    return out.getvalue().strip()


def post_request(client, key, **overrides):
    data = {"api_key": key, "service_code": "E0102", "lat": "39.9923", "long": "116.3521",
            "address_string": "学院路20号", "description": "路边暴露垃圾", "first_name": "明", "last_name": "王",
            "phone": "13800000000", "email": "wang@example.org", **overrides}
    return client.post(f"{BASE}/requests.json", data)


def test_discovery_lists_the_endpoint_and_formats(client):
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(body["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    xml = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert xml.tag == "discovery" and xml.find("endpoints/endpoint/formats/format") is not None


def test_services_are_the_case_subclasses(client):
    services = client.get(f"{BASE}/services.json").json()
    service = next(s for s in services if s["service_code"] == "E0102")
    assert set(service) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert (service["service_name"], service["metadata"], service["type"], service["group"]) == (
        "暴露垃圾", False, "realtime", "市容环境")
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    assert root.find("service/metadata").text == "false"
    definition = client.get(f"{BASE}/services/E0102.json").json()
    assert definition == {"service_code": "E0102", "attributes": []}
    assert client.get(f"{BASE}/services/NOPE.json").status_code == 404


def test_posting_a_request_creates_a_collected_case(client, api_key, cast):
    response = post_request(client, api_key)
    assert response.status_code == 201, response.content
    [created] = response.json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    case = Case.objects.get(number=created["service_request_id"])
    assert (case.status, case.source, case.grid.code[:9], case.reporter_name) == (
        "collected", "web", "110108009", "王 明")
    assert case.open311_client.name == "12345热线" and case.events.first().actor_label == "12345热线"
    token = client.get(f"{BASE}/tokens/{created['token']}.json").json()
    assert token == [{"service_request_id": case.number, "token": created["token"]}]


def test_a_request_reads_back_with_every_spec_field(client, cast):
    case = new_case(cast.dispatcher_a, source="hotline")  # the sub-centre takes a resident's call
    [row] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert list(row) == REQUEST_FIELDS
    assert (row["status"], row["service_code"], row["lat"], row["long"]) == ("open", "E0101", case.lat, case.lng)
    root = ET.fromstring(client.get(f"{BASE}/requests/{case.number}.xml").content)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS


def test_status_is_open_until_closed_and_notes_say_it_without_the_staffs_result(client, cast):
    small_case = new_case(cast.dispatcher_a, source="hotline")  # filed as the sub-centre takes the call
    act(cast.dispatcher_a, small_case, "dispatch", department=STATION_A)
    act(cast.station_a, small_case, "accept")
    act(cast.station_a, small_case, "feedback", result="已拆除")
    [row] = client.get(f"{BASE}/requests/{small_case.number}.json").json()
    assert row["status"] == "open" and row["agency_responsible"].endswith("城管分队")
    act(cast.dispatcher_a, small_case, "verify")
    [row] = client.get(f"{BASE}/requests/{small_case.number}.json").json()
    assert (row["status"], row["status_notes"], row["media_url"]) == ("closed", "已结案", "")


def test_request_lists_filter_by_code_status_dates_and_ids(client, cast):
    open_case = new_case(cast.dispatcher_a, source="hotline")
    other = new_case(cast.dispatcher_a, category="E0102", source="web")
    codes = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json", {"service_code": "E0102"}).json()}
    assert other.number in codes and open_case.number not in codes
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    ids = client.get(f"{BASE}/requests.json", {"service_request_id": f"{open_case.number},{other.number}"}).json()
    assert {r["service_request_id"] for r in ids} == {open_case.number, other.number}
    assert client.get(f"{BASE}/requests.json", {"start_date": "2099-01-01T00:00:00+08:00"}).json() == []


@pytest.mark.parametrize(
    "overrides,status",
    [({"api_key": "wrong"}, 403), ({"service_code": "NOPE"}, 404), ({"service_code": ""}, 400),
     ({"lat": "north"}, 400), ({"lat": "31.23", "long": "121.47"}, 400)],
)
def test_bad_posts_get_the_spec_error_format(client, api_key, overrides, status):
    before = Case.objects.count()
    response = post_request(client, api_key, **overrides)
    assert response.status_code == status
    [error] = response.json()
    assert set(error) == {"code", "description"} and error["code"] == status
    assert Case.objects.count() == before


def test_errors_in_xml(client):
    response = client.get(f"{BASE}/requests/HD19990101000001.xml")
    root = ET.fromstring(response.content)
    assert response.status_code == 404 and root.tag == "errors"
    assert root.find("error/code").text == "404" and root.find("error/description").text


@pytest.mark.parametrize("path", ["requests/HD1/extra.json", "services.yaml", "discovery"])
def test_any_other_path_is_the_specs_404(client, path):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404 and response.json() == [{"code": 404, "description": "no such resource"}]


def test_a_post_to_a_mistyped_path_is_a_404_in_the_format_it_names(client):
    response = client.post(f"{BASE}/request.xml", {"api_key": "k"})
    assert response.status_code == 404 and ET.fromstring(response.content).find("error/code").text == "404"


def test_the_format_is_the_paths_whatever_accept_says(client):
    response = client.get(f"{BASE}/services.xml", HTTP_ACCEPT="application/xml")
    assert response.status_code == 200 and ET.fromstring(response.content).tag == "services"


def test_bad_dates_and_statuses_are_400(client):
    assert client.get(f"{BASE}/requests.json", {"start_date": "last week"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"status": "pending"}).status_code == 400


def test_revoked_keys_stop_working(client, api_key):
    Open311Client.objects.update(active=False)
    assert post_request(client, api_key).status_code == 403


def test_keys_are_stored_hashed(api_key):
    client = Open311Client.objects.get()
    assert api_key not in (client.key_hash, client.key_prefix) and client.key_prefix == api_key[:8]


def test_only_what_residents_could_report_is_public(client, cast):
    patrol = new_case(cast.worker_a)  # a grid worker's patrol find
    must_report = new_case(cast.worker_a, category="C0602", source="must_report")
    grid_work = new_case(cast.dispatcher_a, category="G0601", source="hotline")  # 治安隐患: not open to residents
    public = new_case(cast.dispatcher_a, category="E0102", source="hotline")
    listed = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert listed == {public.number}
    for hidden in (patrol, must_report, grid_work):
        assert client.get(f"{BASE}/requests/{hidden.number}.json").status_code == 404
        ids = client.get(f"{BASE}/requests.json", {"service_request_id": hidden.number}).json()
        assert ids == []
