"""Point → grid: the unit grids tile the district, and bad points get clear answers."""
import random

import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from grids import seed_data
from grids.models import Grid

pytestmark = pytest.mark.django_db
URL = "/api/v1/grids/locate/"


def random_points_in(polygon, count, rng):
    minx, miny, maxx, maxy = polygon.bounds
    points = []
    while len(points) < count:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(point):
            points.append(point)
    return points


def test_random_points_each_land_in_exactly_one_grid(api_as, cast):
    api = api_as(cast.commander)  # 300 calls: more than the anonymous rate allows
    outline = Polygon(seed_data.DISTRICT_OUTLINE)
    units = list(Grid.objects.filter(level=Grid.Level.UNIT).values_list("code", "boundary"))
    tree = shapely.STRtree([shape(boundary) for _code, boundary in units])
    for point in random_points_in(outline, 300, random.Random(20261127)):
        containing = [units[i][0] for i in tree.query(point, predicate="within")]
        assert len(containing) == 1
        response = api.get(URL, {"lat": point.y, "lng": point.x})
        assert response.status_code == 200
        assert response.json()["code"] == containing[0]
        assert response.json()["street"] == containing[0][:9]


def test_the_union_of_unit_grids_is_the_district():
    outline = Polygon(seed_data.DISTRICT_OUTLINE)
    union = shapely.union_all(
        [shape(b) for b in Grid.objects.filter(level=Grid.Level.UNIT).values_list("boundary", flat=True)]
    )
    assert union.symmetric_difference(outline).area < 1e-9
    total = sum(Grid.objects.filter(level=Grid.Level.UNIT).values_list("area_km2", flat=True))
    assert 425 < total < 436  # Haidian is 430.77 km²


def test_a_point_in_a_known_grid_is_found(api):
    grid = Grid.objects.get(code="110108009001001")
    response = api.get(URL, {"lat": grid.centroid_lat, "lng": grid.centroid_lng})
    assert response.json() == {"code": grid.code, "name": grid.name, "street": "110108009"}


@pytest.mark.parametrize("lat,lng", [(39.9087, 116.3975), (31.23, 121.47), (40.5, 116.2), (0, 0)])
def test_points_outside_the_district_get_404_with_a_message(api, lat, lng):
    response = api.get(URL, {"lat": lat, "lng": lng})
    assert response.status_code == 404
    assert "海淀" in response.json()["detail"]


@pytest.mark.parametrize(
    "params,field",
    [({"lat": "abc", "lng": "116.3"}, "lat"), ({"lat": "39.99"}, "lng"), ({"lat": "95", "lng": "116.3"}, "lat"),
     ({"lat": "39.99", "lng": "NaN"}, "lng"), ({"lat": "", "lng": ""}, "lat")],
)
def test_malformed_coordinates_get_400_naming_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_api_clients_choose_their_language(api):
    response = api.get(URL, {"lat": 31.23, "lng": 121.47}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "This location is outside Haidian district."
