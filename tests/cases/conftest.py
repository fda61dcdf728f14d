"""Helpers to report cases and walk them, as the cast of tests/conftest.py."""
import os

import pytest

from cases.models import Case
from cases.services import NewCase, case_act, case_create
from core.models import Notification
from grids.models import Grid
from tests.conftest import GRID_A

SMALL_CATEGORY = "E0101"  # 私搭乱建: small tier, urban enforcement
MICRO_CATEGORY = "E0102"  # 暴露垃圾: micro tier, 4 working hours to handle
LARGE_CATEGORY = "E0401"  # 路面塌陷: large tier, urban command centre
STATION_A = "urban_enforcement-110108009"

requires_postgres = pytest.mark.postgres  # skipped elsewhere (tests/conftest.py); CI runs these behind PgBouncer too


def new_case(actor, category=SMALL_CATEGORY, grid_code=GRID_A, now=None, urgency="normal", key=None,
             source="grid_patrol", **extra):
    grid = Grid.objects.get(code=grid_code)
    data = NewCase(title=extra.pop("title", "测试问题"), description="描述", category=category, lat=grid.centroid_lat,
                   lng=grid.centroid_lng, address=extra.pop("address", "测试地址"), source=source, urgency=urgency,
                   **extra)
    case, _ = case_create(actor=actor, data=data, now=now, creation_key=key)
    return case


def act(actor, case, action, now=None, **data):
    return case_act(actor=actor, number=case.number, action=action, data=data, now=now)


def trail(case):
    return [(e.action, e.from_status, e.to_status, e.to_tier)
            for e in Case.objects.get(pk=case.pk).events.order_by("seq")]


def notified(user, case, kind=None):
    rows = Notification.objects.filter(user=user, subject=case.number)
    return rows.filter(kind=kind).exists() if kind else rows.exists()


@pytest.fixture
def as_user(client):
    """The test client, logged in as the user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def small_case(cast):
    """A small-cycle case reported by worker_a in street A, not yet filed."""
    return new_case(cast.worker_a)


@pytest.fixture
def object_storage(settings):
    """The default storage switched to the S3 bucket the environment names (``.ci/run`` starts a local S3-compatible
    server and names one); the bucket is made if missing. Without an S3 endpoint configured the test is skipped."""
    if settings.S3_STORAGE is None:
        unconfigured = "no S3 endpoint configured (S3_BUCKET, S3_ENDPOINT_URL): .ci/run starts one"
        if os.environ.get("S3_TESTS_REQUIRED"):
            pytest.fail(unconfigured)
        pytest.skip(unconfigured)
    from botocore.exceptions import ClientError
    from django.core.files.storage import storages

    settings.STORAGES = {**settings.STORAGES, "default": settings.S3_STORAGE}
    storage = storages["default"]
    client = storage.connection.meta.client
    try:
        client.head_bucket(Bucket=storage.bucket_name)
    except ClientError:
        client.create_bucket(Bucket=storage.bucket_name)
    return storage


def fetch(url: str) -> bytes:
    """What a browser gets from a presigned URL: the object's bytes, with no cookie or session of ours."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test's own storage endpoint
        return response.read()
