"""API tokens: issued for a password (and a second factor when the account has one), listed and revoked by their
owner, and revoked together when the password changes or the account is deactivated.

Only a token's hash is stored (django-rest-knox); the raw token is shown once, when issued.
"""
import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.settings import knox_settings

from .models import ApiToken

# A token's last use is written at most this often: not a write on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def tokens_of(user):
    """The user's live tokens, newest first."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return ApiToken.objects.filter(live, user=user).order_by("-created")


@transaction.atomic
def token_issue(user, *, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the raw token (never stored). Expired tokens are cleared, and
    beyond the per-user limit the least recently issued one is revoked, as a new session would retire an old one."""
    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        surplus = ApiToken.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)[limit - 1:]
        ApiToken.objects.filter(digest__in=list(surplus)).delete()
    return ApiToken.objects.create(user, name=name)


def token_revoke(user, token_key: str) -> bool:
    """Revoke one of ``user``'s own tokens by its shown prefix. False if they have none by that prefix."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def tokens_revoke_all(user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


def token_used(token: ApiToken, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@receiver(pre_save, sender=get_user_model(), dispatch_uid="core.tokens.revoke_on_credentials_change")
def revoke_on_credentials_change(sender, instance, update_fields=None, raw=False, **kwargs):
    """A token must not outlive the password it was issued for, nor the account (a leaked token dies with them)."""
    if raw or instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        tokens_revoke_all(instance)
