"""The author never loses a word, in Chromium (issue #12): autosave and restore after closing
the tab, three saves and the first revision restored, the unsaved text previewed in the
site's theme in a new tab, a shared preview link opened without login, and the browser's
question before leaving unsaved changes."""

import time

import pytest
from playwright.sync_api import expect

from blog.models import Autosave, Post
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import PostFactory

pytestmark = pytest.mark.browser

OFFER = "Es gibt eine automatische Sicherung dieses Beitrags, die neuer ist als die Version unten."


@pytest.fixture
def desk(transactional_db, live_server, superuser, settings):
    """The live server with autosaves every second (30 in production); its URL."""
    settings.BLOG_AUTOSAVE_SECONDS = 1
    return live_server.url


def _login(page, base_url):
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()


def _type(page, selector: str, text: str):
    """Click into a field, select what is there, and type over it, as a person does."""
    field = page.locator(selector)
    field.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _wait_for(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_autosave_survives_closing_the_tab_and_is_restored(page, desk, superuser):
    """A new post is autosaved while written; after the tab is closed the add form offers
    the autosave, "Sicherung wiederherstellen" fills the form, saving clears it."""
    _login(page, desk)
    page.goto(desk + "/admin/blog/post/add/")
    _type(page, "#id_title", "Mein neuer Beitrag")
    _type(page, "#id_body", "Ein Absatz, der nicht verloren gehen darf.")
    expect(page.locator(".autosave-status")).to_contain_text("Automatisch gesichert um")
    assert _wait_for(lambda: Autosave.objects.filter(title="Mein neuer Beitrag").exists())
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(desk + "/admin/blog/post/add/")
    expect(again.locator(".autosave-offer")).to_contain_text(OFFER)
    expect(again.locator("#id_title")).to_have_value("")
    again.locator(".autosave-restore").click()
    expect(again.locator("#id_title")).to_have_value("Mein neuer Beitrag")
    expect(again.locator("#id_body")).to_have_value("Ein Absatz, der nicht verloren gehen darf.")
    expect(again.locator(".autosave-restored, .autosave-offer li.info")).to_contain_text(
        "Die automatische Sicherung ist unten eingesetzt."
    )
    again.locator("input[name=_save]").click()
    expect(again.locator("ul.messagelist li.success")).to_have_count(1)
    post = Post.objects.get(title="Mein neuer Beitrag")
    assert post.body == "Ein Absatz, der nicht verloren gehen darf."
    assert not Autosave.objects.exists()


def test_hiding_the_tab_saves_at_once(page, desk, superuser, settings):
    """With the interval far away, closing the tab still autosaves the latest text."""
    settings.BLOG_AUTOSAVE_SECONDS = 3600
    post = PostFactory(author=superuser, title="Gespeicherter Titel", status="draft")
    _login(page, desk)
    page.goto(desk + f"/admin/blog/post/{post.pk}/change/")
    _type(page, "#id_body", "Gerade getippt, noch nicht gesichert.")
    page.close()
    assert _wait_for(lambda: Autosave.objects.filter(post=post).exists())
    assert Autosave.objects.get(post=post).body == "Gerade getippt, noch nicht gesichert."
    post.refresh_from_db()
    assert post.title == "Gespeicherter Titel"


def test_three_saves_and_the_first_revision_restored(page, desk, superuser):
    """Save three times, compare two versions, restore the first save's text."""
    post = PostFactory(author=superuser, title="Anfang", body="Urfassung.", status="draft")
    _login(page, desk)
    for n in (1, 2, 3):
        page.goto(desk + f"/admin/blog/post/{post.pk}/change/")
        _type(page, "#id_title", f"Fassung {n}")
        _type(page, "#id_body", f"Der Text der Fassung {n}.")
        page.locator("input[name=_continue]").click()
        expect(page.locator("ul.messagelist li.success")).to_have_count(1)

    page.locator("a.desk-revisions-link").click()
    rows = page.locator("#revision-list tr.revision")
    expect(rows).to_have_count(4)  # the state before the first save, and three saves
    expect(rows.first).to_contain_text("chefin".title())
    # Compare the first save (third row) with the newest.
    rows.nth(2).locator("input[name=from]").check()
    rows.nth(0).locator("input[name=to]").check()
    page.locator("button", has_text="Die beiden Versionen vergleichen").click()
    expect(page.locator(".revision-diff del").first).to_contain_text("1")
    expect(page.locator(".revision-diff ins").first).to_contain_text("3")

    page.go_back()
    page.locator("#revision-list tr.revision").nth(2).locator(".revision-restore-link").click()
    page.locator("button.revision-restore").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text("wiederhergestellt")
    expect(page.locator("#id_title")).to_have_value("Fassung 1")
    post.refresh_from_db()
    assert (post.title, post.body) == ("Fassung 1", "Der Text der Fassung 1.")
    page.locator("a.desk-revisions-link").click()
    expect(page.locator("#revision-list tr.revision")).to_have_count(5)


def test_preview_in_the_theme_and_a_shared_link(page, browser, desk, superuser):
    """ "Vorschau" opens the unsaved text in the site's layout in a new tab; a shared
    link shows the draft to a second browser without login."""
    post = PostFactory(author=superuser, title="Mein Entwurf", body="Noch geheim.", status="draft")
    _login(page, desk)

    # A shared link, made while the draft is saved.
    page.goto(desk + f"/admin/blog/post/{post.pk}/change/")
    page.locator("a.desk-preview-link").click()
    page.locator("button[value=create]").click()
    link = page.locator("#preview-link-url").input_value()
    assert "/preview/" in link
    stranger = browser.new_context(locale="de-DE")
    visitor = stranger.new_page()
    response = visitor.goto(link)
    assert response.status == 200
    assert response.headers["x-robots-tag"].startswith("noindex")
    expect(visitor.locator("h1.entry-title")).to_have_text("Mein Entwurf")
    expect(visitor.locator(".site-title")).to_be_visible()
    expect(visitor.locator(".preview-notice")).to_be_visible()
    expect(visitor.locator("#respond")).to_have_count(0)
    expect(visitor.locator(".post-edit-link")).to_have_count(0)
    assert visitor.goto(link.replace("/preview/", "/preview/x")).status == 404
    stranger.close()

    # The unsaved title in the theme, in a new tab.
    page.goto(desk + f"/admin/blog/post/{post.pk}/change/")
    _type(page, "#id_title", "Ungespeicherter Titel")
    with page.context.expect_page() as new_tab:
        page.locator("button.theme-preview-button").click()
    preview = new_tab.value
    preview.wait_for_load_state()
    expect(preview.locator("h1.entry-title")).to_have_text("Ungespeicherter Titel")
    expect(preview.locator(".site-title")).to_be_visible()
    expect(preview.locator(".entry-content")).to_contain_text("Noch geheim.")
    post.refresh_from_db()
    assert post.title == "Mein Entwurf"
    # The form is still there, with its unsaved text.
    expect(page.locator("#id_title")).to_have_value("Ungespeicherter Titel")
    # Closing the tab saves the unsaved text in the background: let that request finish
    # before the test's database is emptied (on PostgreSQL it deadlocked the flush).
    preview.close()
    page.close()
    _wait_for(lambda: Autosave.objects.filter(post=post).exists())


def test_leaving_unsaved_changes_asks_first_saving_does_not(page, desk, superuser):
    """The browser's beforeunload dialog appears when leaving with changes, not on save."""
    post = PostFactory(author=superuser, title="Vorsicht", status="draft")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    _login(page, desk)
    change_url = desk + f"/admin/blog/post/{post.pk}/change/"
    page.goto(change_url)
    page.goto(desk + "/admin/")  # nothing changed: no question
    assert dialogs == []

    page.goto(change_url)
    _type(page, "#id_title", "Geändert, nicht gespeichert")
    page.goto(desk + "/admin/")
    assert dialogs == ["beforeunload"]

    page.goto(change_url)
    _type(page, "#id_title", "Geändert und gespeichert")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_count(1)
    assert dialogs == ["beforeunload"]
    post.refresh_from_db()
    assert post.title == "Geändert und gespeichert"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_preview_and_edit_link_are_accessible(browser, desk, superuser, scheme):
    """The shared preview (with its notice) and a post with "Bearbeiten": axe-clean."""
    from blog import preview
    from tests.browser.test_accessibility import _report, _violations

    draft = PostFactory(author=superuser, title="Entwurf", body="Text.", status="draft")
    public = PostFactory(author=superuser, title="Öffentlich", body="Text.")
    link = preview.make_link(draft, superuser)
    context = browser.new_context(bypass_csp=True, locale="de-DE", color_scheme=scheme)
    page = context.new_page()
    found = {}
    page.goto(desk + preview.link_url(link))
    expect(page.locator(".preview-notice")).to_be_visible()
    found["shared preview"] = _violations(page)
    _login(page, desk)
    page.goto(desk + public.get_absolute_url())
    expect(page.locator(".post-edit-link")).to_be_visible()
    found["post with Bearbeiten"] = _violations(page)
    context.close()
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)
