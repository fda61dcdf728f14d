"""Two-step sign-in (django-otp), for pages and the API alike: who must use it, and the checks of a code.

A user's second factor is an authenticator app (a TOTPDevice) and a sheet of recovery codes (a StaticDevice whose
tokens are used up one by one). Whether a session has still to show one is decided when it signs in (the
``user_logged_in`` receiver below) and kept in the session, so a page costs no query for it; whether the user's
role requires one is read afresh on every request, so switching ``OTP_REQUIRED`` on reaches sessions already open.
"""
import base64
import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role, role_of

DISTRICT_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.EVALUATOR, Role.AUDITOR})
RECOVERY_CODES = 10
TOTP_DIGITS = 6  # the default of TOTPDevice, which enrolment keeps; recovery codes are 8 characters
HAS_DEVICE = "two_factor_has_device"  # session: the user had a confirmed device when this session signed in


class Throttled(Exception):
    """Too many wrong codes in a row: django-otp refuses the device until ``until`` (the wait doubles each time)."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


def second_factor_required(user) -> bool:
    """Must this user sign in with a second factor? The district-wide roles and admin, when ``OTP_REQUIRED``."""
    if not (settings.OTP_REQUIRED and getattr(user, "is_authenticated", False)):
        return False
    return user.is_staff or user.is_superuser or role_of(user) in DISTRICT_ROLES


def has_second_factor(user) -> bool:
    """Has the user a confirmed device (then they must pass it at sign-in, required or not)?"""
    return getattr(user, "is_authenticated", False) and user_has_device(user, confirmed=True)


def verified_device(user, code: str):
    """The user's device that accepts ``code`` (six digits: the authenticator; else a recovery code, used up), or
    None. Raises Throttled while the device is resting after wrong codes."""
    code = "".join(code.split()).replace("-", "").lower()
    model = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    with transaction.atomic():
        # Locked, so two requests cannot both spend one recovery code or one authenticator step.
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        return device and _checked(device, code)


def verify_token(user, code: str) -> bool:
    """Does ``code`` pass the user's second factor (a recovery code is used up)? A resting device says no."""
    try:
        return verified_device(user, code) is not None
    except Throttled:
        return False


def _checked(device, code: str):
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise Throttled((why or {}).get("locked_until") or timezone.now())
    return device if device.verify_token(code) else None


# --- enrolment and recovery codes ------------------------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until a code from it is shown, and kept so a reload shows the
    same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def enrolment_confirm(user, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the authenticator with a code from it; returns it and a fresh sheet of recovery codes (None: the
    code is wrong). Raises Throttled while the device rests."""
    code = "".join(code.split())
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).select_for_update().order_by("pk").first()
        if device is None or not _checked(device, code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device, recovery_codes_issue(user)


def recovery_codes_issue(user) -> list[str]:
    """A fresh sheet of recovery codes for the user; any earlier sheet stops working."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first() or StaticDevice.objects.create(
            user=user, name="recovery")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_remove(user) -> None:
    """Every device of the user, confirmed or not, and their recovery codes."""
    with transaction.atomic():
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()


def otpauth_qr(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as a QR code, an SVG in a data: URI (drawn here: no script, no other origin)."""
    svg = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2).save(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def base32_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# --- the session ----------------------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="core.two_factor.remember_second_factor")
def remember_second_factor(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = has_second_factor(user)


def session_must_verify(request) -> bool:
    """Must this signed-in session still show a second factor before it counts?"""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if HAS_DEVICE not in request.session:  # a session that signed in before two-step sign-in existed
        request.session[HAS_DEVICE] = has_second_factor(user)
    return request.session[HAS_DEVICE] or second_factor_required(user)


def session_verified(request, device) -> None:
    """The session passed its second factor: a new session key (the half-signed-in one is worth nothing now)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[HAS_DEVICE] = True


def session_note_device(request, present: bool) -> None:
    """The user's device came or went since this session signed in."""
    request.session[HAS_DEVICE] = present


def next_step_url(request, next_url: str) -> str:
    """Where a session that must still verify goes: the code page, or enrolment when it has no device yet."""
    name = "two_factor_verify" if request.session.get(HAS_DEVICE) else "two_factor_enrol"
    return f"{reverse(name)}?next={quote(next_url)}"
