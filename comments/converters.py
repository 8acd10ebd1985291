"""The address of a page with a suffix of the comments app (issue #13).

WordPress answers /<page-path>/feed/ (the page's comment feed) and
/<page-path>/comment-page-N/. This converter matches the path of a page that exists
(not in the trash) and nothing else: any other path is no match, so that the address
goes on to the URL patterns after it (a category's feed, a page whose own slug is
"feed"). Paths of the blog's other lists are not looked up at all.
"""

from django.urls import register_converter

from blog.models import Page


class PagePathConverter:
    regex = r"(?!(?:category|tag|author|comments|admin)/)[^/]+(?:/[^/]+)*"

    def to_python(self, value: str) -> str:
        if not Page.objects.exclude(status=Page.Status.TRASH).filter(path=value).exists():
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PagePathConverter, "pagepath")
