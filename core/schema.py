"""What drf-spectacular cannot infer about the platform's API (registered when the app is ready)."""
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class ApiTokenScheme(KnoxTokenScheme):
    """The knox scheme ("Authorization: Token <token>") for our subclass of knox's authentication, which
    drf-spectacular's own extension does not match."""

    target_class = "core.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
