"""Old WordPress links keep working: 301 redirects (issue #5).

Put it after CommonMiddleware: responses pass through it first, so that a 404 for a
WordPress address is turned into a redirect before CommonMiddleware would try
appending a slash. (Old comment anchors are in the thread itself: Comment.legacy_id.)
"""

from django.http import HttpResponsePermanentRedirect

from . import redirects


class WordPressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            target = redirects.query_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and response.status_code == 404:
            target = redirects.not_found_target(request)
            if target and target != request.get_full_path():
                return HttpResponsePermanentRedirect(target)
        return response
