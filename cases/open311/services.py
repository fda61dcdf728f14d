"""Open311 clients (API keys) and the mapping between cases and GeoReport v2 service requests."""
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Case, Open311Client
from ..workflow import Status

CLOSED_STATUSES = (Status.CLOSED, Status.EVALUATED, Status.REJECTED)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_client_create(*, name: str) -> tuple[Open311Client, str]:
    """A new client and its key (returned once; only its hash is stored)."""
    name = name.strip()
    if not name:
        raise ValidationError(_("A client name is required."))
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationError(_("A client named “%(name)s” exists already.") % {"name": name})
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(name=name, key_hash=hash_key(key), key_prefix=key[:8])
    return client, key


def open311_client_for_key(key: str) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.filter(key_hash=hash_key(key), active=True).first()


def open311_status(case: Case) -> str:
    return "closed" if case.status in CLOSED_STATUSES else "open"


def status_notes(case: Case) -> str:
    if case.status == Status.REJECTED:
        return f"merged into {case.merged_into.number}" if case.merged_into_id else str(case.get_status_display())
    if case.result and case.status in CLOSED_STATUSES:
        return case.result
    return str(case.get_status_display())
