from rest_framework.authentication import TokenAuthentication


class TokenWithProfileAuthentication(TokenAuthentication):
    """Token authentication that brings the staff profile along (every request needs the role)."""

    def authenticate_credentials(self, key):
        token = self.get_model().objects.select_related("user__staff_profile").filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # raises DRF's usual AuthenticationFailed
        return token.user, token
