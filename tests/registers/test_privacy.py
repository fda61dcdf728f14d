"""Identity numbers and phones on the register: whole for the grid's own staff and their supervisors (the
community and the street above), masked for the district command centre, out of sight for another grid's worker
and for roles that never read the registers; every whole view logged, and the log never changes."""
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from core.privacy import masked
from registers.models import PersonalDataView

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def _resident(api_as, user, resident):
    return api_as(user).get(reverse("registers-api:resident-detail", args=[resident.pk]))


@pytest.mark.parametrize("keeper", ["worker_a", "community_a", "dispatcher_a"])
def test_it_shows_the_grids_own_staff_and_their_street_the_numbers_whole_and_logs_it(api_as, cast, registers,
                                                                                     keeper):
    user = getattr(cast, keeper)
    resident = registers.resident_a
    response = _resident(api_as, user, resident)
    assert response.status_code == 200
    assert response.json()["id_number"] == resident.id_number
    assert response.json()["phone"] == PHONE
    entry = PersonalDataView.objects.get(viewer=user)
    assert (entry.record, entry.record_id, entry.fields, entry.via) == ("resident", resident.pk, "id_number,phone",
                                                                        "api")
    assert entry.grid_code == resident.house.grid.code


def test_it_masks_them_for_the_district_commander_and_logs_nothing(api_as, cast, registers):
    response = _resident(api_as, cast.commander, registers.resident_a)
    assert response.status_code == 200
    assert response.json()["id_number"] == f"110{'*' * 11}{registers.resident_a.id_number[-4:]}"
    assert response.json()["phone"] == "138****5678"
    place = api_as(cast.commander).get(reverse("registers-api:place-detail", args=[registers.place_a.pk])).json()
    assert place["contact_phone"] == "139****1111"
    assert not PersonalDataView.objects.exists()


def test_another_grids_worker_does_not_see_the_resident_at_all(api_as, cast, registers):
    assert _resident(api_as, cast.worker_b, registers.resident_a).status_code == 404
    listed = api_as(cast.worker_b).get(reverse("registers-api:resident-list")).json()["results"]
    assert [row["id"] for row in listed] == [registers.resident_b.pk]
    assert not PersonalDataView.objects.filter(record_id=registers.resident_a.pk).exists()


@pytest.mark.parametrize("outsider", ["evaluator", "auditor", "station_a", "call_taker"])
def test_roles_that_keep_no_register_are_refused(api_as, cast, registers, outsider):
    response = api_as(getattr(cast, outsider)).get(reverse("registers-api:resident-list"))
    assert response.status_code == 403


def test_a_list_logs_one_row_per_resident_shown_whole(api_as, cast, registers):
    response = api_as(cast.dispatcher_a).get(reverse("registers-api:resident-list"))
    assert [row["id_number"] for row in response.json()["results"]] == [registers.resident_a.id_number]
    assert list(PersonalDataView.objects.values_list("record_id", flat=True)) == [registers.resident_a.pk]


def test_the_house_page_shows_the_grid_worker_the_numbers_and_the_commander_masks(client, cast, registers):
    resident = registers.resident_a
    url = reverse("registers:house", args=[registers.house_a.pk])
    client.force_login(cast.worker_a)
    page = client.get(url).content.decode()
    assert resident.id_number in page and PHONE in page
    assert PersonalDataView.objects.filter(viewer=cast.worker_a, via="page", record_id=resident.pk).exists()
    client.force_login(cast.commander)
    page = client.get(url).content.decode()
    assert resident.id_number not in page and PHONE not in page
    assert masked(resident.id_number) in page
    client.force_login(cast.worker_b)
    assert client.get(url).status_code == 404


def test_the_edit_form_counts_as_a_whole_view(client, cast, registers):
    client.force_login(cast.worker_a)
    response = client.get(reverse("registers:resident-edit", args=[registers.resident_a.pk]))
    assert response.status_code == 200
    assert registers.resident_a.id_number in response.content.decode()
    assert PersonalDataView.objects.filter(via="form", viewer=cast.worker_a).count() == 1


def test_the_log_is_written_once(api_as, cast, registers):
    _resident(api_as, cast.worker_a, registers.resident_a)
    entry = PersonalDataView.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        PersonalDataView.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE registers_personaldataview SET fields = 'phone'")
