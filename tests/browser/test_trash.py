"""The author moves a post to the trash in the admin and restores it; a reader in another
browser sees it go and come back at the same address (issue #12)."""

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests.conftest import SUPERUSER_PASSWORD
from tests.factories import PostFactory

pytestmark = pytest.mark.browser


def _reader(browser, url):
    """A reader's fresh browser (no HTTP cache of an earlier visit) on `url`: (page, status)."""
    page = browser.new_context(locale="de-DE").new_page()
    response = page.goto(url)
    return page, response.status


@pytest.fixture
def blog(transactional_db, live_server, superuser):
    post = PostFactory(author=superuser, title="hartes training", body="Intervalle am Berg.")
    return live_server.url, post


def test_trash_and_restore_through_the_admin(page, browser, blog):
    """Bulk action "In den Papierkorb legen" → gone for a reader (404, not on the home
    page); "Papierkorb" → "Wiederherstellen" → back at the same address."""
    base_url, post = blog
    post_url = base_url + post.get_absolute_url()
    reader, _status = _reader(browser, base_url + "/")
    expect(reader.locator("h2.entry-title", has_text="hartes training")).to_have_count(1)
    reader.context.close()

    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill("chefin")
    page.locator("#id_password").fill(SUPERUSER_PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#content-main a", has_text="Beiträge").first.click()

    row = page.locator("#result_list tbody tr", has_text="hartes training")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("trash_selected")
    page.locator("button[name=index]").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "1 Eintrag in den Papierkorb verschoben."
    )
    expect(page.locator("#result_list tbody tr", has_text="hartes training")).to_have_count(0)
    assert Post.objects.get(pk=post.pk).is_trashed

    # A reader: the home page (in the page cache before) no longer lists it, its
    # address is 404.
    reader, _status = _reader(browser, base_url + "/")
    expect(reader.locator("h2.entry-title", has_text="hartes training")).to_have_count(0)
    assert reader.goto(post_url).status == 404
    reader.context.close()

    # The trash view shows it; restore it there.
    page.locator("#changelist-filter a", has_text="Papierkorb (1)").click()
    row = page.locator("#result_list tbody tr", has_text="hartes training")
    expect(row).to_contain_text("gelöscht")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("restore_selected")
    page.locator("button[name=index]").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "1 Eintrag wiederhergestellt."
    )

    reader, status = _reader(browser, post_url)
    assert status == 200
    expect(reader.locator("h1.entry-title")).to_have_text("hartes training")
    reader.goto(base_url + "/")
    expect(reader.locator("h2.entry-title", has_text="hartes training")).to_have_count(1)
    reader.context.close()
