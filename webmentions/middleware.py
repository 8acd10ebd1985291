"""The Webmention endpoint, advertised in a Link header on every HTML page (issue #15).

Placed inside the page cache in MIDDLEWARE, so that a cached page carries it too. The
<link rel="webmention"> in templates/base.html says the same in the page itself.
"""

from django.urls import reverse

from . import conf


class WebmentionLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            conf.get("WEBMENTIONS_RECEIVE")
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(reverse("admin:index"))
        ):
            endpoint = request.build_absolute_uri(reverse("webmentions:endpoint"))
            link = f'<{endpoint}>; rel="webmention"'
            existing = response.get("Link")
            response["Link"] = f"{existing}, {link}" if existing else link
        return response
