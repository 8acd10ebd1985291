"""The reply form: what a visitor types, a hidden parent, a honeypot and a captcha (issue #3)."""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import challenge
from .models import BODY_MAX, EMAIL_MAX, NAME_MAX, URL_MAX, Comment, DiscussionSettings
from .services import Author

CAPTCHA_TEST_ANSWER = "passed"
# Control characters but tab and line breaks, and lone surrogates: invisible, and no
# XML 1.0 (the feeds) or UTF-8 (the database) can hold them. They are dropped; NUL is
# refused with a message by Django's own validator before (issue #7).
_UNPRINTABLE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_NO_PARENT = _("The comment you are replying to does not exist.")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub("", text)


def check_depth(parent: Comment, max_depth: int) -> None:
    """Refuse a reply under `parent` when it would be nested deeper than `max_depth`."""
    if parent.depth >= max_depth:
        raise forms.ValidationError(
            _("Replies cannot be nested deeper than %(depth)s levels."),
            code="parent_too_deep",
            params={"depth": max_depth},
        )


# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text
# after them: a name could read as something else, or turn the text around it. The
# bidi marks (U+200E, U+200F, U+061C) reorder nothing and are allowed (issue #10).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters and symbols that show nothing: the Hangul fillers and the braille blank.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_character(text: str) -> bool:
    """Whether `text` shows anything: a letter, digit, punctuation mark or symbol.

    Spaces, control and format characters (zero-width ones, bidi marks, soft hyphens)
    and combining marks without a base show nothing on their own.
    """
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK for c in text)


class CaptchaInput(forms.TextInput):
    """The code field: empty again once its challenge has ended (issue #10), because the
    page then shows a new picture."""

    render_value = True

    def format_value(self, value):
        return super().format_value(value) if self.render_value else None


