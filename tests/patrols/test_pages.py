"""The patrol pages as a grid worker walks them on a phone without scripts (the position typed, as the script
would fill it), in Chinese, with the refusals shown on the page under the kernel's statuses."""
import pytest
from django.urls import reverse

from cases.models import Case
from patrols.models import CheckIn, Patrol
from tests.conftest import GRID_A
from tests.reading import codes_and_english, structure_problems

pytestmark = pytest.mark.django_db
CAST_NAMES = ("worker_a", "community_a", "dispatcher_a", "commander")


def test_a_worker_starts_checks_in_reports_and_ends_a_patrol_on_the_pages(client, cast, plan_a, grid_a, far_away):
    client.force_login(cast.worker_a)
    index = client.get(reverse("patrols:index")).content.decode()
    assert "开始巡查" in index and f'value="{GRID_A}"' in index
    started = client.post(reverse("patrols:start"), {"grid": GRID_A})
    patrol = Patrol.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("patrols:patrol", args=[patrol.pk])

    url = reverse("patrols:check-in", args=[patrol.pk])
    no_position = client.post(url, {"point": plan_a.gate.pk})
    assert no_position.status_code == 400 and "需要位置：请允许手机共享定位。" in no_position.content.decode()
    assert client.post(url, {"point": plan_a.gate.pk, "lat": grid_a.centroid_lat,
                             "lng": grid_a.centroid_lng}).status_code == 302
    drifted = client.post(url, {"point": plan_a.station.pk, "lat": far_away[0], "lng": far_away[1]}, follow=True)
    assert "已记录并标记待核查" in drifted.content.decode()
    assert [c.flagged for c in CheckIn.objects.order_by("at")] == [False, True]

    form = client.get(reverse("cases:new"), {"patrol": patrol.pk}).content.decode()
    assert "返回巡查" in form and f'name="patrol" value="{patrol.pk}"' in form
    filed = client.post(reverse("cases:new"), {
        "category": "E0101", "title": "井盖缺失", "description": "东门路口井盖缺失", "urgency": "normal",
        "lat": grid_a.centroid_lat, "lng": grid_a.centroid_lng, "address": "东门路口", "patrol": patrol.pk})
    case = Case.objects.get()
    assert filed.status_code == 302 and case.patrol == patrol and case.source == "grid_patrol"

    page = client.get(reverse("patrols:patrol", args=[patrol.pk])).content.decode()
    assert case.number in page and "网格外" in page and "上报发现的问题" in page
    assert codes_and_english(page, CAST_NAMES) == [] and structure_problems(page) == []

    assert client.post(reverse("patrols:end", args=[patrol.pk]), {"summary": "正常"}).status_code == 302
    again = client.post(reverse("patrols:end", args=[patrol.pk]), {})
    assert again.status_code == 409
    late = client.post(url, {"lat": grid_a.centroid_lat, "lng": grid_a.centroid_lng})
    assert late.status_code == 409 and CheckIn.objects.count() == 2


def test_someone_elses_patrol_is_not_theirs_to_end(client, cast, plan_a):
    client.force_login(cast.worker_a)
    client.post(reverse("patrols:start"), {"grid": GRID_A})
    patrol = Patrol.objects.get()
    client.force_login(cast.community_a)
    refused = client.post(reverse("patrols:end", args=[patrol.pk]), {})
    assert refused.status_code == 403 and "该环节不由您办理。" in refused.content.decode()
    client.force_login(cast.worker_b)
    assert client.post(reverse("patrols:end", args=[patrol.pk]), {}).status_code == 404
    assert Patrol.objects.get().status == "in_progress"


def test_the_patrol_pages_read_in_chinese(client, cast, plan_a):
    client.force_login(cast.worker_a)
    client.post(reverse("patrols:start"), {"grid": GRID_A})
    patrol = Patrol.objects.get()
    for user in (cast.worker_a, cast.community_a, cast.dispatcher_a, cast.commander):
        client.force_login(user)
        for url in (reverse("patrols:index"), reverse("patrols:patrol", args=[patrol.pk])):
            page = client.get(url).content.decode()
            assert codes_and_english(page, CAST_NAMES) == [], (user, url)
            assert structure_problems(page) == [], (user, url)
