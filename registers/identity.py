"""Identity numbers: checking them on the way in (phones and masking are ``core.privacy``'s).

A resident identity number (GB 11643-1999) has 18 characters: a 6-digit area code, the birth date (YYYYMMDD), a
3-digit sequence whose last digit is odd for men and even for women, and a check character (ISO 7064 MOD 11-2,
"X" standing for 10).
"""
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]


def normalised_id_number(value: str, field: str = "id_number") -> str:
    """The identity number in its stored form (upper-case X), or a ValidationError on ``field``."""
    number = (value or "").strip().upper()
    if not ID_PATTERN.match(number):
        raise ValidationError({field: _("An identity number has 17 digits and a final digit or X.")})
    if check_character(number[:17]) != number[17]:
        raise ValidationError({field: _("The identity number's check digit is wrong: please check the number.")})
    try:
        birth_date_of(number)
    except ValueError as error:
        raise ValidationError({field: _("The identity number holds no valid birth date.")}) from error
    return number


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def is_male(number: str) -> bool:
    return int(number[16]) % 2 == 1
