"""The captcha's challenges as a commenter meets them (comments/challenge.py, issue #10).

Outside test mode: the picture's key travels in a signed cookie, and the answer is read
from the challenge's row, as a person reads it from the picture.
"""

import contextlib
import datetime
import re
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from captcha.models import CaptchaStore
from django.conf import settings as django_settings
from django.core.management import call_command, get_commands
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.helpers import german, one, parse, send_comment, textarea_value

pytestmark = pytest.mark.django_db

TEXT = "Eine lange Antwort, über Stunden geschrieben.\nZweiter Absatz."
WRONG = "The security code was wrong. Please try again."
EXPIRED = "The security code has expired. Please type the new code."
CRON = Path(django_settings.BASE_DIR) / "deploy" / "blog.cron"


@pytest.fixture(autouse=True)
def real_captcha(settings):
    settings.CAPTCHA_TEST_MODE = False


@contextlib.contextmanager
def later(minutes: float):
    """The clock (database times and cookie signatures) `minutes` ahead."""
    now = timezone.now() + datetime.timedelta(minutes=minutes)
    clock = SimpleNamespace(time=lambda: time.time() + minutes * 60)
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        mock.patch("django.core.signing.time", clock),
    ):
        yield


def _load_picture(client) -> CaptchaStore:
    """Load the form's picture, as the browser does; the challenge it shows."""
    response = client.get(reverse("comments:captcha_image"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    key = client.cookies["comment_captcha"].value.split(":")[0]
    return CaptchaStore.objects.get(hashkey=key)


def _captcha_error(response) -> str:
    elements = parse(response)
    return " ".join(e.clean_text for e in elements if e.attrs.get("id") == "id_captcha_error")


def test_a_wrong_answer_ends_the_challenge(client, post):
    """After one wrong answer the right one no longer works: guessing gets one try."""
    challenge = _load_picture(client)
    assert send_comment(client, post, captcha="falsch").status_code == 400
    assert not CaptchaStore.objects.filter(pk=challenge.pk).exists()
    response = send_comment(client, post, body=TEXT, captcha=challenge.response)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_after_a_wrong_answer_the_picture_is_a_new_challenge(client, post):
    """The page after a wrong answer loads a new picture; its answer gets the comment through."""
    first = _load_picture(client)
    send_comment(client, post, captcha="falsch")
    second = _load_picture(client)
    assert second.hashkey != first.hashkey
    assert send_comment(client, post, captcha=second.response).status_code == 302
    assert Comment.objects.get().body == "Schöner Beitrag, danke!"
    assert not CaptchaStore.objects.exists()


def test_reloading_the_picture_keeps_one_challenge(client):
    """Reloading the page shows the same challenge again instead of adding a row each time."""
    first = client.get(reverse("comments:captcha_image")).content
    for _ in range(5):
        assert client.get(reverse("comments:captcha_image")).content == first
    assert CaptchaStore.objects.count() == 1


def test_no_other_address_makes_challenges(client):
    """The captcha app's own refresh and image URLs are not served: the form uses neither,
    and its refresh made a row per request."""
    refresh = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})
    assert refresh.status_code == 404
    assert not CaptchaStore.objects.exists()


def test_every_new_browser_gets_its_own_challenge(client):
    """Two readers without the cookie: two challenges."""
    from django.test import Client

    assert _load_picture(client).hashkey != _load_picture(Client()).hashkey
    assert CaptchaStore.objects.count() == 2


def test_the_wrong_code_is_not_shown_again_but_the_text_is(client, post):
    """A wrong code: a German error, the code field empty for the new picture, the text kept."""
    _load_picture(client)
    response = send_comment(client, post, body=TEXT, captcha="falsch")
    assert response.status_code == 400
    assert _captcha_error(response) == german(WRONG)
    assert "value" not in one(response, "input", id_="id_captcha").attrs
    assert textarea_value(response) == TEXT
    assert one(response, "input", id_="id_author_name").attrs["value"] == "Anna"


def test_a_right_code_stays_while_another_field_is_fixed(client, post):
    """A right code with the name missing: the code stays in the field and still works."""
    challenge = _load_picture(client)
    response = send_comment(client, post, author_name="", captcha=challenge.response)
    assert response.status_code == 400
    assert one(response, "input", id_="id_captcha").attrs["value"] == challenge.response
    assert _load_picture(client).pk == challenge.pk  # the same picture on the page again
    assert send_comment(client, post, captcha=challenge.response).status_code == 302


def test_a_writer_has_well_over_five_minutes(client, post):
    """The picture loaded, then a hundred minutes of writing: the right code still works."""
    challenge = _load_picture(client)
    with later(minutes=100):
        response = send_comment(client, post, body=TEXT, captcha=challenge.response)
    assert response.status_code == 302
    assert Comment.objects.get().body == TEXT


def test_an_expired_code_says_so_and_keeps_the_text(client, post, settings):
    """Past the challenge's time: "abgelaufen", an empty code field, the text kept."""
    challenge = _load_picture(client)
    with later(minutes=settings.CAPTCHA_TIMEOUT + 1):
        response = send_comment(client, post, body=TEXT, captcha=challenge.response)
        assert response.status_code == 400
        assert _captcha_error(response) == german(EXPIRED)
        assert (
            german(EXPIRED) == "Der Sicherheitscode ist abgelaufen. Bitte gib den neuen Code ein."
        )
        assert "value" not in one(response, "input", id_="id_captcha").attrs
        assert textarea_value(response) == TEXT
        fresh = _load_picture(client)
        assert fresh.hashkey != challenge.hashkey
        assert send_comment(client, post, body=TEXT, captcha=fresh.response).status_code == 302
    assert Comment.objects.get().body == TEXT


def test_a_challenge_removed_overnight_is_expired_not_wrong(client, post):
    """The nightly clean-up removed the row: the commenter hears it expired."""
    challenge = _load_picture(client)
    challenge.delete()
    response = send_comment(client, post, body=TEXT, captcha=challenge.response)
    assert _captcha_error(response) == german(EXPIRED)


def test_captcha_clean_removes_expired_challenges_only():
    """`manage.py captcha_clean` deletes challenges past their time and keeps live ones."""
    now = timezone.now()
    old = CaptchaStore.objects.create(
        challenge="ALT", response="alt", expiration=now - datetime.timedelta(minutes=1)
    )
    live = CaptchaStore.objects.create(
        challenge="NEU", response="neu", expiration=now + datetime.timedelta(minutes=30)
    )
    call_command("captcha_clean", verbosity=0)
    assert list(CaptchaStore.objects.all()) == [live]
    assert not CaptchaStore.objects.filter(pk=old.pk).exists()


def _cron_commands() -> list[list[str]]:
    lines = [line for line in CRON.read_text().splitlines() if line and not line.startswith("#")]
    return [re.search(r"manage\.py (.+)$", line).group(1).split() for line in lines]


def test_the_nightly_jobs_clean_the_captcha_table():
    """deploy/blog.cron runs captcha_clean, and every command it names exists."""
    commands = _cron_commands()
    assert ["captcha_clean"] in [c[:1] for c in commands]
    known = get_commands()
    assert all(c[0] in known for c in commands)
    CaptchaStore.objects.create(
        challenge="ALT", response="alt", expiration=timezone.now() - datetime.timedelta(days=1)
    )
    (clean,) = [c for c in commands if c[0] == "captcha_clean"]
    call_command(*clean)
    assert not CaptchaStore.objects.exists()
