"""Post passwords cannot be guessed at machine speed (issue #16)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

LIMITED = "Zu viele falsche Passwörter für diesen Beitrag"


@pytest.fixture
def protected(author):
    return PostFactory(
        title="nur mit passwort",
        body="das geheime rezept",
        author=author,
        visibility=Post.Visibility.PASSWORD,
        password="sesam",
    )


def _try(client, post, password, ip="198.51.100.7"):
    return client.post(f"/postpass/{post.pk}/", {"password": password}, REMOTE_ADDR=ip)


def test_too_many_wrong_passwords_are_answered_with_429(client, settings, protected):
    """After the allowed wrong passwords even the right one gets 429 and a German message."""
    settings.BLOG_POST_PASSWORD_ATTEMPTS = 3
    for attempt in range(3):
        response = _try(client, protected, f"falsch{attempt}")
        assert response.status_code == 302
    limited = _try(client, protected, "sesam")
    assertContains(limited, LIMITED, status_code=429)
    assert f"postpass_{protected.pk}" not in limited.cookies
    assertNotContains(limited, "das geheime rezept", status_code=429)
    # The form is still there, for later.
    assertContains(limited, f'action="/postpass/{protected.pk}/"', status_code=429)


def test_limit_is_per_post_and_address(client, settings, protected, author):
    """Another address, or another post, is not held up by someone else's guessing."""
    settings.BLOG_POST_PASSWORD_ATTEMPTS = 2
    other = PostFactory(
        title="auch geheim", author=author, visibility=Post.Visibility.PASSWORD, password="x"
    )
    for _i in range(2):
        _try(client, protected, "falsch")
    assert _try(client, protected, "sesam").status_code == 429
    assertRedirects(
        _try(client, protected, "sesam", ip="203.0.113.50"),
        protected.get_absolute_url(),
        fetch_redirect_response=False,
    )
    assert _try(client, other, "x").status_code == 302


def test_right_password_is_not_counted(client, settings, protected):
    """Readers who know the password can enter it as often as they like."""
    settings.BLOG_POST_PASSWORD_ATTEMPTS = 2
    for _i in range(5):
        assert _try(client, protected, "sesam").status_code == 302
