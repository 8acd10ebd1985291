"""Tags typed as a comma-separated list, new ones created by typing them (issue #12).

WordPress's tag box: type "Laufen, Winter", pick from suggestions, and a tag that does
not exist yet is made when the post is saved. Here the field hands back the names; the
post form finds or creates the tags on save (`resolve_tags`), and the tag admin
answers the suggestions (`TagSuggestMixin`, static/js/admin-tags.js).
"""

import csv

from django import forms
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .admin_widgets import TagListWidget
from .models import Tag

SUGGESTIONS = 10
NAME_LENGTH = Tag._meta.get_field("name").max_length


def parse_tag_names(text: str) -> list[str]:
    """The names in a comma-separated list: trimmed, blanks and repeats (any case) left
    out. A name with a comma of its own comes in double quotes ("Rock, Pop")."""
    names, seen = [], set()
    text = " ".join((text or "").split())  # one line: the csv reader takes no line breaks
    for part in next(csv.reader([text], skipinitialspace=True), []):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def format_tag_names(names) -> str:
    """The list as typed: "Laufen, Berg" ("Rock, Pop" in quotes, for its comma)."""
    return ", ".join(
        '"' + name.replace('"', '""') + '"' if "," in name or '"' in name else name
        for name in names
    )


class TagListField(forms.CharField):
    """A comma-separated list of tag names; cleans to the list of names."""

    widget = TagListWidget
    default_error_messages = {
        "too_long": gettext_lazy("The tag “%(name)s” is too long (at most %(limit)s characters)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 5000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return format_tag_names(getattr(tag, "name", str(tag)) for tag in value)
        return value

    def clean(self, value):
        names = parse_tag_names(super().clean(value))
        for name in names:
            if len(name) > NAME_LENGTH:
                raise forms.ValidationError(
                    self.error_messages["too_long"],
                    code="too_long",
                    params={"name": name[:40] + "…", "limit": NAME_LENGTH},
                )
        return names


def existing_tags(names: list[str]) -> dict[str, Tag]:
    """The tags of these names, by case-folded name (an existing tag wins over a new one)."""
    if not names:
        return {}
    wanted = {name.casefold() for name in names}
    found = {}
    # Names compared case-insensitively in Python: SQLite's LOWER() knows no umlauts.
    for tag in Tag.objects.order_by("pk"):
        key = tag.name.casefold()
        if key in wanted and key not in found:
            found[key] = tag
    return found


def new_tag_names(names: list[str]) -> list[str]:
    """The names among these that no tag has yet."""
    found = existing_tags(names)
    return [name for name in names if name.casefold() not in found]


def resolve_tags(names: list[str]) -> list[Tag]:
    """The tags of these names, in order; those that do not exist yet are created."""
    found = existing_tags(names)
    tags = []
    for name in names:
        tag = found.get(name.casefold())
        if tag is None:
            tag = found[name.casefold()] = Tag.objects.create(name=name)
        tags.append(tag)
    return tags


class TagSuggestMixin:
    """For the tag admin: `admin:blog_tag_suggest`, names of tags beginning with or
    containing `q`, the most used first (JSON {"results": [...]})."""

    def get_urls(self):
        view = self.admin_site.admin_view(require_GET(self.suggest_view))
        return [path("suggest/", view, name="blog_tag_suggest"), *super().get_urls()]

    def suggest_view(self, request):
        user = request.user
        if not any(
            user.has_perm(p) for p in ("blog.view_tag", "blog.add_post", "blog.change_post")
        ):
            return JsonResponse({"error": _("You may not see the tags.")}, status=403)
        query = " ".join(request.GET.get("q", "").split())[:NAME_LENGTH]
        if not query:
            return JsonResponse({"results": []})
        tags = (
            Tag.objects.filter(name__icontains=query)
            .annotate(uses=Count("posts"))
            .order_by("-uses", "name")
        )
        key = query.casefold()
        names = [tag.name for tag in tags[:100]]
        # Those that begin with what was typed first, then those that contain it.
        names.sort(key=lambda name: not name.casefold().startswith(key))
        return JsonResponse({"results": names[:SUGGESTIONS]})
