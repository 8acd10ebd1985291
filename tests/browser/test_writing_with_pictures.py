"""An author writes a post with pictures in Chromium (issue #12): two images dropped and
pasted into the text, one picked from the library with the keyboard, the featured image
from the library, tags typed with a suggestion and one new, a child category ticked,
published with <!--more-->; the home page shows the part before it with "Weiterlesen",
the post page all of it, and every image loads."""

import base64
import re

import pytest
from playwright.sync_api import expect

from blog.models import Post, Tag
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import CategoryFactory, MediaFactory, TagFactory, image_bytes, image_upload

pytestmark = pytest.mark.browser

MEDIA_MARKDOWN = re.compile(r"!\[[^\]]*\]\(/media/library/[^)\s]+(?: \"[^\"]*\")?\)")


@pytest.fixture
def desk(transactional_db, live_server, superuser):
    """A blog with a category tree, a tag and two library images; the live server's URL."""
    sport = CategoryFactory(name="Sport")
    CategoryFactory(name="Laufen", parent=sport)
    TagFactory(name="Laufen")
    MediaFactory(file=image_upload("gipfel.jpg", size=(1200, 800)), alt="Gipfelkreuz")
    MediaFactory(file=image_upload("morgen.jpg", size=(1600, 900)), alt="Sonnenaufgang")
    return live_server.url


def _file_into_text(page, event: str, name: str, content: bytes, kind: str):
    """Drop (event "drop") or paste ("paste") a file into the body, as the browser does."""
    page.evaluate(
        """([event, name, data, kind]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: kind}));
            const text = document.querySelector("#id_body");
            const init = {bubbles: true, cancelable: true};
            const e = event === "drop"
                ? new DragEvent("drop", {...init, dataTransfer: transfer})
                : new ClipboardEvent("paste", {...init, clipboardData: transfer});
            text.dispatchEvent(e);
        }""",
        [event, name, base64.b64encode(content).decode(), kind],
    )


def _login(page, base_url):
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()


def _choose_in_picker(page, opener, query: str):
    """Open the picker, search, and choose the first hit with the keyboard."""
    opener.click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".media-picker-search")).to_be_focused()
    page.keyboard.type(query)
    expect(dialog.locator(".media-picker-choice")).to_have_count(1)
    expect(dialog.locator(".media-picker-message")).to_have_text("Ein Bild gefunden.")
    page.keyboard.press("Tab")
    expect(dialog.locator(".media-picker-choice")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("dialog[open]")).to_have_count(0)


def test_author_writes_a_post_with_pictures(page, desk):
    """Drop, paste, pick, featured image, tags, category, <!--more-->, publish, read."""
    base_url = desk
    _login(page, base_url)
    page.goto(base_url + "/admin/blog/post/add/")
    form_text = page.locator("#post_form").inner_text()
    for english in ("Choose all", "Available", "Chosen", "Remove all", "Insert image"):
        assert english not in form_text

    page.locator("#id_title").fill("Auf den Gipfel")
    body = page.locator("#id_body")
    body.fill("Der Anfang der Tour.\n\n<!--more-->\n\nDer Rest mit Bildern.\n\n")
    body.press("Control+End")

    # A photo dropped and a screenshot pasted: each uploaded, its Markdown at the cursor.
    _file_into_text(page, "drop", "aufstieg.jpg", image_bytes(size=(1400, 900)), "image/jpeg")
    _file_into_text(
        page, "paste", "image.png", image_bytes(size=(800, 600), fmt="PNG"), "image/png"
    )
    expect(body).to_have_value(re.compile(r"/media/library/[\s\S]*/media/library/"))
    expect(body).not_to_have_value(re.compile("Wird hochgeladen"))
    # A text file is refused in German, and the text stays as it was.
    before = body.input_value()
    _file_into_text(page, "drop", "notiz.jpg", b"kein Bild", "image/jpeg")
    expect(page.locator(".markdown-editor-status")).to_contain_text(
        "notiz.jpg: Die Datei ist kein gültiges Bild."
    )
    expect(body).to_have_value(before)

    # One from the library, chosen with the keyboard, inserted at the cursor.
    body.press("Control+End")
    _choose_in_picker(
        page, page.get_by_role("button", name="Bild aus der Mediathek einfügen"), "gipfel"
    )
    expect(body).to_have_value(re.compile(r"!\[Gipfelkreuz\]\(/media/library/"))
    assert len(MEDIA_MARKDOWN.findall(body.input_value())) == 3

    # The featured image from the library.
    _choose_in_picker(page, page.get_by_role("button", name="Aus der Mediathek wählen"), "sonnen")
    expect(page.locator(".featured-media-preview img")).to_be_visible()
    expect(page.locator("#id_featured_media option:checked")).to_have_text("Sonnenaufgang")

    # Tags: a suggestion for "Lau", and a new one typed.
    tags = page.locator("#id_tags")
    tags.press_sequentially("Lau")
    expect(page.locator("#id_tags_suggestions option[value='Laufen']")).to_have_count(1)
    tags.fill("Laufen, Bergwelt")

    page.get_by_label("Laufen", exact=True).check()
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)

    post = Post.objects.get(title="Auf den Gipfel")
    assert sorted(t.name for t in post.tags.all()) == ["Bergwelt", "Laufen"]
    assert Tag.objects.count() == 2
    assert [c.path for c in post.categories.all()] == ["sport/laufen"]
    assert post.featured_media.alt == "Sonnenaufgang"
    assert len(MEDIA_MARKDOWN.findall(post.body)) == 3

    # The home page: the part before <!--more-->, "Weiterlesen", the featured image.
    page.goto(base_url + "/")
    summary = page.locator(f"#post-{post.pk}")
    expect(summary.locator(".entry-summary")).to_have_text("Der Anfang der Tour.")
    expect(summary).not_to_contain_text("Der Rest")
    expect(summary.locator("a.more-link")).to_contain_text("Weiterlesen")
    summary.locator("a.more-link").click()

    # The post: all of it, three images in the text and the featured one, each served.
    expect(page.locator(".entry-content")).to_contain_text("Der Rest mit Bildern.")
    images = page.locator("article img")
    expect(images).to_have_count(4)
    for src in images.evaluate_all("imgs => imgs.map(i => i.currentSrc || i.src)"):
        response = page.request.get(src)
        assert response.status == 200, src
        assert response.headers["content-type"].startswith("image/"), src
    for index in range(4):
        images.nth(index).scroll_into_view_if_needed()
        expect(images.nth(index)).to_have_js_property("complete", True)
        assert images.nth(index).evaluate("i => i.naturalWidth") > 0
