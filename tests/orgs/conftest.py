import zlib

import pytest
from django.utils import timezone

from grids.models import Grid
from orgs.models import SocialOrganisation
from tests.conftest import STREET_A


def make_organisation(name, *, status="active", kind="private_non_enterprise", field="charity", street=STREET_A):
    street_grid = Grid.objects.get(code=street) if street else None
    route = SocialOrganisation.route_for(kind, field)
    return SocialOrganisation.objects.create(
        name=name, kind=kind, field=field, route=route, status=status, street=street_grid,
        area_code=street or "110108", purpose="公益服务", legal_representative="负责人", contact_phone="010-62000000",
        applied_on=timezone.localdate(), decided_on=timezone.localdate(),
        registration_number=f"T{zlib.crc32(name.encode()):012d}" if status != "applied" else "",
    )


@pytest.fixture
def provider(db):
    return make_organisation("阳光社工事务所")
