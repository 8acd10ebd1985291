"""The Webmention pages and a post with a Webmention comment and reactions are valid HTML
(vnu, as tests/live/test_validity.py checks the other pages)."""

import shutil

import pytest
from django.test import Client, override_settings

from comments.models import Comment, Reaction
from tests.live.test_validity import _check


@pytest.mark.slow
@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
@pytest.mark.django_db
def test_webmention_pages_are_valid_html(post, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless)")
    client = Client()
    Comment.objects.create(
        post=post,
        author_name="Anna",
        author_url="https://anna.example/",
        body="Schön!",
        status=Comment.Status.APPROVED,
        origin=Comment.Origin.WEBMENTION,
        remote_id="https://anna.example/notiz?a=1&b=2",
    )
    Reaction.objects.create(post=post, kind="like", origin="webmention", actor="https://b.example/")
    target = "http://testserver" + post.get_absolute_url()
    accepted = client.post("/webmention/", {"source": "https://a.example/", "target": target})
    pages = {
        "endpoint": client.get("/webmention/").content.decode(),
        "400": client.post("/webmention/", {"source": "x"}).content.decode(),
        "202": accepted.content.decode(),
        "status": client.get(accepted["Location"]).content.decode(),
        "post": client.get(post.get_absolute_url()).content.decode(),
    }
    assert "comment-via" in pages["post"] and "post-reactions" in pages["post"]
    assert _check(pages, tmp_path) == {name: [] for name in pages}
