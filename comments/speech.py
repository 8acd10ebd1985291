"""The captcha read aloud, for commenters who cannot see the picture (issue #3).

A picture alone locks out blind commenters (WCAG 1.1.1 asks for a second way). When
Debian's espeak-ng is installed (settings.BLOG_CAPTCHA_SPEAKER, found on the PATH by
default), the form offers the same challenge as audio, spoken in the page's language:
German readers hear "Ka, Sieben, Iks", not English letter names. espeak-ng writes WAV to
stdout; nothing touches the disk, and a slow or failing speaker is an error, not a hang.
"""

import subprocess

from django.conf import settings

# espeak-ng voices by the blog's languages.
VOICES = {"de": "de", "en": "en"}
TIMEOUT = 10


class SpeechUnavailable(Exception):
    """No speaker configured, or it failed."""


def available() -> bool:
    return bool(getattr(settings, "BLOG_CAPTCHA_SPEAKER", ""))


def spoken_text(challenge: str) -> str:
    """One character at a time, with pauses: "K7XB" → "K, 7, X, B"."""
    return ", ".join(challenge.strip())


def speak(challenge: str, language: str) -> bytes:
    """WAV audio of the challenge, spelled out in `language`."""
    if not available():
        raise SpeechUnavailable("no speaker configured")
    voice = VOICES.get((language or "").split("-")[0], "en")
    try:
        result = subprocess.run(  # noqa: S603 — a fixed program, the text is one argument
            [settings.BLOG_CAPTCHA_SPEAKER, "-v", voice, "-s", "100", "--stdout"],
            input=spoken_text(challenge).encode(),
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SpeechUnavailable(str(exc)) from exc
    if not result.stdout.startswith(b"RIFF"):
        raise SpeechUnavailable("the speaker wrote no WAV audio")
    return result.stdout
