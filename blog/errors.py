"""Error pages that render when the request or the database is what failed (issue #10)."""

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import get_language

from .site import get_site_data


def render_without_database(request, template_name: str, context: dict, *, status: int):
    """A themed page from `template_name` that needs neither the database nor the host.

    No context processors (they read the database, which may be what failed): the frame
    gets the site's data if it can still be read, else an empty frame. The request goes
    in only if its host is allowed, so that the canonical link cannot raise again.
    """
    try:
        site = get_site_data()
    except Exception:  # the database may be what failed
        site = {}
    try:
        request.get_host()
    except DisallowedHost:
        request = None
    context = {
        "site": site,
        "request": request,
        "LANGUAGE_CODE": get_language(),
        "fragment_timeout": 0,  # no fragment cache without the processors' data
        **context,
    }
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def bad_request(request, exception=None):
    """The themed 400 page (handler400), instead of Django's bare English one.

    Django answers with it what it cannot read: a form in another charset than UTF-8,
    a malformed multipart body, too many fields, a host that is not allowed.
    """
    return render_without_database(request, "400.html", {}, status=400)
