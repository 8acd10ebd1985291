"""Autosave (issue #12): the text being edited, saved in the background, never over the object.

The change form (static/js/desk.js) posts the title, body and excerpt every
BLOG_AUTOSAVE_SECONDS and when its tab is hidden. Each user has at most one autosave per
post or page; a new, unsaved one is kept under the key its add form carries, so that
the add form finds it again. Coming back to the form while an autosave is newer than
the saved object (and differs from it) offers to restore it; saving clears it.
"""

import re
import secrets

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from .models import Autosave, Page, Post

KINDS = {Post: Autosave.Kind.POST, Page: Autosave.Kind.PAGE}
# The text an autosave keeps, per model (pages have no excerpt).
TEXT_FIELDS = {Post: ("title", "body", "excerpt"), Page: ("title", "body")}
_NEW_KEY = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
# A user's autosaves of new, never saved posts (or pages) kept at most: abandoned
# drafts beyond these go, the newest stay.
NEW_KEPT = 5
MAX_BODY = 500_000


def new_key() -> str:
    """A fresh key for the autosave of a new post or page (the add form carries it)."""
    return secrets.token_urlsafe(18)


def is_key(value: str) -> bool:
    """Whether `value` looks like a key new_key() made."""
    return bool(_NEW_KEY.match(value))


def _object_filter(model, obj) -> dict:
    return {"post": obj} if model is Post else {"page": obj}


def find(user, model, obj=None, key: str = "") -> Autosave | None:
    """The user's autosave of `obj`, or of the new object with `key`."""
    if obj is not None:
        return Autosave.objects.filter(user=user, **_object_filter(model, obj)).first()
    if not key:
        return None
    return Autosave.objects.filter(user=user, kind=KINDS[model], new_key=key).first()


def differs(autosave: Autosave, obj) -> bool:
    """Whether the autosave's text is not what `obj` holds."""
    return any(getattr(autosave, name) != getattr(obj, name) for name in TEXT_FIELDS[type(obj)])


def offered(user, model, obj=None) -> Autosave | None:
    """The autosave the form offers to restore: for a saved object, the user's autosave
    when it is newer than the object and differs from it; for a new one, the user's
    newest autosave of a new object of this kind."""
    if obj is None:
        return (
            Autosave.objects.filter(user=user, kind=KINDS[model])
            .exclude(new_key="")
            .order_by("-saved_at")
            .first()
        )
    autosave = find(user, model, obj)
    if autosave and autosave.saved_at > obj.updated_at and differs(autosave, obj):
        return autosave
    return None


def store(user, model, obj, key: str, data) -> Autosave:
    """Write the user's autosave of `obj` (or of the new object `key`) from `data`."""
    values = {name: data.get(name, "")[:MAX_BODY] for name in TEXT_FIELDS[model]}
    values["title"] = values["title"][: Autosave._meta.get_field("title").max_length]
    values["saved_at"] = timezone.now()
    kind = KINDS[model]
    if obj is not None:
        autosave, _created = Autosave.objects.update_or_create(
            user=user, kind=kind, **_object_filter(model, obj), defaults=values
        )
        return autosave
    autosave, created = Autosave.objects.update_or_create(
        user=user, kind=kind, new_key=key, defaults=values
    )
    if created:
        keep = (
            Autosave.objects.filter(user=user, kind=kind)
            .exclude(new_key="")
            .order_by("-saved_at")
            .values_list("pk", flat=True)[:NEW_KEPT]
        )
        Autosave.objects.filter(user=user, kind=kind).exclude(new_key="").exclude(
            pk__in=list(keep)
        ).delete()
    return autosave


def clear(user, model, obj=None, key: str = "") -> None:
    """Forget the user's autosave of `obj` and of the new object `key` (after a save)."""
    if obj is not None:
        Autosave.objects.filter(user=user, **_object_filter(model, obj)).delete()
    if key:
        Autosave.objects.filter(user=user, kind=KINDS[model], new_key=key).delete()


def restoring_form(form_class, autosave: Autosave):
    """`form_class` showing the autosave's text instead of the saved one (the restore
    link without JavaScript renders the form with it; nothing is saved until the
    author saves)."""
    fields = TEXT_FIELDS[form_class._meta.model]

    class RestoringForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.initial.update({name: getattr(autosave, name) for name in fields})

    RestoringForm.__name__ = form_class.__name__
    return RestoringForm


def autosave_view(model_admin, request, object_id=None):
    """POST: store the posted text as the user's autosave of this post or page (JSON).

    Only for users who may change the object (or add one, for a new object); another
    author's post is not found (404), as in the admin's own views.
    """
    model = model_admin.model
    if object_id is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        key = request.POST.get("new_key", "")
        if not is_key(key):
            return JsonResponse({"error": _("The form has no valid autosave key.")}, status=400)
        obj = None
    else:
        obj = model_admin.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not model_admin.has_change_permission(request, obj):
            raise PermissionDenied
        key = ""
    autosave = store(request.user, model, obj, key, request.POST)
    saved_at = timezone.localtime(autosave.saved_at)
    return JsonResponse(
        {
            "saved_at": saved_at.isoformat(),
            "message": _("Autosaved at %(time)s.") % {"time": time_format(saved_at)},
        }
    )
