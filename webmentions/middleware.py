"""The Webmention endpoint, advertised in a Link header on every HTML page (issue #15).

Placed inside the page cache in MIDDLEWARE, so that a cached page carries it too. The
<link rel="webmention"> in templates/base.html says the same in the page itself.
"""

from django.urls import NoReverseMatch, reverse

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
        ):
            try:
                endpoint = reverse("webmentions:endpoint")
                admin = reverse("admin:index")
            except NoReverseMatch:  # a URLconf without them (tests of core)
                return response
            if request.path.startswith(admin):
                return response
            link = f'<{request.build_absolute_uri(endpoint)}>; rel="webmention"'
            existing = response.get("Link")
            response["Link"] = f"{existing}, {link}" if existing else link
        return response
