"""Who sees residents' identity numbers and phones whole, and the record of each time they did.

The grid's own staff and their direct supervisors — the keepers of the registers (``roles.KEEPERS``) whose scope
holds the row's grid from street level down — see them whole; anyone else who may read the row at all (the
district command centre, an administrator) sees them masked. Every whole view, on a page, through the API or in
an edit form, writes one ``PersonalDataView`` row per record (who, when, which record, which fields).
"""
from core.privacy import masked
from core.roles import role_of
from core.scoping import scope_of

from .models import PersonalDataView, Place, Resident
from .roles import KEEPERS

STREET_CODE_LENGTH = 9
RECORDS = {Resident: PersonalDataView.Record.RESIDENT, Place: PersonalDataView.Record.PLACE}


def sees_whole(user, grid_code: str) -> bool:
    """Does ``user`` keep this grid's registers (the grid's staff, its community's, its street's)?"""
    if role_of(user) not in KEEPERS:
        return False
    return any(len(root) >= STREET_CODE_LENGTH and grid_code.startswith(root) for root in scope_of(user).grid_codes)


def disclose(user, records, *, via: str) -> list:
    """Put on each record (residents or places) ``shown``: its personal fields as ``user`` may see them, and log
    the records shown whole. Returns the records."""
    log = []
    for record in records:
        whole = sees_whole(user, record.grid_code)
        values = {name: getattr(record, name) for name in record.PERSONAL_FIELDS}
        record.shown = values if whole else {name: masked(value) for name, value in values.items()}
        given = [name for name, value in values.items() if value]
        if whole and given:
            log.append(PersonalDataView(viewer=user, record=RECORDS[type(record)], record_id=record.pk,
                                        grid_code=record.grid_code, fields=",".join(given), via=via))
    PersonalDataView.objects.bulk_create(log)
    return records


def shown(record, name: str) -> str:
    """A personal field as disclosed; masked when the record was never disclosed (the safe default)."""
    disclosed = getattr(record, "shown", None)
    return disclosed[name] if disclosed is not None else masked(getattr(record, name))
