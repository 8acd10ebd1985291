"""A reader finds their way around the blog in Chromium, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _read_the_blog(page, base_url):
    page.goto(base_url + "/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_role("link", name="hartes training", exact=True).first.click()
    expect(page.locator("h1.entry-title")).to_have_text("hartes training")
    expect(page).to_have_title("hartes training – oliver schreibt")
    expect(page.locator(".entry-content")).to_contain_text(
        "hin und wieder bekommt man von kunden so richtig einen auf den deckel."
    )
    expect(page.locator(".entry-content")).to_contain_text("nicht zu viele gelegenheiten zum üben")

    # The archive by month, from the sidebar.
    page.locator(".widget-archives a").first.click()
    expect(page.locator("h1.page-title")).to_contain_text("2026")
    expect(page.get_by_role("link", name="hartes training", exact=True).first).to_be_visible()

    # A category.
    page.locator(".widget-categories a", has_text="Kunden").click()
    expect(page.locator("h1.page-title")).to_contain_text("Kunden")
    expect(page.locator("article h2")).to_contain_text(["hartes training"])

    # Search, with the term kept in the box.
    box = page.locator("#search-sidebar")
    box.fill("deckel")
    box.press("Enter")
    expect(page.locator("h1.page-title")).to_contain_text("deckel")
    expect(page.locator("#search-sidebar")).to_have_value("deckel")
    expect(page.locator("article h2").first).to_have_text("hartes training")


def test_reader_browses_on_a_desktop(page, demo_site):
    """Home → post → monthly archive → category → search, in a desktop window."""
    _read_the_blog(page, demo_site)


def test_reader_browses_on_a_phone(phone_page, demo_site):
    """The same walk in a 390 px viewport, without horizontal scrolling."""
    _read_the_blog(phone_page, demo_site)
    phone_page.goto(demo_site + "/2026/11/20/hartes-training/")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_pagination_reaches_older_posts(page, demo_site):
    """The home page links to page 2, which lists the oldest demo post."""
    page.goto(demo_site + "/")
    page.locator(".pagination a.nav-previous").click()
    expect(page).to_have_url(demo_site + "/page/2/")
    expect(page.get_by_role("link", name="frühsommer", exact=True)).to_be_visible()
