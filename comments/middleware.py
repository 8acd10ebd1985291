"""The comment thread goes into the finished page as bytes (the 1,000-comment page).

A thread of a thousand comments is over a megabyte of HTML. Handed to the template as
a string, Django's engine copies it at every level it passes through (each node list
joins its parts and copies the result), and the page is encoded again: 7 of the 11 ms
of that page with its thread cached (`make profile PAGE="1000 comments" MODE=fragments`).
Instead `{% comment_section %}` prints a marker where the thread goes, and this
middleware puts the thread's cached UTF-8 bytes there once the page is encoded. The
marker is random per process, so no text on a page can imitate it (what readers typed
is escaped, post bodies lose HTML comments). Rendered outside such a request (a test's
RequestFactory, an e-mail), the thread is simply its HTML.
"""

import secrets

from django.utils.safestring import SafeString, mark_safe

TOKEN = secrets.token_hex(16)


def thread_placeholder(request, post_pk: int, data: bytes) -> SafeString:
    """What the template prints for the thread `data` (UTF-8) of post `post_pk`."""
    threads = getattr(request, "_comment_threads", None)
    if threads is None:
        # Sanitised and escaped by comments/render.py.
        return mark_safe(data.decode())  # noqa: S308
    marker = f"<!--comment-thread-{TOKEN}-{post_pk}-->"
    threads[marker.encode()] = data
    return mark_safe(marker)  # noqa: S308


class CommentThreadMiddleware:
    """Splices the threads a page's template asked for into its encoded content.

    Inside CommonMiddleware (which sets Content-Length) and the ETag and page-cache
    middlewares, so that they see the finished page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._comment_threads = threads = {}
        response = self.get_response(request)
        if threads and not response.streaming:
            content = response.content
            for marker, data in threads.items():
                head, found, tail = content.partition(marker)
                if found:
                    content = b"".join((head, data, tail))
            response.content = content
        return response
