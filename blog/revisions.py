"""Revisions of posts and pages (issue #12), kept by django-reversion.

Every save in the admin is a revision of the title, body, excerpt, status, categories
and tags (pages: title, body, status), with the user and what changed. Before the first
revision of an object made elsewhere (an import, the demo, a command), its state as it
was is kept first, so that nothing written before this feature is lost either. A
service or command that saves a post wraps it in `revision(user, comment)`.

Restoring a revision is a new save and itself a revision: nothing is lost. It takes
the text, categories and tags; the status stays as it is (as in WordPress: restoring a
draft's text must not unpublish a post). Old revisions beyond BLOG_REVISIONS_KEPT per
object are pruned when a new one is made.
"""

import re
from contextlib import contextmanager
from difflib import SequenceMatcher

import reversion
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Revision, Version
from reversion.signals import post_revision_commit

from .models import Category, Page, Post, Tag

FIELDS = {
    Post: ["title", "body", "excerpt", "status", "categories", "tags"],
    Page: ["title", "body", "status"],
}
RESTORED_FIELDS = {
    Post: ["title", "body", "excerpt", "categories", "tags"],
    Page: ["title", "body"],
}
TERMS = {"categories": Category, "tags": Tag}

for _model, _fields in FIELDS.items():
    if not reversion.is_registered(_model):
        reversion.register(_model, fields=_fields)


@contextmanager
def revision(user=None, comment: str = ""):
    """Save posts and pages inside this block to keep one revision of them."""
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


def describe(comment: str) -> None:
    """Name what the revision being made changed (the admin's change message)."""
    if reversion.is_active():
        reversion.set_comment(comment)


def label(version) -> str:
    """How a compared version is named: its date, or "current state"."""
    if isinstance(version, Version):
        return format_date(version.revision.date_created)
    return _("Current state")


def history(obj):
    """The object's versions, newest first, with their revision and its user."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def ensure_baseline(obj, user=None) -> None:
    """Keep the object's current state as a revision if it has none yet."""
    if obj is not None and not Version.objects.get_for_object(obj).exists():
        with revision(user, _("State before the first revision")):
            reversion.add_to_revision(obj)


@receiver(post_revision_commit)
def prune(sender, revision, versions, **kwargs):
    """Drop the oldest versions of each object beyond BLOG_REVISIONS_KEPT."""
    kept = max(1, settings.BLOG_REVISIONS_KEPT)
    for version in versions:
        old = list(
            Version.objects.filter(
                content_type_id=version.content_type_id, object_id=version.object_id
            )
            .order_by("-revision__date_created", "-pk")
            .values_list("pk", flat=True)[kept:]
        )
        if old:
            revision_ids = set(
                Version.objects.filter(pk__in=old).values_list("revision_id", flat=True)
            )
            Version.objects.filter(pk__in=old).delete()
            Revision.objects.filter(pk__in=revision_ids, version__isnull=True).delete()


def forget(sender, instance, **kwargs):
    """A post or page deleted for good (the trash emptied) takes its revisions along."""
    versions = Version.objects.get_for_object(instance)
    revision_ids = set(versions.values_list("revision_id", flat=True))
    versions.delete()
    Revision.objects.filter(pk__in=revision_ids, version__isnull=True).delete()


for _model in FIELDS:
    post_delete.connect(forget, sender=_model, dispatch_uid=f"revisions-forget-{_model.__name__}")


def _labels(model) -> dict:
    return {name: model._meta.get_field(name).verbose_name for name in FIELDS[model]}


def _display(model, version) -> dict:
    """A version's fields as text: status by its label, terms by their names."""
    data = version.field_dict
    shown = {}
    for name in FIELDS[model]:
        value = data.get(name, "")
        if name in TERMS:
            names = dict(TERMS[name].objects.filter(pk__in=value or []).values_list("pk", "name"))
            value = ", ".join(names.get(pk, _("(deleted)")) for pk in value or [])
        elif name == "status":
            value = str(dict(model.Status.choices).get(value, value))
        shown[name] = value or ""
    return shown


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word: [("equal" | "delete" | "insert", text), …] from old to new."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i1 < i2:
            segments.append(("equal" if op == "equal" else "delete", "".join(a[i1:i2])))
        if op in ("insert", "replace") and j1 < j2:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def compare(model, old_version, new_version) -> list[dict]:
    """Each field of two versions: label, whether it changed, the word diff."""
    old, new = _display(model, old_version), _display(model, new_version)
    return [
        {
            "label": label,
            "changed": old[name] != new[name],
            "segments": text_diff(old[name], new[name]),
        }
        for name, label in _labels(model).items()
    ]


def current_as_version(obj):
    """The object's state now, shaped like a version (for comparing with one)."""

    class Current:
        field_dict = {
            **{name: getattr(obj, name) for name in FIELDS[type(obj)] if name not in TERMS},
            **{
                name: list(getattr(obj, name).values_list("pk", flat=True))
                for name in FIELDS[type(obj)]
                if name in TERMS
            },
        }

    return Current()


def keep_current(obj, user=None) -> None:
    """Keep the object's state as a revision unless the newest revision holds it already
    (a save outside the admin, such as a bulk status change, makes none)."""
    newest = history(obj).first()
    model = type(obj)
    if newest is None or _display(model, newest) != _display(model, current_as_version(obj)):
        with revision(user, _("State before restoring")):
            reversion.add_to_revision(obj)


def restore(obj, version, user):
    """Make the version's text (and terms) the object's again, as a new revision."""
    keep_current(obj, user)
    data = version.field_dict
    date = version.revision.date_created
    with (
        transaction.atomic(),
        revision(user, _("Restored the version of %(date)s") % {"date": format_date(date)}),
    ):
        for name in RESTORED_FIELDS[type(obj)]:
            if name not in TERMS:
                setattr(obj, name, data.get(name, ""))
        obj.save()
        for name in RESTORED_FIELDS[type(obj)]:
            if name in TERMS:
                existing = TERMS[name].objects.filter(pk__in=data.get(name) or [])
                getattr(obj, name).set(existing)
    return obj


def format_date(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
