"""The comment form (comments/forms.py): fields, parent checks, honeypot and captcha."""

from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from comments.forms import CommentForm, ReplyForm
from comments.models import DiscussionSettings
from tests.comments.helpers import form_data
from tests.factories import CommentFactory, ReplyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(post, user=None, **fields):
    return CommentForm(form_data(**fields), post=post, user=user or AnonymousUser())


def _codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


def test_valid_form(post):
    """Name, e-mail, body and the test captcha answer make a valid form without parent."""
    form = _form(post)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["parent"] is None
    assert form.parent_comment is None
    assert not form.is_honeypot_filled


def test_anonymous_form_requires_name_email_body_and_captcha(post):
    """The fields WordPress requires, plus the security code."""
    form = CommentForm({}, post=post, user=AnonymousUser())
    assert not form.is_valid()
    assert {f for f, errors in form.errors.as_data().items() if errors[0].code == "required"} == {
        "body",
        "author_name",
        "author_email",
        "captcha",
    }
    assert form.fields["body"].widget.attrs["required"]
    assert "required" not in form.fields["author_url"].widget.attrs


def test_logged_in_form_asks_only_for_the_text(post):
    """Logged-in users type no name, e-mail, website or captcha."""
    form = CommentForm({"body": "hallo"}, post=post, user=UserFactory())
    assert form.is_valid(), form.errors
    assert set(form.fields) == {"body", "parent", "honeypot", "notify"}
    assert not form.is_anonymous


def test_body_keeps_its_inner_whitespace(post):
    """Line breaks and indentation inside the text stay; outer blank lines go."""
    form = _form(post, body="\n\n  eins\n\n    zwei  \n\n")
    assert form.is_valid()
    assert form.cleaned_data["body"] == "  eins\n\n    zwei  "


def test_blank_body_is_required_error(post):
    """Only spaces is no comment."""
    form = _form(post, body=" \n ")
    assert _codes(form, "body") == ["required"]


@pytest.mark.parametrize(
    ("field", "length", "ok"),
    [
        ("author_name", 245, True),
        ("author_name", 246, False),
        ("body", 65_525, True),
        ("body", 65_526, False),
    ],
)
def test_length_limits(post, field, length, ok):
    """WordPress's limits for the name and the body."""
    form = _form(post, **{field: "x" * length})
    assert form.is_valid() is ok
    if not ok:
        assert _codes(form, field) == ["max_length"]


def test_email_length_limit(post):
    """100 characters of e-mail are fine, 101 are not."""
    assert _form(post, author_email="a" * 88 + "@example.net").is_valid()
    assert "max_length" in _codes(
        _form(post, author_email="a" * 89 + "@example.net"), "author_email"
    )


def test_url_length_limit(post):
    """200 characters of website are fine, 201 are not."""
    assert _form(post, author_url="https://example.org/" + "x" * 180).is_valid()
    form = _form(post, author_url="https://example.org/" + "x" * 181)
    assert _codes(form, "author_url") == ["max_length"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("thomas.example", "https://thomas.example"),
        ("http://thomas.example/blog", "http://thomas.example/blog"),
    ],
)
def test_website_is_normalised(post, typed, stored):
    """A website without scheme gets https://."""
    form = _form(post, author_url=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["author_url"] == stored


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "ftp://thomas.example", "data:text/html,x", "nur text"]
)
def test_website_must_be_http(post, typed):
    """Only http and https websites, so that the name link is always a web page."""
    assert not _form(post, author_url=typed).is_valid()


def test_invalid_email(post):
    """An e-mail address must look like one."""
    assert _codes(_form(post, author_email="anna@"), "author_email") == ["invalid"]


def test_parent_must_belong_to_the_post(post):
    """A parent from another post is refused."""
    foreign = CommentFactory()
    assert _codes(_form(post, parent=str(foreign.pk)), "parent") == ["parent_invalid"]


def test_parent_must_be_approved(post):
    """A held parent is refused with its own code (the view answers 403)."""
    held = CommentFactory(post=post, status="pending")
    form = _form(post, parent=str(held.pk))
    assert _codes(form, "parent") == ["parent_unapproved"]
    assert form.parent_error_code() == "parent_unapproved"


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_parent_must_be_an_id(post, value):
    """Garbage in the hidden parent field is a form error."""
    assert _codes(_form(post, parent=value), "parent")


def test_parent_depth_limit(post):
    """A parent at the depth limit cannot be answered; one above it can."""
    comment = CommentFactory(post=post)
    for _level in range(2):
        comment = ReplyFactory(parent=comment)
    assert comment.depth == 3
    form = CommentForm(form_data(parent=str(comment.pk)), post=post, max_depth=3)
    assert _codes(form, "parent") == ["parent_too_deep"]
    form = CommentForm(form_data(parent=str(comment.parent_id)), post=post, max_depth=3)
    assert form.is_valid()
    assert form.parent_comment == comment.parent


