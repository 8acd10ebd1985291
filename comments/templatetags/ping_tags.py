"""The pingbacks and trackbacks of a page without its comment section (issue #13).

A page closed for comments and without comments shows no comment section, but, as in
WordPress (whose themes show comments_template() while get_comments_number() counts the
pings), its approved pings are still listed:

    {% load ping_tags %}{% page_pings page %}
"""

from django import template

from ..pings import render_pings

register = template.Library()


@register.simple_tag
def page_pings(target):
    """The "Trackbacks and Pingbacks" list of `target` ("" without approved pings)."""
    return render_pings(target)
