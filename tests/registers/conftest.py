"""Register rows of the cast's grids (A: 学院路, B: 青龙桥), made through the services."""
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from grids.models import Grid
from registers import services
from registers.models import Place, Resident
from registers.seeding import identity_number
from tests.conftest import GRID_A, GRID_B

BORN = dt.date(1985, 6, 15)
PHONE = "13812345678"


def valid_id(sequence: int = 123, area: str = "110108") -> str:
    return identity_number(area, BORN, sequence)


def house_in(user, code: str, room: str = "101", **fields):
    return services.house_create(user=user, grid=Grid.objects.get(code=code), building="1号楼", entrance="1单元",
                                 room=room, **fields)


def resident_in(user, house, sequence: int = 123, **fields):
    fields = {"kind": Resident.Kind.REGISTERED, "name": "王建华", "phone": PHONE, **fields}
    return services.resident_create(user=user, house=house, id_number=valid_id(sequence), **fields)


@pytest.fixture
def registers(cast):
    """A house with a resident, and a place, in grid A and in grid B."""

    class Registers:
        house_a = house_in(cast.worker_a, GRID_A)
        resident_a = resident_in(cast.worker_a, house_a)
        place_a = services.place_create(user=cast.worker_a, grid=Grid.objects.get(code=GRID_A), name="便民超市",
                                        kind=Place.Kind.SHOP, address="1号楼底商", contact_name="李经理",
                                        contact_phone="13900001111")
        house_b = house_in(cast.worker_b, GRID_B)
        resident_b = resident_in(cast.worker_b, house_b, sequence=456)

    return Registers


def workbook(**sheets) -> bytes:
    """An XLSX file with one sheet per keyword: ``房屋=[header, row, …]``."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
