"""The captcha read aloud for commenters who cannot see the picture (comments/speech.py)."""

import shutil

import pytest
from django.urls import reverse

from comments import speech
from tests.comments.helpers import one, select, send_comment

pytestmark = pytest.mark.django_db

needs_espeak = pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="espeak-ng is not installed (.ci/run installs it)"
)


@pytest.fixture
def speaker(settings):
    settings.BLOG_CAPTCHA_SPEAKER = shutil.which("espeak-ng")
    settings.CAPTCHA_TEST_MODE = False
    return settings


def test_challenge_is_spelled_out_character_by_character():
    assert speech.spoken_text("K7XB") == "K, 7, X, B"


@needs_espeak
def test_audio_speaks_the_challenge_of_the_picture_and_it_passes(client, post, speaker):
    """Same key as the picture this browser loaded: listening and then typing works."""
    from captcha.models import CaptchaStore

    client.get(reverse("comments:captcha_image"))
    (store,) = CaptchaStore.objects.all()
    audio = client.get(reverse("comments:captcha_audio"))
    assert audio.status_code == 200
    assert audio["Content-Type"] == "audio/wav"
    assert audio.content[:4] == b"RIFF" and audio.content[8:12] == b"WAVE"
    assert len(audio.content) > 8000  # a second or more of speech, not an empty file
    assert "no-store" in audio["Cache-Control"]
    assert "comment_captcha" not in audio.cookies  # the picture's key stays
    assert CaptchaStore.objects.count() == 1
    assert send_comment(client, post, captcha=store.response).status_code == 302


@needs_espeak
def test_audio_without_a_picture_makes_its_own_challenge(client, post, speaker):
    from captcha.models import CaptchaStore

    audio = client.get(reverse("comments:captcha_audio"))
    assert audio.status_code == 200
    assert "comment_captcha" in audio.cookies
    (store,) = CaptchaStore.objects.all()
    assert send_comment(client, post, captcha=store.response).status_code == 302


@needs_espeak
def test_after_a_wrong_answer_the_audio_speaks_a_new_challenge(client, post, speaker):
    """The wrong answer ended the challenge; the audio does not read out the dead one."""
    from captcha.models import CaptchaStore

    client.get(reverse("comments:captcha_image"))
    old = CaptchaStore.objects.get()
    assert send_comment(client, post, captcha="falsch").status_code == 400
    audio = client.get(reverse("comments:captcha_audio"))
    assert audio.status_code == 200
    new = CaptchaStore.objects.get()
    assert new.hashkey != old.hashkey
    assert audio.content == speech.speak(new.challenge, "de")
    assert send_comment(client, post, captcha=new.response).status_code == 302


@needs_espeak
def test_german_and_english_voices_differ(speaker):
    """German readers hear German letter names."""
    assert speech.speak("K7XB", "de") != speech.speak("K7XB", "en")


@needs_espeak
def test_form_offers_the_audio_next_to_the_picture(client, post, speaker):
    response = client.get(post.get_absolute_url())
    audio = one(response, "audio")
    assert audio.attrs["src"] == reverse("comments:captcha_audio")
    assert audio.attrs["preload"] == "none"  # no challenge made for readers who never play it
    label = one(response, "span", id="captcha-audio-label")
    assert label.clean_text == "Oder anhören:"
    assert audio.attrs["aria-labelledby"] == "captcha-audio-label"
    (fallback,) = [a for a in select(response, "a") if a.attrs.get("href") == audio.attrs["src"]]
    assert fallback.clean_text == "Sicherheitscode anhören"


def test_without_a_speaker_there_is_no_audio(client, post, settings):
    settings.BLOG_CAPTCHA_SPEAKER = ""
    assert not select(client.get(post.get_absolute_url()), "audio")
    assert client.get(reverse("comments:captcha_audio")).status_code == 404


def test_a_broken_speaker_is_a_clear_503(client, settings, tmp_path):
    broken = tmp_path / "speaker"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    settings.BLOG_CAPTCHA_SPEAKER = str(broken)
    response = client.get(reverse("comments:captcha_audio"))
    assert response.status_code == 503
    assert "Sicherheitscode kann gerade nicht vorgelesen werden" in response.content.decode()
