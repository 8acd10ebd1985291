"""Uploaded files through a running server, in both modes the README documents (issue #10).

`make run` (runserver, DEBUG on) and gunicorn without nginx (DEBUG off) serve /media/
themselves. Every kind of file there is fetched the way a browser does, from the URLs
in the pages people see: an image uploaded through the admin's form and its srcset
variants, the admin's thumbnail of it, a featured image, an imported WordPress
attachment, and the demo's footer badges. Each answers 200 with the right type and the
stored bytes.
"""

import io

import pytest
from PIL import Image

from tests.html import parse, select
from tests.live import LiveServer, csrf_token
from tests.wordpress import build

PASSWORD = "Richtig-Pferd-Batterie-42"
MODES = {
    "runserver-debug": {"kind": "runserver", "debug": True},
    "gunicorn": {"kind": "gunicorn", "debug": False},
}


def _image(fmt: str, size=(2000, 1200), colour=(200, 90, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module", params=list(MODES))
def server(request, tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp(request.param), **MODES[request.param]) as server:
        server.manage("load_demo")  # first, while the blog is empty
        server.create_superuser("chefin", PASSWORD)
        yield server


@pytest.fixture(scope="module")
def admin(server):
    session = server.session()
    session.login("chefin", PASSWORD)
    return session


def image_urls(page: str) -> list[str]:
    """Every src and srcset URL of the page's images."""
    urls = []
    for img in select(parse(page), "img"):
        urls.append(img.attrs["src"])
        urls += [part.split()[0] for part in img.attrs.get("srcset", "").split(",") if part]
    return urls


def assert_served(server, url: str, content_type: str = "image/*") -> Image.Image | None:
    """The file at `url` answers 200 with this type ("image/*": any), all of it.

    An image must be whole and of the type its Content-Type names.
    """
    response = server.get(url)
    assert response.status == 200, f"{url}: {response.status}\n{server.errors()}"
    if content_type != "image/*":
        assert response.content_type == content_type, url
    assert int(response.headers["Content-Length"]) == len(response.body)
    if not content_type.startswith("image/"):
        return None
    image = Image.open(io.BytesIO(response.body))
    image.load()
    assert Image.MIME[image.format] == response.content_type, url
    return image


def upload(admin, content: bytes, name: str, alt: str) -> str:
    """Upload an image through the admin's media form; the change page it leads to."""
    form = admin.get("/admin/blog/media/add/")
    assert form.status == 200
    response = admin.post(
        "/admin/blog/media/add/",
        {"csrfmiddlewaretoken": csrf_token(form.text), "alt": alt, "caption": "", "_continue": "1"},
        files={"file": (name, content, "image/jpeg")},
    )
    assert response.status == 302, response.text[:3000]
    return admin.get(response.headers["Location"]).text


def test_uploaded_image_and_its_variants_are_served(server, admin):
    """An image uploaded in the admin, pasted into a post: the post's src and srcset all load."""
    change_page = upload(admin, _image("JPEG"), "laufbahn.jpg", "Die Laufbahn")
    markdown = select(parse(change_page), "code", "media-markdown")[0].clean_text
    assert markdown.startswith("![Die Laufbahn](/media/library/")
    post_url = server.shell(
        "from blog.models import Post\n"
        "from django.contrib.auth import get_user_model\n"
        "author = get_user_model().objects.get(username='chefin')\n"
        "post = Post.objects.create(title='Auf der Bahn', slug='auf-der-bahn', "
        f"body={markdown!r}, status='published', author=author)\n"
        "print(post.get_absolute_url())"
    ).strip()
    page = server.get(post_url)
    assert page.status == 200
    urls = [u for u in image_urls(page.text) if u.startswith("/media/library/")]
    widths = set()
    for url in urls:
        widths.add(assert_served(server, url, "image/jpeg").width)
    assert widths == {480, 960, 1600, 2000}


def test_admin_media_thumbnails_are_served(server, admin):
    """The media library's list shows a thumbnail for each image, and it loads."""
    upload(admin, _image("JPEG", (1000, 600), (20, 120, 200)), "himmel.jpg", "Himmel")
    listing = admin.get("/admin/blog/media/")
    assert listing.status == 200
    thumbnails = select(parse(listing.text), "img", "media-thumbnail")
    assert thumbnails
    for img in thumbnails:
        assert assert_served(server, img.attrs["src"], "image/jpeg").width == 480


def test_featured_image_is_served(server):
    """A post's featured image and its srcset variants load from the post page."""
    post_url = server.shell(
        "from blog.models import Post\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.core.files.base import ContentFile\n"
        f"image = ContentFile({_image('PNG', (1000, 500))!r}, name='titelbild.png')\n"
        "post = Post(title='Mit Bild', slug='mit-bild', body='Text.', status='published', "
        "author=get_user_model().objects.get(username='chefin'), featured_image=image)\n"
        "post.save()\n"
        "print(post.get_absolute_url())"
    ).strip()
    page = server.get(post_url)
    assert page.status == 200
    urls = [u for u in image_urls(page.text) if "titelbild" in u]
    assert {assert_served(server, url).width for url in urls} == {480, 960, 1000}


def test_imported_wordpress_attachments_are_served(server, tmp_path):
    """After importing a WordPress export with its uploads, the post's image and PDF load."""
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    (uploads / "foto.jpg").write_bytes(_image("JPEG", (800, 600), (40, 160, 60)))
    (uploads / "plan.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    base = "https://example.org/wp-content/uploads/2024/05/"
    content = (
        f'<img class="wp-image-300" src="{base}foto.jpg" alt="Laufbahn" width="800" '
        f'height="600" /> Hier der <a href="{base}plan.pdf">Trainingsplan</a>.'
    )
    export = build.write(
        tmp_path,
        build.wxr(
            build.item(100, "Importiert", slug="importiert", content=content),
            build.item(300, "foto", slug="foto", post_type="attachment", status="inherit",
                       parent=100, attachment_url=base + "foto.jpg"),
            build.item(302, "plan", slug="plan", post_type="attachment", status="inherit",
                       parent=100, attachment_url=base + "plan.pdf"),
        ),
    )  # fmt: skip
    options = ["--media-dir", str(tmp_path / "uploads")]
    if "--keep-demo" in server.manage("import_wordpress", "--help"):
        options.append("--keep-demo")  # this blog holds the demo content too
    server.manage("import_wordpress", str(export), *options)
    page = server.get("/2025/01/07/importiert/")
    assert page.status == 200
    images = [u for u in image_urls(page.text) if u.startswith("/media/library/")]
    assert images
    for url in images:
        assert_served(server, url, "image/jpeg")
    links = [a.attrs["href"] for a in select(parse(page.text), "a")]
    pdfs = [href for href in links if href.startswith("/media/") and href.endswith(".pdf")]
    assert len(pdfs) == 1
    assert_served(server, pdfs[0], "application/pdf")


def test_demo_footer_badges_are_served(server):
    """The demo's footer badges, on every page, load."""
    page = server.get("/")
    assert page.status == 200
    badges = [img.attrs["src"] for img in select(parse(page.text), "img") if img.within("footer")]
    assert len(badges) >= 2
    for url in badges:
        assert_served(server, url, "image/png")


def test_media_answers_conditional_requests(server):
    """A browser revalidating a cached image gets 304; a missing file is a 404."""
    page = server.get("/")
    url = next(img.attrs["src"] for img in select(parse(page.text), "img") if img.within("footer"))
    first = server.get(url)
    assert first.status == 200
    again = server.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status == 304
    assert server.get("/media/badges/gibt-es-nicht.png").status == 404
