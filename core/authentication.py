from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from .models import ApiToken
from .prepared import PreparedQuery
from .tokens import token_used

# Asked on every API request: built and compiled once per process.
tokens_by_key = PreparedQuery(lambda _key, *, token_key: ApiToken.objects.filter(token_key=token_key).select_related(
    "user__staff_profile"))


class ApiTokenAuthentication(TokenAuthentication):
    """knox's hashed, expiring tokens ("Authorization: Token <token>"), with the staff profile brought along (every
    request needs the role) in the one query, and without knox's sweep of the user's other tokens on every request
    (core.tokens clears expired ones when it issues a new one)."""

    def authenticate_credentials(self, token: bytes):
        raw = token.decode("utf-8", errors="replace")
        candidates = tokens_by_key(None, token_key=raw[:CONSTANTS.TOKEN_KEY_LENGTH])
        try:
            digest = hash_token(raw)
        except (TypeError, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                return self._accepted(candidate)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _accepted(self, token: ApiToken):
        if token.has_expired:
            raise exceptions.AuthenticationFailed(_("Token has expired: sign in for a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token_used(token)
        return token.user, token
