"""Sessions of an account: recording logins, ending the other sessions (issue #16)."""

from importlib import import_module

from django.conf import settings

from core.http import client_ip

from .models import KEEP_LOGINS, LoginRecord


def record_login(request, user) -> LoginRecord:
    """Note this login (time, address, browser, session) and drop the oldest beyond the limit."""
    record = LoginRecord.objects.create(
        user=user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        session_key=request.session.session_key or "",
    )
    old = LoginRecord.objects.filter(user=user).values_list("pk", flat=True)[KEEP_LOGINS:]
    LoginRecord.objects.filter(pk__in=list(old)).delete()
    return record


def end_other_sessions(user, *, keep: str | None = None) -> int:
    """Log the user out everywhere except in the session `keep`; how many sessions ended.

    The sessions are found through the login records, which name each login's session.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    records = LoginRecord.objects.filter(user=user).exclude(session_key="")
    if keep:
        records = records.exclude(session_key=keep)
    ended = 0
    for key in set(records.values_list("session_key", flat=True)):
        session = store(session_key=key)
        if session.exists(key):
            ended += 1
        session.delete(key)
    records.update(session_key="")
    return ended
