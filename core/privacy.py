"""Personal data every app keeps: phone numbers checked and normalised on the way in, phone and identity numbers
masked on the way out. The one place for them: an app that needs another format changes this module.

Phone numbers accepted (typed with spaces, dashes of any kind, dots or parentheses, in full-width characters or
not; a leading +86, 0086 or a bare 86 before a mobile is dropped):

- a mobile: 11 digits from 1 (``13801012345``);
- a landline with its area code: 0, then a 2-digit (010, 02x) or 3-digit area code, then 7 or 8 digits
  (``010-62345678``, ``(0311) 8765 4321``); a bare 8-digit number is a Beijing landline and is given 010
  (``62345678`` → ``010-62345678``), so a caller is one caller with or without the area code;
- a 400/800 service line (``400-810-8888``);
- a number abroad in international form: + and 7 to 15 digits (``+44 20 7946 0958``), as visitors and students
  from abroad give theirs.

Anything else (short numbers like 110 or 12345, extensions, words) is refused.

A number has two forms: ``normalised_phone`` gives the written form shown to people and kept by the registers
(``010-62345678``); ``phone_key`` gives the digits a number is matched by (``01062345678``), which cases keep so
that the hotline desk finds a caller's earlier cases with one indexed look-up. Identity-number checks (the
GB 11643 check digit, the birth date) belong to the registers; only their masking lives here.
"""
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Spaces, dots, parentheses and every dash a phone keyboard or an input method may produce.
PHONE_SEPARATORS = re.compile(r"[\s.()\-\u2010-\u2015\u2212\u30fc\uff0d]+")
MOBILE = re.compile(r"1\d{10}")
LANDLINE = re.compile(r"0(?:[12]\d|[3-9]\d{2})\d{7,8}")  # the area code, then the subscriber's 7 or 8 digits
BEIJING_LOCAL = re.compile(r"[2-9]\d{7}")  # a Beijing landline given without its area code
BEIJING = "010"
SERVICE = re.compile(r"[48]00\d{7}")
INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")  # E.164
CHINA = "+86"
MASK = "*"


def _phone_help() -> str:
    return _("Give an 11-digit mobile number or a landline with its area code.")


def _stripped(text) -> str:
    """Full-width characters made ASCII, separators dropped."""
    return PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or "")))


def _plain(text) -> str:
    """Stripped, and an international 00 written as +."""
    plain = _stripped(text)
    return "+" + plain[2:] if plain.startswith("00") else plain


def _domestic(plain: str) -> str:
    """A number given with China's country code, in the form dialled at home: +86 10 6234 5678 → 01062345678."""
    if plain.startswith(CHINA):
        national = plain[len(CHINA):]
        return national if MOBILE.fullmatch(national) or national.startswith("0") else "0" + national
    if len(plain) == 13 and plain.startswith("861"):  # 8613801012345: a mobile with its country code, no +
        return plain[2:]
    return plain


def _key(text) -> str | None:
    """The digits the number is matched by, or None when it is no number this module accepts."""
    plain = _domestic(_plain(text))
    if BEIJING_LOCAL.fullmatch(plain):
        return BEIJING + plain
    if any(pattern.fullmatch(plain) for pattern in (MOBILE, LANDLINE, SERVICE, INTERNATIONAL)):
        return plain
    return None


def _area_code_length(key: str) -> int:
    return 3 if key[1] in "12" else 4


def _written(key: str) -> str:
    if key.startswith("0"):
        split = _area_code_length(key)
        return f"{key[:split]}-{key[split:]}"
    if SERVICE.fullmatch(key):
        return f"{key[:3]}-{key[3:6]}-{key[6:]}"
    return key


def is_phone(text) -> bool:
    """Whether ``text`` is a phone number this module accepts (see the module's docstring)."""
    return _key(text) is not None


def validate_phone(value) -> None:
    """A Django validator (forms, serializers, model fields): a ValidationError unless ``value`` is a phone
    number this module accepts. An empty value is for ``required`` / ``blank`` to judge."""
    if value and not is_phone(value):
        raise ValidationError(_phone_help(), code="invalid_phone")


def normalised_phone(text, field: str = "phone", *, required: bool = False) -> str:
    """The number in its written form (``" 010 6234 5678"`` → ``"010-62345678"``, ``"+86 138 0101 2345"`` →
    ``"13801012345"``), or a ValidationError on ``field``. Empty stays empty unless ``required``."""
    if not str(text or "").strip() and not required:
        return ""
    key = _key(text)
    if key is None:
        raise ValidationError({field: _phone_help()}, code="invalid_phone")
    return _written(key)


def phone_key(text, *, strict: bool = False, field: str = "phone") -> str:
    """The digits a number is matched and kept by (``"010-6234 5678"`` → ``"01062345678"``, ``"+86 138 0101 2345"``
    → ``"13801012345"``). With ``strict`` (the hotline desk's caller), text that is no number this module accepts,
    empty included, is a ValidationError on ``field``; without it, it comes back plain (full-width made ASCII,
    separators dropped), as intake that does not check numbers (Open311) keeps it."""
    key = _key(text)
    if key is None and strict:
        raise ValidationError({field: _phone_help()}, code="invalid_phone")
    return key or _stripped(text)


def masked(value) -> str:
    """A phone or identity number with most of it starred, enough to recognise it, not to use it. Separators are
    dropped first; the length shows, and never fewer than four characters stay hidden:

    - 11 characters or more: the first 3 and the last 4 kept (``138****5678``, ``010****5678``,
      ``110***********1234`` for an identity number);
    - 8 to 10: the last 4 kept (``****5678``);
    - shorter: all starred. Empty stays empty.
    """
    plain = _stripped(value)
    if len(plain) >= 11:
        return plain[:3] + MASK * (len(plain) - 7) + plain[-4:]
    if len(plain) >= 8:
        return MASK * (len(plain) - 4) + plain[-4:]
    return MASK * len(plain)
