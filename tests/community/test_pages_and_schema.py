"""Every community page renders for each role it is meant for, refuses the anonymous, and every
endpoint appears in the OpenAPI schema. The demo data loads twice without changing anything."""
import html
import re

import pytest

from community.seeding import seed
from grids.models import Community

pytestmark = pytest.mark.django_db

# Residents' records: for the grid's own staff and their supervisors (tests/community/test_residents_records.py).
RESIDENTS_PAGES = ["/community/households/", "/community/households/new/", "/community/attendance/",
                   "/community/care/"]
STAFF_PAGES = ["/community/", "/community/communities/", "/community/service-circle/", *RESIDENTS_PAGES,
               "/community/volunteers/", "/community/activities/", "/community/meetings/", "/community/matters/"]
PUBLIC_PAGES = ["/community/public/matters/", "/community/public/matters/propose/", "/community/public/matters/track/"]


def test_staff_pages_render_for_grid_and_district_roles(client, cast):
    for user in (cast.worker_a, cast.community_a, cast.dispatcher_a, cast.commander, cast.auditor):
        client.force_login(user)
        for url in STAFF_PAGES:
            if user is cast.auditor and url in RESIDENTS_PAGES:
                continue
            status = client.get(url).status_code
            expected = (200, 403) if url.endswith("/new/") else (200,)
            assert status in expected, (user.username, url, status)


def test_department_handlers_are_refused_the_resident_registers(client, cast):
    client.force_login(cast.station_a)
    assert client.get("/community/households/").status_code == 403
    assert client.get("/community/care/").status_code == 403
    assert client.get("/community/service-circle/").status_code == 200


def test_anonymous_visitors_reach_only_the_public_pages(client):
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, url


def test_every_endpoint_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/community/households/", "/api/v1/community/households/{id}/visits/",
                 "/api/v1/community/attendance/", "/api/v1/community/volunteers/{id}/hours/",
                 "/api/v1/community/activities/{id}/signups/", "/api/v1/community/care-targets/coverage/",
                 "/api/v1/community/meetings/{id}/actions/", "/api/v1/community/matters/{id}/act/",
                 "/api/v1/community/matters/without-project/", "/api/v1/community/public/matters/",
                 "/api/v1/community/service-circle/sites/coverage/", "/api/v1/community/communities/figures/"):
        assert path in schema, path


def test_the_demo_data_loads_and_a_second_run_changes_nothing(client, cast):
    first = seed(demo=True)
    assert first.created["volunteer teams"] >= 3480 - 20
    second = seed(demo=True)
    assert not second.changed_anything, (second.created, second.updated)
    client.force_login(cast.worker_a)
    page = client.get("/community/")
    assert page.status_code == 200


def test_a_resident_chooses_among_every_community_of_the_district_named_with_its_street(client):
    page = client.get("/community/public/matters/propose/").content.decode()
    select = re.search(r'<select name="community".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)<', select)
    offered = [(value, html.unescape(label)) for value, label in options]
    expected = [(str(c.pk), f"{c.street.name} · {c.name}") for c in Community.objects.select_related("street")]
    assert len(expected) > 500 and offered == expected


def test_pages_speak_chinese_first(client, cast):
    client.force_login(cast.worker_a)
    html = client.get("/community/households/").content.decode()
    assert "九必访户" in html and "个人信息：仅本网格工作人员及其上级可见。" in html
    html = client.get("/community/public/matters/propose/").content.decode()
    assert "我要提实事" in html and "提交" in html
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.cookies["django_language"] = "en"
    assert "Must-visit households" in client.get("/en/community/households/").content.decode()
