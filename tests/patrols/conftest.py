"""A patrol plan for grid A with two points, set by the community, as the cast of tests/conftest.py."""
import io

import pytest
from PIL import Image

from grids.models import Grid
from patrols.services import plan_set, point_add
from tests.conftest import GRID_A, GRID_B


@pytest.fixture
def grid_a(db):
    return Grid.objects.get(code=GRID_A)


@pytest.fixture
def far_away(db):
    """A position in street B, outside grid A."""
    grid = Grid.objects.get(code=GRID_B)
    return grid.centroid_lat, grid.centroid_lng


@pytest.fixture
def plan_a(cast, grid_a):
    """Twice a week in grid A; the east gate at the grid's inner point, the health station beside it."""
    plan = plan_set(user=cast.community_a, grid=grid_a, times=2, every_days=7)
    gate = point_add(user=cast.community_a, grid=grid_a, name="东门", lat=grid_a.centroid_lat,
                     lng=grid_a.centroid_lng)
    station = point_add(user=cast.worker_a, grid=grid_a, name="卫生服务站", kind="key_unit",
                        lat=grid_a.centroid_lat, lng=grid_a.centroid_lng)
    plan.gate, plan.station = gate, station
    return plan


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()
