"""A visitor replies in a thread with JavaScript, fixes a mistake and sees the held reply."""

import shutil

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = pytest.mark.browser


def test_reply_form_moves_under_the_comment_and_back(page, demo_site):
    """ "Antworten" moves the form under Thomas's comment; "Antworten abbrechen" moves it back."""
    page.goto(demo_site + "/2026/11/20/hartes-training/")
    expect(page.locator(".comments-title")).to_have_text("3 Kommentare zu „hartes training“")
    thomas = page.locator("li.comment", has_text="Gruß, Thomas").first
    thomas.get_by_role("link", name="Auf Thomas antworten").click()
    expect(thomas.locator("#respond")).to_have_count(1)
    expect(page.locator("#reply-title")).to_contain_text("Schreibe einen Kommentar zu Thomas")
    expect(page.locator("#cancel-comment-reply-link")).to_be_visible()
    assert (
        page.locator("input[name=parent]").input_value() == thomas.get_attribute("id").split("-")[1]
    )

    page.locator("#cancel-comment-reply-link").click()
    expect(thomas.locator("#respond")).to_have_count(0)
    expect(page.locator("#cancel-comment-reply-link")).to_be_hidden()
    assert page.locator("input[name=parent]").input_value() == ""


def test_missing_field_then_held_reply(page, demo_site):
    """A missing name gives a German error with the text kept; then the reply is held."""
    page.goto(demo_site + "/2026/11/20/hartes-training/")
    thomas = page.locator("li.comment", has_text="Gruß, Thomas").first
    thomas.get_by_role("link", name="Auf Thomas antworten").click()
    page.locator("#id_body").fill("da hat thomas recht 😉")
    page.locator("#id_author_email").fill("leser@example.org")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()

    expect(page.locator(".form-error").first).to_contain_text(
        "Fehler: Bitte fülle die Pflichtfelder aus."
    )
    expect(page.locator("#id_author_name_error")).to_contain_text("Bitte gib deinen Namen ein.")
    expect(page.locator("#id_body")).to_have_value("da hat thomas recht 😉")

    page.locator("#id_author_name").fill("Leserin")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()

    reply = Comment.objects.get(author_name="Leserin")
    assert reply.status == Comment.Status.PENDING
    assert reply.parent.author_name == "Thomas"
    held = page.locator(f"#comment-{reply.pk}")
    expect(held).to_contain_text("da hat thomas recht 😉")
    expect(held.locator(".comment-awaiting-moderation")).to_have_text(
        "Dein Kommentar wartet auf Freischaltung."
    )
    expect(
        page.locator(f"li#comment-{reply.parent_id} ol.children li#comment-{reply.pk}")
    ).to_have_count(1)


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_captcha_can_be_listened_to_and_the_spoken_code_passes(page, demo_site, settings):
    """Chromium plays the spoken code (a real WAV of some seconds); typing it gets through."""
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    settings.BLOG_CAPTCHA_SPEAKER = shutil.which("espeak-ng")
    page.goto(demo_site + "/2026/11/20/hartes-training/")
    picture = page.locator("img.captcha")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    audio = page.locator(".comment-form-captcha audio")
    expect(audio).to_have_attribute("preload", "none")
    expect(audio).to_have_accessible_name("Oder anhören:")
    duration = audio.evaluate(
        """el => new Promise((resolve, reject) => {
            el.addEventListener("loadedmetadata", () => resolve(el.duration));
            el.addEventListener("error", () => reject(new Error("audio error")));
            setTimeout(() => reject(new Error("no audio metadata in 15 s")), 15000);
            el.preload = "metadata";
            el.load();
        })"""
    )
    assert duration > 1.0
    # One challenge only: the audio spoke the picture's, it made none of its own.
    challenge = _challenge(page)
    assert CaptchaStore.objects.exclude(pk=challenge.pk).filter(pk__gt=challenge.pk).count() == 0
    page.locator("#id_body").fill("gehört und eingetippt")
    page.locator("#id_author_name").fill("Hörerin")
    page.locator("#id_author_email").fill("hoererin@example.org")
    page.locator("#id_captcha").fill(challenge.response)
    page.locator("#submit").click()
    expect(page.locator(".comment-awaiting-moderation")).to_have_count(1)
    assert Comment.objects.filter(author_name="Hörerin").exists()


def _challenge(page):
    """The challenge this browser holds, named in its signed captcha cookie.

    Found by the cookie rather than as the only row: a picture that a test before this
    one requested late (a lazy image) may have left a challenge of its own.
    """
    from captcha.models import CaptchaStore

    (cookie,) = [c for c in page.context.cookies() if c["name"] == "comment_captcha"]
    return CaptchaStore.objects.get(hashkey=cookie["value"].split(":")[0])


def _captcha_shown(page):
    """The captcha picture, scrolled to and loaded (it is loaded lazily)."""
    picture = page.locator("img.captcha")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    return picture


def test_wrong_code_gets_a_new_picture_and_the_old_one_is_dead(page, demo_site, settings):
    """A wrong code: German error, empty code field under a new picture, text kept; the old
    picture's code no longer works, even with its cookie sent again; the new one does."""
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    text = "Eine lange Antwort.\n\nMit zwei Absätzen 😉"
    page.goto(demo_site + "/2026/11/20/hartes-training/")
    page.locator("#id_body").fill(text)
    page.locator("#id_author_name").fill("Rätselfreundin")
    page.locator("#id_author_email").fill("raetsel@example.org")
    first = _captcha_shown(page).screenshot()
    old = _challenge(page)
    (old_cookie,) = [c for c in page.context.cookies() if c["name"] == "comment_captcha"]
    page.locator("#id_captcha").fill("falsch")
    page.locator("#submit").click()

    expect(page.locator("#id_captcha_error")).to_have_text(
        "Der Sicherheitscode war falsch. Bitte versuche es erneut."
    )
    expect(page.locator("#id_captcha")).to_have_value("")
    expect(page.locator("#id_body")).to_have_value(text)
    expect(page.locator("#id_author_name")).to_have_value("Rätselfreundin")
    assert _captcha_shown(page).screenshot() != first
    new = _challenge(page)
    assert new.hashkey != old.hashkey
    assert not CaptchaStore.objects.filter(pk=old.pk).exists()

    # Replaying the old picture's cookie with its right code: refused, nothing saved.
    page.context.add_cookies([old_cookie])
    page.locator("#id_captcha").fill(old.response)
    page.locator("#submit").click()
    expect(page.locator("#id_captcha_error")).to_have_text(
        "Der Sicherheitscode ist abgelaufen. Bitte gib den neuen Code ein."
    )
    expect(page.locator("#id_body")).to_have_value(text)
    assert not Comment.objects.filter(author_name="Rätselfreundin").exists()

    _captcha_shown(page)
    page.locator("#id_captcha").fill(_challenge(page).response)
    page.locator("#submit").click()
    expect(page.locator(".comment-awaiting-moderation")).to_have_count(1)
    assert Comment.objects.get(author_name="Rätselfreundin").body.replace("\r\n", "\n") == text
