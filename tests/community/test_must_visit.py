"""Must-visit households (九必访): register, visit plan, visit log, overdue sweep, and a register
that never leaks outside the grid's own staff and their supervisors."""
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from community.models import Household, VisitCategory
from community.seeding import seed
from community.services import household_register, households_flag_overdue, visit_record
from community.tasks import OVERDUE_VISITS_TASK, flag_overdue_visits
from core.calendar import next_workday
from tests.conftest import GRID_A, GRID_A2, GRID_B

pytestmark = pytest.mark.django_db

URL = "/api/v1/community/households/"


def _household(user, grid_code=GRID_A, days_ago=0, categories=("empty_nest",)):
    from grids.models import Grid

    return household_register(
        user=user, grid=Grid.objects.get(code=grid_code), head_name="王秀英", address="学院路1号楼3单元502",
        phone="13900000001", categories=VisitCategory.objects.filter(code__in=categories),
        registered_on=timezone.localdate() - timedelta(days=days_ago),
    )


def test_it_registers_a_household_and_plans_its_next_visit(api_as, cast):
    client = api_as(cast.worker_a)
    response = client.post(URL, {"grid": GRID_A, "head_name": "李桂兰", "address": "1号楼2单元301",
                                 "categories": ["empty_nest", "disabled"], "members": 2})
    assert response.status_code == 201, response.content
    body = response.json()
    interval = min(VisitCategory.objects.get(code=c).interval_days for c in ("empty_nest", "disabled"))
    assert body["next_visit_due"] == str(next_workday(timezone.localdate() + timedelta(days=interval)))
    assert body["is_overdue"] is False and sorted(body["categories"]) == ["disabled", "empty_nest"]


def test_it_records_visits_and_moves_the_due_date(api_as, cast):
    household = _household(cast.worker_a, days_ago=40)
    client = api_as(cast.worker_a)
    visited = timezone.localdate() - timedelta(days=2)
    response = client.post(f"{URL}{household.pk}/visits/", {"visited_on": str(visited), "summary": "身体尚好",
                                                            "mode": "home"})
    assert response.status_code == 201, response.content
    household.refresh_from_db()
    assert household.last_visited_on == visited
    assert household.next_visit_due == next_workday(visited + timedelta(days=30))
    log = client.get(f"{URL}{household.pk}/visits/").json()
    assert [row["summary"] for row in log] == ["身体尚好"] and log[0]["visitor"] == "worker_a"


@pytest.mark.parametrize(("registered_on", "due"), [
    (date(2026, 10, 29), date(2026, 11, 30)),  # 30 days later is Saturday 28 November: due the Monday
    (date(2026, 9, 3), date(2026, 10, 8)),  # 3 October, in the National Day holiday: due the 8th
    (date(2026, 9, 10), date(2026, 10, 10)),  # the make-up Saturday after National Day is worked
])
def test_a_visit_falling_due_on_a_day_off_is_due_the_next_working_day(cast, registered_on, due):
    household = _household(cast.worker_a, days_ago=(timezone.localdate() - registered_on).days)
    assert household.registered_on == registered_on and household.next_visit_due == due
    assert households_flag_overdue(today=due) == 0  # not late on the day it is due
    assert households_flag_overdue(today=due + timedelta(days=1)) == 1


def test_the_sweep_flags_overdue_households_once_and_a_visit_clears_the_flag(cast):
    late = _household(cast.worker_a, days_ago=45)
    fresh = _household(cast.worker_a, days_ago=3)
    assert flag_overdue_visits() == 1  # the Celery task is a thin wrapper over the service
    assert households_flag_overdue() == 0  # running twice flags nothing new
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.is_overdue and late.overdue_flagged_at and not fresh.is_overdue
    visit_record(user=cast.worker_a, household=late, visited_on=timezone.localdate(), summary="已走访")
    late.refresh_from_db()
    assert not late.is_overdue and late.overdue_flagged_at is None


def test_overdue_visits_show_on_the_grid_workers_page(client, cast):
    late = _household(cast.worker_a, days_ago=45)
    households_flag_overdue()
    client.force_login(cast.worker_a)
    page = client.get("/community/")
    assert page.status_code == 200
    assert late.head_name in page.content.decode() and f"/community/households/{late.pk}/" in page.content.decode()
    client.force_login(cast.worker_b)
    assert late.head_name not in client.get("/community/").content.decode()


def test_the_daily_sweep_is_scheduled_in_celery_beat():
    seed(demo=False)
    task = PeriodicTask.objects.get(task=OVERDUE_VISITS_TASK)
    assert task.enabled and task.crontab is not None


