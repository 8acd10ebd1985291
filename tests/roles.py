"""Helpers for the role tests (issue #12, blog/roles.py): members of the WordPress groups
and what an admin form sends as the page fills it in."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from blog.roles import create_groups
from tests.factories import UserFactory
from tests.html import parse

PASSWORD = "Rollen-Passwort-2026"


def member(username: str, group: str | None, **extra):
    """A staff user in one of the groups "Mitarbeiter", "Autor", "Redakteur" (None: no
    group). The groups are made by a migration; a flushed database gets them again."""
    create_groups(apps)
    user = UserFactory(
        username=username, first_name=username.capitalize(), is_staff=True, password=PASSWORD
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_values(source, form_id: str) -> dict:
    """What the form would send unchanged: its inputs (no files, no submit buttons),
    ticked boxes, chosen options and texts, a list where a name comes twice."""
    elements = parse(source)
    form = next(e for e in elements if e.tag == "form" and e.attrs.get("id") == form_id)
    values: dict = {}

    def add(name, value):
        if name in values:
            old = values[name]
            values[name] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            values[name] = value

    for e in elements:
        if form not in e.parents or not e.attrs.get("name") or "disabled" in e.attrs:
            continue
        kind = e.attrs.get("type", "text")
        if e.tag == "input" and kind in ("file", "submit", "button", "image", "reset"):
            continue
        if e.tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in e.attrs:
                add(e.attrs["name"], e.attrs.get("value", "on"))
        elif e.tag == "input":
            add(e.attrs["name"], e.attrs.get("value", ""))
        elif e.tag == "textarea":
            add(e.attrs["name"], e.text.removeprefix("\r\n").removeprefix("\n"))
        elif e.tag == "select":
            options = [o for o in elements if o.tag == "option" and e in o.parents]
            chosen = [o for o in options if "selected" in o.attrs]
            if not chosen and options and "multiple" not in e.attrs:
                chosen = options[:1]
            for option in chosen:
                add(e.attrs["name"], option.attrs.get("value", option.text))
    return values


def options(source, name: str) -> list[str]:
    """The values of the options of the select named `name`."""
    elements = parse(source)
    select = next(e for e in elements if e.tag == "select" and e.attrs.get("name") == name)
    return [o.attrs.get("value", "") for o in elements if o.tag == "option" and select in o.parents]
