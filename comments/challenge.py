"""The captcha's challenges: django-simple-captcha's CaptchaStore rows (issue #10).

A browser holds one challenge, named in a signed cookie (comments/views.py). Loading the
picture again shows the same challenge and gives it its full time again, rather than
adding a row per request. A wrong or late answer ends the challenge (one guess per
picture), and the form then shows a new one; a right answer ends it when the comment is
saved. The time is settings.CAPTCHA_TIMEOUT minutes, read here on each use; rows past
it are deleted nightly by `manage.py captcha_clean` (deploy/blog.cron).
"""

import datetime
import enum

from django.conf import settings
from django.utils import timezone


class Verdict(enum.Enum):
    PASSED = "passed"
    WRONG = "invalid"
    EXPIRED = "expired"


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.CAPTCHA_TIMEOUT)


def current_or_new(key: str):
    """The live challenge named `key`, given its full time again, or a new challenge."""
    from captcha.conf import settings as captcha_settings
    from captcha.models import CaptchaStore

    now = timezone.now()
    expiration = now + lifetime()
    live = CaptchaStore.objects.filter(hashkey=key, expiration__gt=now) if key else None
    if live is not None and live.update(expiration=expiration):
        store = CaptchaStore.objects.filter(hashkey=key).first()
        if store is not None:  # else answered in the meantime
            return store
    challenge, response = captcha_settings.get_challenge()()
    return CaptchaStore.objects.create(
        challenge=challenge, response=response, expiration=expiration
    )


def check(key: str, answer: str) -> Verdict:
    """Whether `answer` solves the challenge `key`; a wrong or late answer ends it.

    A key whose row is gone was answered already or removed after its time: for the
    commenter, both mean the picture they typed from is no longer valid.
    """
    from captcha.models import CaptchaStore

    store = CaptchaStore.objects.filter(hashkey=key).first() if key else None
    if store is None:
        return Verdict.EXPIRED if key else Verdict.WRONG
    if store.expiration <= timezone.now():
        verdict = Verdict.EXPIRED
    elif store.response != answer.lower():
        verdict = Verdict.WRONG
    else:
        return Verdict.PASSED
    CaptchaStore.objects.filter(pk=store.pk).delete()
    return verdict


def consume(key: str) -> None:
    """End a solved challenge, so that it serves one comment only."""
    from captcha.models import CaptchaStore

    if key:
        CaptchaStore.objects.filter(hashkey=key).delete()
