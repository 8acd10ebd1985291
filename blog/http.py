"""Request helpers shared by the apps."""

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
