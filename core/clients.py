"""Who is calling: the one answer to "which address is this client" for every limit (DRF throttles, django-ratelimit,
django-axes). ``X-Forwarded-For`` is believed only as far as ``TRUSTED_PROXIES`` says: with none (the default) it is
ignored, since anyone can send it; behind n proxies of our own, the address the n-th from us saw is the client's."""
from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-proxies] if len(chain) >= proxies else remote
