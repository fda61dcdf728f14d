"""Open311 clients (API keys) and the mapping between cases and GeoReport v2 service requests.

What anyone may read is decided here, and only here (``public_cases``, ``status_notes``): the cases residents
could have reported themselves (a category open to residents, received from the web, Open311 or the hotline),
never grid patrols or must-report rounds; of each, what the specification names, with the status in words
instead of the handler's result (written for staff), and no photo (the storage is staff-only)."""
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Case, Open311Client
from ..workflow import Source, Status

CLOSED_STATUSES = (Status.CLOSED, Status.EVALUATED, Status.REJECTED)
PUBLIC_SOURCES = (Source.WEB, Source.HOTLINE)


def public_cases():
    return Case.objects.filter(category__open_to_residents=True, source__in=PUBLIC_SOURCES)


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
    """The status in words; a merged request names the request it joined when that one is public too."""
    if case.merged_into_id and public_cases().filter(pk=case.merged_into_id).exists():
        return f"merged into {case.merged_into.number}"
    return str(case.get_status_display())
