from django import template
from django.urls import reverse
from django.utils.html import format_html

from .. import conf

register = template.Library()


@register.simple_tag
def webmention_link():
    """<link rel="webmention"> for the page head, while Webmentions are received."""
    if not conf.get("WEBMENTIONS_RECEIVE"):
        return ""
    return format_html('<link rel="webmention" href="{}">', reverse("webmentions:endpoint"))
