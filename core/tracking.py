"""The one format of the codes residents keep to follow what they reported (a case, a proposed
practical matter) and to rate it.

Eight characters from a Crockford-style alphabet without look-alikes — no 0/O, no 1/I/L (and no U)
— so a code read aloud, copied from a receipt or typed on a phone cannot be mistaken: 30⁸ ≈ 6.6 × 10¹¹
codes. Stored normalised (upper case, no separator), shown in two groups ("K7QM-3XHD"), looked up
whatever the case, spaces, dashes or full-width characters the person typed.

Codes handed out before this format keep working: ``lookup_values`` also offers the code exactly as
typed, which is how older case codes (16 case-sensitive characters) are stored; older matter codes
(10 hexadecimal characters, upper case) are found by their normal form.

Public lookups share one budget of misses per client (``lookups_exhausted``).
"""
import re
import secrets
import unicodedata

from django.conf import settings
from django_ratelimit.core import is_ratelimited

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
GROUP = 4
# Spaces and every dash a phone keyboard or an input method may produce.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d]+")
_CODE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
LOOKUP_RATE = "20/h"  # misses per client, unless settings.PUBLIC_LOOKUP_RATE says otherwise


def new_code(taken=None) -> str:
    """A random code; with ``taken`` (a code → bool check), one not yet given out. At a million
    codes a fresh one collides once in 650,000 draws: one indexed look-up keeps that from ever
    reaching the unique index as an error."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if taken is None or not taken(code):
            return code


def normalise(typed: str) -> str:
    """``" k7qm-3xhd "`` → ``"K7QM3XHD"`` (full-width letters and digits become ASCII)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed or "")).upper()


def is_code(value: str) -> bool:
    """Whether a stored value is in the current format (older codes are not)."""
    return bool(_CODE.fullmatch(value or ""))


def display(code: str) -> str:
    """``"K7QM3XHD"`` → ``"K7QM-3XHD"``; an older code is shown as it is stored."""
    return f"{code[:GROUP]}-{code[GROUP:]}" if is_code(code) else code


def lookup_values(typed: str) -> list[str]:
    """The stored values a typed code may match: its normal form, and (for older, case-sensitive
    codes) the code as typed. Empty when nothing was typed."""
    values = {normalise(typed), (typed or "").strip()}
    return sorted(value for value in values if value)


def lookups_exhausted(request, *, miss: bool = False) -> bool:
    """Whether this client has used up its misses on public lookups (counting one more when
    ``miss``). Only misses count: a resident who mistypes a few times is not stopped, a script
    guessing codes, case numbers or phone numbers is. Cases and matters share the budget."""
    return is_ratelimited(request, group="public-lookup", key="ip", increment=miss,
                          rate=getattr(settings, "PUBLIC_LOOKUP_RATE", LOOKUP_RATE))