def test_changing_a_categorys_frequency_replans_its_households(api_as, cast):
    household = _household(cast.worker_a, days_ago=10)
    response = api_as(cast.commander).patch("/api/v1/community/visit-categories/empty_nest/", {"interval_days": 7})
    assert response.status_code == 200, response.content
    household.refresh_from_db()
    assert household.next_visit_due == next_workday(household.registered_on + timedelta(days=7))
    assert api_as(cast.worker_a).patch("/api/v1/community/visit-categories/empty_nest/",
                                       {"interval_days": 60}).status_code == 403


@pytest.mark.parametrize("name", ["worker_b", "dispatcher_b", "station_a", "bureau"])
def test_it_never_shows_a_household_outside_the_users_grids(api_as, client, cast, name):
    household = _household(cast.worker_a)
    user = getattr(cast, name)
    api = api_as(user)
    listed = api.get(URL)
    assert listed.status_code in (200, 403)
    if listed.status_code == 200:
        assert listed.json()["count"] == 0
    assert api.get(f"{URL}{household.pk}/").status_code in (403, 404)
    assert api.get(f"{URL}{household.pk}/visits/").status_code in (403, 404)
    assert api.post(f"{URL}{household.pk}/visits/", {"summary": "x"}).status_code in (403, 404)
    client.force_login(user)
    assert client.get(f"/community/households/{household.pk}/").status_code in (403, 404)
    assert household.head_name not in client.get("/community/households/").content.decode()


def test_a_worker_of_another_grid_gets_404_not_403(api_as, client, cast):
    household = _household(cast.worker_a)
    assert api_as(cast.worker_b).get(f"{URL}{household.pk}/").status_code == 404
    assert api_as(cast.dispatcher_b).get(f"{URL}{household.pk}/").status_code == 404
    client.force_login(cast.dispatcher_b)
    assert client.get(f"/community/households/{household.pk}/").status_code == 404


def test_the_grids_supervisors_see_it(api_as, cast):
    household = _household(cast.worker_a)
    for user in (cast.worker_a, cast.community_a, cast.dispatcher_a, cast.commander):
        assert api_as(user).get(f"{URL}{household.pk}/").status_code == 200, user
    other_grid = _household(cast.dispatcher_a, grid_code=GRID_A2)
    assert api_as(cast.worker_a).get(f"{URL}{other_grid.pk}/").status_code == 404


