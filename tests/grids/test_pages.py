"""Grid pages and the account pages around them."""
import pytest
from django.urls import reverse

from tests.conftest import GRID_A, PASSWORD, STREET_A

pytestmark = pytest.mark.django_db


def test_public_grid_index_lists_a_streets_grids(client):
    page = client.get(reverse("public-grids:index"), {"street": STREET_A}).content.decode()
    assert "学院路街道" in page and reverse("public-grids:staff", args=[GRID_A]) in page


def test_street_outlines_are_public_geojson(client):
    data = client.get(reverse("public-grids:streets")).json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 29


def test_grid_outlines_are_scoped(client, cast):
    client.force_login(cast.dispatcher_a)
    codes = {f["properties"]["code"] for f in client.get(reverse("grids:geojson")).json()["features"]}
    assert codes and all(code.startswith(STREET_A) for code in codes)
    client.force_login(cast.commander)
    assert len(client.get(reverse("grids:geojson")).json()["features"]) == 643


def test_password_change_checks_the_old_password(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "Grid-New-2026!", "new_password2": "Grid-New-2026!"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Grid-New-2026!", "new_password2": "Grid-New-2026!"})
    assert response.status_code == 302
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.check_password("Grid-New-2026!")


def test_public_grid_index_says_what_to_do_first_and_names_the_street(client):
    # Unprefixed paths are the zh-hans pages (``reverse`` would follow whatever language a test left active).
    first = client.get("/public/grids/").content.decode()
    assert "请选择街镇" in first and "先选择您所在的街镇" in first
    page = client.get("/public/grids/", {"street": STREET_A}).content.decode()
    assert "学院路街道的网格" in page and f'<option value="{STREET_A}" selected>' in page
    unknown = client.get("/public/grids/", {"street": "999"}).content.decode()
    assert "没有这个代码的街镇" in unknown