def test_parent_depth_limit_comes_from_the_discussion_settings(post):
    """Without max_depth the form reads the limit the author set."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 2})
    reply = ReplyFactory(parent=CommentFactory(post=post))
    assert _codes(_form(post, parent=str(reply.pk)), "parent") == ["parent_too_deep"]
    assert _form(post, parent=str(reply.parent_id)).is_valid()


def test_admin_reply_form_checks_the_depth_limit(post):
    """The author's reply from the admin obeys the same limit as a reader's."""
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"thread_depth": 2})
    reply = ReplyFactory(parent=CommentFactory(post=post))
    form = ReplyForm({"body": "Zu tief"}, parent=reply)
    assert [e.code for e in form.non_field_errors().as_data()] == ["parent_too_deep"]
    assert ReplyForm({"body": "Passt"}, parent=reply.parent).is_valid()


def test_author_is_what_was_typed_or_the_account(post):
    """Anonymous: the typed name, e-mail and website; logged in: the account's name."""
    form = _form(post, author_url="anna.example.net")
    assert form.is_valid(), form.errors
    author = form.author(ip_address="192.0.2.1", user_agent="Firefox")
    assert (author.name, author.url, author.user) == ("Anna", "https://anna.example.net", None)
    user = UserFactory(first_name="Oliver", last_name="K", email="o" * 101 + "@example.org")
    form = _form(post, user=user)
    assert form.is_valid(), form.errors
    author = form.author(ip_address=None, user_agent="")
    assert (author.name, author.email, author.user) == ("Oliver K", "", user)


def test_honeypot_is_noticed_but_valid(post):
    """A filled honeypot does not make the form invalid (no hint to the bot); it is noted."""
    form = _form(post, honeypot="https://spam.example")
    assert form.is_valid()
    assert form.is_honeypot_filled


def test_wrong_captcha(post):
    """A wrong answer is a form error."""
    assert _codes(_form(post, captcha="falsch"), "captcha") == ["captcha_invalid"]


def test_real_captcha_challenge(post, settings):
    """Outside test mode the answer must match the challenge named by the key, once."""
    settings.CAPTCHA_TEST_MODE = False
    store = CaptchaStore.objects.create(challenge="WXYZ", response="wxyz")
    assert not _form(post, captcha="passed").is_valid()
    form = CommentForm(form_data(captcha="WXYZ"), post=post, captcha_key=store.hashkey)
    assert form.is_valid(), form.errors
    form.consume_captcha()
    again = CommentForm(form_data(captcha="WXYZ"), post=post, captcha_key=store.hashkey)
    assert _codes(again, "captcha") == ["captcha_expired"]  # used up: that picture is gone


def test_wrong_answer_ends_the_challenge_and_empties_the_field(post, settings):
    """One guess per picture (issue #10): the row is deleted, the code not shown again."""
    settings.CAPTCHA_TEST_MODE = False
    store = CaptchaStore.objects.create(challenge="WXYZ", response="wxyz")
    form = CommentForm(form_data(captcha="WXYY"), post=post, captcha_key=store.hashkey)
    assert _codes(form, "captcha") == ["captcha_invalid"]
    assert not CaptchaStore.objects.exists()
    assert 'value="' not in str(form["captcha"])
    assert 'value="Anna"' in str(form["author_name"])


def test_right_answer_stays_in_the_field_while_other_fields_are_fixed(post, settings):
    """A right code with the name missing: kept, and its challenge still valid."""
    settings.CAPTCHA_TEST_MODE = False
    store = CaptchaStore.objects.create(challenge="WXYZ", response="wxyz")
    data = form_data(captcha="WXYZ", author_name="")
    form = CommentForm(data, post=post, captcha_key=store.hashkey)
    assert _codes(form, "author_name") == ["required"]
    assert 'value="WXYZ"' in str(form["captcha"])
    assert CaptchaStore.objects.filter(pk=store.pk).exists()


def test_expired_challenge_has_its_own_error(post, settings):
    """Past its time the right code is "expired", not "wrong"; the challenge is deleted."""
    settings.CAPTCHA_TEST_MODE = False
    store = CaptchaStore.objects.create(
        challenge="WXYZ", response="wxyz", expiration=timezone.now() - timedelta(seconds=1)
    )
    form = CommentForm(form_data(captcha="WXYZ"), post=post, captcha_key=store.hashkey)
    assert _codes(form, "captcha") == ["captcha_expired"]
    assert form.errors["captcha"] == [
        "Der Sicherheitscode ist abgelaufen. Bitte gib den neuen Code ein."
    ]
    assert not CaptchaStore.objects.exists()