def test_anonymous_callers_are_refused(api, client, cast):
    household = _household(cast.worker_a)
    assert api.get(URL).status_code in (401, 403)
    assert api.get(f"{URL}{household.pk}/").status_code in (401, 403)
    page = client.get(f"/community/households/{household.pk}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get("/community/").status_code == 302


def test_it_refuses_to_register_into_a_grid_the_user_does_not_serve(api_as, cast):
    response = api_as(cast.worker_a).post(URL, {"grid": GRID_B, "head_name": "张三", "address": "x",
                                                "categories": ["hardship"]})
    assert response.status_code == 400 and "grid" in response.json()
    assert not Household.objects.filter(head_name="张三").exists()


@pytest.mark.parametrize("payload, field", [
    ({"grid": GRID_A, "head_name": "", "address": "x", "categories": ["hardship"]}, "head_name"),
    ({"grid": GRID_A, "head_name": "张三", "address": "x", "categories": []}, "categories"),
    ({"grid": GRID_A, "head_name": "张三", "address": "x", "categories": ["nope"]}, "categories"),
    ({"grid": "123", "head_name": "张三", "address": "x", "categories": ["hardship"]}, "grid"),
    ({"grid": GRID_A, "head_name": "张三", "address": "x", "categories": ["hardship"], "members": 0}, "members"),
    ({"grid": GRID_A, "head_name": "张三", "address": "x", "categories": ["hardship"],
      "registered_on": "2999-01-01"}, "registered_on"),
])
def test_bad_registrations_get_400_with_field_messages(api_as, cast, payload, field):
    before = Household.objects.count()
    response = api_as(cast.worker_a).post(URL, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Household.objects.count() == before


def test_bad_visits_get_400_and_change_nothing(api_as, cast):
    household = _household(cast.worker_a, days_ago=5)
    client = api_as(cast.worker_a)
    future = str(timezone.localdate() + timedelta(days=1))
    before_registration = str(timezone.localdate() - timedelta(days=30))
    for payload, field in (({"visited_on": future, "summary": "x"}, "visited_on"),
                           ({"visited_on": before_registration, "summary": "x"}, "visited_on"),
                           ({"summary": ""}, "summary"), ({"visited_on": "yesterday", "summary": "x"}, "visited_on"),
                           ({"summary": "x", "mode": "telepathy"}, "mode")):
        response = client.post(f"{URL}{household.pk}/visits/", payload)
        assert response.status_code == 400 and field in response.json(), (payload, response.content)
    household.refresh_from_db()
    assert household.last_visited_on is None and household.visits.count() == 0


def test_the_register_page_form_keeps_input_and_shows_errors(client, cast):
    client.force_login(cast.worker_a)
    page = client.get("/community/households/new/")
    assert page.status_code == 200
    response = client.post("/community/households/new/", {"grid": GRID_A, "head_name": "赵六", "address": "",
                                                           "categories": ["hardship"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html and 'value="赵六"' in html
    assert not Household.objects.filter(head_name="赵六").exists()
    ok = client.post("/community/households/new/", {"grid": GRID_A, "head_name": "赵六", "address": "3号楼",
                                                     "members": 1, "categories": ["hardship"],
                                                     "registered_on": str(timezone.localdate())})
    assert ok.status_code == 302
    household = Household.objects.get(head_name="赵六")
    visit = client.post(f"/community/households/{household.pk}/", {
        "form": "visit", "visit-visited_on": str(timezone.localdate() + timedelta(days=3)), "visit-mode": "home",
        "visit-summary": "未来"})
    assert visit.status_code == 400 and "errorlist" in visit.content.decode()
    visit = client.post(f"/community/households/{household.pk}/", {
        "form": "visit", "visit-visited_on": str(timezone.localdate()), "visit-mode": "home", "visit-summary": "正常"})
    assert visit.status_code == 302 and household.visits.count() == 1


def test_a_household_leaves_the_register(api_as, cast):
    household = _household(cast.worker_a, days_ago=60)
    households_flag_overdue()
    client = api_as(cast.community_a)
    assert client.post(f"{URL}{household.pk}/remove/", {"reason": ""}).status_code == 400
    response = client.post(f"{URL}{household.pk}/remove/", {"reason": "搬离本社区"})
    assert response.status_code == 200 and response.json()["active"] is False
    assert response.json()["is_overdue"] is False
    assert client.post(f"{URL}{household.pk}/visits/", {"summary": "x"}).status_code == 409  # no longer on it
    assert client.post(f"{URL}{household.pk}/remove/", {"reason": "再次"}).status_code == 409


def test_a_household_is_updated_and_replanned(api_as, cast):
    household = _household(cast.worker_a, days_ago=10)
    client = api_as(cast.worker_a)
    response = client.patch(f"{URL}{household.pk}/", {"phone": "13900000002", "categories": ["key_assistance"]})
    assert response.status_code == 200, response.content
    household.refresh_from_db()
    assert household.phone == "13900000002"
    assert household.next_visit_due == next_workday(household.registered_on + timedelta(days=15))
    assert client.patch(f"{URL}{household.pk}/", {"categories": []}).status_code == 400
    assert client.patch(f"{URL}{household.pk}/", {"members": -1}).status_code == 400
    household.refresh_from_db()
    assert list(household.categories.values_list("code", flat=True)) == ["key_assistance"]


def test_the_overdue_task_is_known_to_the_celery_app():
    from haidian.celery import app

    app.loader.import_default_modules()
    assert OVERDUE_VISITS_TASK in app.tasks


def test_the_register_lists_in_a_constant_number_of_queries(api_as, client, cast, django_assert_max_num_queries):
    for _ in range(12):
        _household(cast.worker_a, days_ago=40)
    households_flag_overdue()
    api = api_as(cast.worker_a)
    with django_assert_max_num_queries(12):
        assert api.get(URL).json()["count"] == 12
    client.force_login(cast.worker_a)
    with django_assert_max_num_queries(20):
        assert client.get("/community/households/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/community/").status_code == 200


def test_the_register_page_shows_the_part_and_the_category_asked_for(client, cast):
    on_register, overdue, left = (_household(cast.worker_a) for _ in range(3))
    disabled = _household(cast.worker_a, categories=("disabled",))
    Household.objects.filter(pk=overdue.pk).update(is_overdue=True)
    Household.objects.filter(pk=left.pk).update(active=False)
    client.force_login(cast.worker_a)

    def listed(**params):
        page = client.get("/community/households/", params)
        assert page.status_code == 200
        return {household.pk for household in page.context["page"]}

    assert listed() == listed(status="gone", overdue="often") == {on_register.pk, overdue.pk, disabled.pk}
    assert listed(status="overdue") == listed(overdue="true") == {overdue.pk}
    assert listed(status="left") == {left.pk}
    assert listed(category="disabled") == {disabled.pk}
    assert listed(category="no_such_category") == set()
    page = client.get("/community/households/", {"status": "gone", "category": "disabled"})
    assert (page.context["status"], page.context["category"]) == ("active", "disabled")
