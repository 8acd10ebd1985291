from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .site import get_site_data


def site(request):
    """`site`: settings, navigation, sidebar and footer data (see blog/site.py).

    Lazy, so that pages which do not show the frame (the admin) cost nothing.
    `fragment_timeout`: how long `{% cache %}` keeps the fragments that are the same
    for every reader (sidebar, the empty comment form); 0 with
    BLOG_FRAGMENT_CACHE off, for measuring the rendering itself.
    """
    return {
        "site": SimpleLazyObject(get_site_data),
        "fragment_timeout": FRAGMENT_TIMEOUT if settings.BLOG_FRAGMENT_CACHE else 0,
    }


FRAGMENT_TIMEOUT = 300
