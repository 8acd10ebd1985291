"""Request helpers shared by the apps: the client address and ids from query strings."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's IP address; behind a proxy (DJANGO_BEHIND_PROXY) the one it reports.

    nginx sets X-Real-IP to the address it saw (deploy/nginx.conf); without a proxy these
    headers come from the client and are ignored.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = (
            request.META.get("HTTP_X_REAL_IP")
            or request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
        )
        if _valid(forwarded.strip()):
            return forwarded.strip()
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _valid(remote) else None


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def parse_id(raw: str) -> int | None:
    """A database id from a query parameter, or None: plain ASCII digits only.

    str.isdigit() also says yes to "²" (which int() refuses) and to 5,000 digits
    (which int() refuses too, and no 64-bit column holds).
    """
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None
