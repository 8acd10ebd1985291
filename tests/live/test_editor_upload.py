"""An image dropped into the post editor, through a running server (issue #12).

runserver (DEBUG on, what `make run` starts) and gunicorn (DEBUG off): the editor's
upload request as static/js/admin-media.js sends it (multipart, CSRF token from the
form), the picker's search, and the image, its variants and its thumbnail served from
the post that shows it: 200, an image, never a 500.
"""

import io
import json

import pytest
from PIL import Image

from tests.live import LiveServer, csrf_token
from tests.live.test_media import assert_served, image_urls

PASSWORD = "Richtig-Pferd-Batterie-42"
MODES = {
    "runserver-debug": {"kind": "runserver", "debug": True},
    "gunicorn": {"kind": "gunicorn", "debug": False},
}


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1800, 1200), (40, 140, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module", params=list(MODES))
def server(request, tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp(request.param), **MODES[request.param]) as server:
        server.create_superuser("chefin", PASSWORD)
        yield server


def test_image_dropped_into_the_editor_is_served(server):
    """Upload as the editor does, then the post with its Markdown: every image loads."""
    admin = server.session()
    admin.login("chefin", PASSWORD)
    form = admin.get("/admin/blog/post/add/")
    assert form.status == 200, server.errors()
    assert 'class="markdown-editor"' in form.text
    response = admin.post(
        "/admin/blog/media/upload/",
        {"csrfmiddlewaretoken": csrf_token(form.text)},
        files={"file": ("wiese.jpg", _photo(), "image/jpeg")},
    )
    assert response.status == 201, f"{response.status} {response.text[:2000]}\n{server.errors()}"
    dropped = json.loads(response.body)
    assert dropped["markdown"].startswith("![](/media/library/")
    assert_served(server, dropped["thumbnail"], "image/jpeg")

    found = admin.get("/admin/blog/media/picker/?q=wiese")
    assert found.status == 200
    assert [item["id"] for item in json.loads(found.body)["results"]] == [dropped["id"]]

    post_url = server.shell(
        "from blog.models import Post\n"
        "from django.contrib.auth import get_user_model\n"
        "post = Post.objects.create(title='Wiese', slug='wiese', status='published', "
        f"body={'Grün.' + chr(10) * 2 + dropped['markdown']!r}, "
        "author=get_user_model().objects.get(username='chefin'))\n"
        "print(post.get_absolute_url())"
    ).strip()
    page = server.get(post_url)
    assert page.status == 200, server.errors()
    urls = [u for u in image_urls(page.text) if u.startswith("/media/library/")]
    assert {assert_served(server, url, "image/jpeg").width for url in urls} == {
        480,
        960,
        1600,
        1800,
    }
    assert " 500 " not in server.output()
