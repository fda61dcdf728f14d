"""The demo's registers: a modest register in the first grids of each demo street, every identity number well
formed, and a second run changing nothing."""
import pytest

from grids.demo import DEMO_STREETS, XUEYUANLU
from registers.identity import normalised_id_number
from registers.models import House, Place, Resident
from registers.seeding import seed

pytestmark = pytest.mark.django_db


def test_the_demo_register_is_modest_well_formed_and_seeded_once():
    assert not seed(demo=False).changed_anything  # the test district carries no register
    assert seed(demo=True).changed_anything
    grids = set(House.objects.values_list("grid__code", flat=True))
    assert len(grids) == 4 + 2 * (len(DEMO_STREETS) - 1)
    assert sum(code.startswith(XUEYUANLU) for code in grids) == 4
    residents = list(Resident.objects.all())
    assert all(normalised_id_number(r.id_number) == r.id_number for r in residents)
    kinds = {r.kind for r in residents}
    assert kinds == {Resident.Kind.REGISTERED, Resident.Kind.FLOATING}
    assert set(House.objects.values_list("occupancy", flat=True)) == set(House.Occupancy.values)
    assert Place.objects.count() == 3 * len(grids)
    counts = (House.objects.count(), len(residents), Place.objects.count())
    assert not seed(demo=True).changed_anything
    assert (House.objects.count(), Resident.objects.count(), Place.objects.count()) == counts