class CommentForm(forms.ModelForm):
    """A comment on `post`; `user` decides whether name, e-mail and captcha are asked.

    It checks what was typed, the parent included (it exists, is approved, belongs to
    the post, is above the depth limit); comments.services decides about the post's
    state and moderation, and saves.
    """

    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**63 - 1,  # the largest id a database column holds
        error_messages={"invalid": _NO_PARENT, "min_value": _NO_PARENT, "max_value": _NO_PARENT},
    )
    honeypot = forms.CharField(
        required=False,
        # Translators: label of the honeypot field, hidden from humans.
        label=_("If you enter anything in this field your comment will be treated as spam"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    remember = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )
    notify = forms.BooleanField(
        required=False, label=_("Notify me of replies to my comment via email.")
    )
    # A CharField, not a URLField: clean_author_url adds https:// to a bare host name.
    author_url = forms.CharField(
        required=False,
        max_length=URL_MAX,
        label=_("Website"),
        widget=forms.URLInput(attrs={"maxlength": URL_MAX, "autocomplete": "url", "size": 30}),
        error_messages={"max_length": _("Your URL is too long.")},
    )
    captcha = forms.CharField(
        required=True,
        max_length=32,
        label=_("Security code"),
        help_text=_("Please type the characters shown in the picture."),
        widget=CaptchaInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Please type the security code."),
            "captcha_invalid": _("The security code was wrong. Please try again."),
            "captcha_expired": _("The security code has expired. Please type the new code."),
        },
    )

    class Meta:
        model = Comment
        fields = ["body", "author_name", "author_email", "author_url"]
        labels = {
            # Translators: the comment text field.
            "body": pgettext_lazy("noun", "Comment"),
            "author_name": _("Name"),
            "author_email": _("Email"),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8, "cols": 45, "maxlength": BODY_MAX}),
            "author_name": forms.TextInput(
                attrs={"maxlength": NAME_MAX, "autocomplete": "name", "size": 30}
            ),
            "author_email": forms.EmailInput(
                attrs={"maxlength": EMAIL_MAX, "autocomplete": "email", "size": 30}
            ),
        }
        error_messages = {
            "body": {
                "required": _("Please type your comment text."),
                "max_length": _("Your comment is too long."),
            },
            "author_name": {
                "required": _("Please enter your name."),
                "max_length": _("Your name is too long."),
            },
            "author_email": {
                "required": _("Please enter your email address."),
                "invalid": _("Please enter a valid email address."),
                "max_length": _("Your email address is too long."),
            },
        }

    def __init__(self, *args, post, user=None, captcha_key: str = "", max_depth=None, **kw):
        super().__init__(*args, **kw)
        self.post = post
        self.user = user
        self.captcha_key = captcha_key
        self.max_depth = max_depth or DiscussionSettings.load().thread_depth
        self.parent_comment = None
        if user is not None and user.is_authenticated:
            for name in ("author_name", "author_email", "author_url", "captcha", "remember"):
                del self.fields[name]
        else:
            self.fields["author_name"].required = True
            self.fields["author_email"].required = True
        self.fields["body"].strip = False
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["required"] = True

    @property
    def is_anonymous(self) -> bool:
        return "author_name" in self.fields

    def clean_body(self):
        body = printable(self.cleaned_data["body"])
        if not body.strip():
            raise forms.ValidationError(self.fields["body"].error_messages["required"], "required")
        return body.strip("\n\r")

    def clean_author_name(self):
        name = " ".join(printable(self.cleaned_data["author_name"]).split())
        if not name:
            raise forms.ValidationError(
                self.fields["author_name"].error_messages["required"], "required"
            )
        if _BIDI_CONTROLS.search(name):
            raise forms.ValidationError(
                _("Your name must not contain characters that change the writing direction."),
                "name_bidi",
            )
        if not has_visible_character(name):
            raise forms.ValidationError(
                _("Please enter a name with at least one visible character."), "name_invisible"
            )
        return name

    def clean_author_email(self):
        """A registered account's address is its owner's: they log in to use it (issue #16)."""
        email = self.cleaned_data["author_email"]
        if email and get_user_model()._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "This email address belongs to an account of this blog. Please log in "
                    "to comment with it, or use another address."
                ),
                code="email_registered",
            )
        return email

    def clean_author_url(self):
        url = printable(self.cleaned_data.get("author_url", "")).strip()
        if url and "://" not in url:
            url = "https://" + url
        if url:
            URLValidator(schemes=["http", "https"], message=_("Please enter a valid web address."))(
                url
            )
        return url

    def clean_parent(self):
        """The parent must be an approved comment of this post, above the depth limit."""
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.for_target(self.post).conversation().filter(pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(_NO_PARENT, code="parent_invalid")
        if not parent.is_approved:
            raise forms.ValidationError(
                _("Sorry, replies to unapproved comments are not allowed."),
                code="parent_unapproved",
            )
        check_depth(parent, self.max_depth)
        self.parent_comment = parent
        return parent.pk

    def clean_captcha(self):
        """Check the answer against the challenge whose key the image view set in a cookie.

        A wrong or late answer ends the challenge (comments/challenge.py): the page shows
        a new picture, and the field is empty for its code.
        """
        answer = self.cleaned_data.get("captcha", "").strip().lower()
        if settings.CAPTCHA_TEST_MODE and answer == CAPTCHA_TEST_ANSWER:
            return answer
        verdict = challenge.check(self.captcha_key, answer)
        if verdict is not challenge.Verdict.PASSED:
            self.fields["captcha"].widget.render_value = False
            code = f"captcha_{verdict.value}"
            raise forms.ValidationError(self.fields["captcha"].error_messages[code], code=code)
        return answer

    def consume_captcha(self) -> None:
        """Make a solved challenge unusable for another comment."""
        challenge.consume(self.captcha_key)

    @property
    def is_honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("honeypot"))

    def parent_error_code(self) -> str | None:
        """The code of a parent error, which the view answers with 400 or 403."""
        for error in self.errors.as_data().get("parent", []):
            return error.code
        return None

    @property
    def misses_required(self) -> bool:
        """Whether a required field was left empty."""
        return any(
            error.code == "required"
            for errors in self.errors.as_data().values()
            for error in errors
        )

    def author(self, *, ip_address: str | None, user_agent: str) -> Author:
        """Who writes: what was typed, or the logged-in user's account."""
        data = self.cleaned_data
        user = self.user if self.user is not None and self.user.is_authenticated else None
        if user is None:
            return Author(
                name=data["author_name"],
                email=data["author_email"],
                url=data.get("author_url", ""),
                ip_address=ip_address,
                user_agent=user_agent,
            )
        # An account's name and address may exceed the comment limits: cut the name, and
        # leave out an address that does not fit rather than store a broken one.
        return Author(
            name=(user.get_full_name() or user.get_username())[:NAME_MAX],
            email=user.email if len(user.email) <= EMAIL_MAX else "",
            user=user,
            ip_address=ip_address,
            user_agent=user_agent,
        )


class ReplyForm(forms.Form):
    """The post author's reply from the admin, under `parent`."""

    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        max_length=BODY_MAX,
        error_messages={"required": _("Please type your comment text.")},
    )

    def __init__(self, *args, parent: Comment, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def clean(self):
        check_depth(self.parent, DiscussionSettings.load().thread_depth)
        return super().clean()
