"""Who is calling: the one answer to "which address is this client" for every limit (DRF throttles, django-ratelimit,
django-axes). ``X-Forwarded-For`` is believed only as far as ``TRUSTED_PROXIES`` says: with none (the default) it is
ignored, since anyone can send it; behind n proxies of our own, the address the n-th from us saw is the client's."""
import ipaddress

from django.conf import settings

# The address of a client whose address cannot be told (a WSGI server need not set REMOTE_ADDR, a header may say
# anything): the limits count all such clients together instead of failing on what is not an address.
UNKNOWN = "0.0.0.0"


def client_address(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= proxies:
            address = chain[-proxies]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN
    return address
