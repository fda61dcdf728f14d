"""Phone numbers and identity numbers, the one way every app checks, normalises and masks them (core.privacy)."""
import pytest
from django.core.exceptions import ValidationError

from core.privacy import is_phone, masked, normalised_phone, phone_key, validate_phone


@pytest.mark.parametrize(("typed", "written"), [
    ("13801012345", "13801012345"),
    ("138 0101 2345", "13801012345"),
    ("138-0101-2345", "13801012345"),
    ("１３８０１０１２３４５", "13801012345"),  # full-width digits from an input method
    ("+86 138 0101 2345", "13801012345"),
    ("0086 13801012345", "13801012345"),
    ("8613801012345", "13801012345"),
    ("010-62345678", "010-62345678"),
    ("01062345678", "010-62345678"),
    ("(010) 6234 5678", "010-62345678"),
    ("010－62345678", "010-62345678"),  # a full-width dash
    ("+86 10 6234 5678", "010-62345678"),  # the trunk 0 left out, as abroad
    ("62345678", "010-62345678"),  # a Beijing landline without its area code
    ("0311-87654321", "0311-87654321"),
    ("0311 8765432", "0311-8765432"),
    ("022-2345678", "022-2345678"),
    ("400-810-8888", "400-810-8888"),
    ("4008108888", "400-810-8888"),
    ("+44 20 7946 0958", "+442079460958"),
    ("0044 20 7946 0958", "+442079460958"),
])
def test_numbers_people_type_are_accepted_in_one_written_form(typed, written):
    assert is_phone(typed)
    assert normalised_phone(typed) == written


@pytest.mark.parametrize("typed", [
    "12", "110", "12345", "1380101234", "138010123456", "0101234567890", "010-123456", "6234567",
    "12345678",  # 8 digits from 1: neither a Beijing landline nor a mobile
    "abc", "电话", "打我电话", "138010l2345", "+86 12345", "+0123456789", "+1234567890123456",
    "010-62345678-801",  # an extension
    "1391234567890123456789",
])
def test_anything_else_is_refused_with_the_same_message(typed):
    assert not is_phone(typed)
    with pytest.raises(ValidationError) as raised:
        normalised_phone(typed, "contact_phone")
    assert list(raised.value.message_dict) == ["contact_phone"]
    with pytest.raises(ValidationError):
        validate_phone(typed)


def test_an_empty_number_is_for_the_caller_to_require():
    assert normalised_phone("") == normalised_phone("   ") == normalised_phone(None) == ""
    validate_phone("")
    with pytest.raises(ValidationError):
        normalised_phone(" ", required=True)
    with pytest.raises(ValidationError):
        phone_key("", strict=True)


@pytest.mark.parametrize(("typed", "key"), [
    ("138 0101 2345", "13801012345"),
    ("+86 138-0101-2345", "13801012345"),
    ("010-6234 5678", "01062345678"),
    ("62345678", "01062345678"),
    ("400-810-8888", "4008108888"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_the_key_is_the_digits_a_number_is_matched_by(typed, key):
    assert phone_key(typed) == phone_key(normalised_phone(typed)) == phone_key(typed, strict=True) == key


def test_the_key_keeps_what_it_does_not_recognise_plain_unless_strict():
    assert phone_key(" 12（34）5 ") == "12345"
    assert phone_key("") == ""
    with pytest.raises(ValidationError) as raised:
        phone_key("12345", strict=True)
    assert list(raised.value.message_dict) == ["phone"]


@pytest.mark.parametrize(("value", "shown"), [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("010-62345678", "010****5678"),
    ("0311-87654321", "031*****4321"),
    ("11010119900307123X", "110***********123X"),
    ("62345678", "****5678"),  # short: the first digits are hidden too, so that four stay hidden
    ("4008108888", "******8888"),
    ("1234567", "*******"),
    ("123", "***"),
    ("", ""),
])
def test_masking_keeps_enough_to_recognise_a_number_not_to_use_it(value, shown):
    assert masked(value) == shown


def test_masking_hides_at_least_four_characters_and_keeps_the_length():
    for length in range(1, 25):
        shown = masked("9" * length)
        assert len(shown) == length
        assert shown.count("*") >= min(length, 4)
        assert shown.count("*") == length or length >= 8
