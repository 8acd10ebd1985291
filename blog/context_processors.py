from django.utils.functional import SimpleLazyObject

from .site import get_site_data


def site(request):
    """`site`: settings, navigation, sidebar and footer data (see blog/site.py).

    Lazy, so that pages which do not show the frame (the admin) cost nothing.
    """
    return {"site": SimpleLazyObject(get_site_data)}
