"""Roles in Chromium (issue #12): an "Autor" logged in through the admin's login is refused
another author's comment, its reply and moderation pages and the DSGVO tools, and lists
only her own commenters; an editor's comment list is readable at 1,366 × 768 (the text
the widest column, e-mail and IP visible under the name) and the post filter finds a
post by typing its title."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CommentFactory, PostFactory
from tests.roles import PASSWORD, member

pytestmark = pytest.mark.browser


@pytest.fixture
def blog(transactional_db, live_server):
    """Anja and Bernd (Autor) with a post and a held comment each, Rita (Redakteur)."""
    anja = member("anja", "Autor")
    bernd = member("bernd", "Autor")
    member("rita", "Redakteur")
    anjas = CommentFactory(
        post=PostFactory(author=anja, title="Anjas Lauf am Rhein"),
        status="pending",
        author_name="Anjas Leserin",
        author_email="anja-leserin@example.net",
        ip_address="198.51.100.23",
        body="Schöne Strecke, bin ich letzte Woche auch gelaufen.",
    )
    bernds = CommentFactory(
        post=PostFactory(author=bernd, title="Bernds Radtour durch die Eifel"),
        status="pending",
        author_name="Bernds Leser",
        author_email="bernd-leser@example.net",
        ip_address="203.0.113.77",
        body="Nur für Bernd bestimmt.",
    )
    return live_server.url, anjas, bernds


def _login(page, base_url: str, username: str):
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_author_is_refused_another_authors_comment_and_the_privacy_tools(page, blog):
    """Every address Anja could type for Bernd's comment answers 403 without its data."""
    base_url, anjas, bernds = blog
    _login(page, base_url, "anja")

    page.goto(base_url + "/admin/comments/comment/")
    expect(page.locator("#result_list")).to_contain_text("anja-leserin@example.net")
    expect(page.locator("#result_list")).not_to_contain_text("Bernds Leser")
    expect(page.locator(".object-tools")).not_to_contain_text("DSGVO")

    for path in [
        f"/admin/comments/comment/{bernds.pk}/change/",
        f"/admin/comments/comment/{bernds.pk}/reply/",
        f"/admin/comments/comment/{bernds.pk}/moderate/approve/",
        "/admin/comments/comment/privacy/",
        "/admin/comments/comment/empty-trash/",
    ]:
        response = page.goto(base_url + path)
        assert response.status == 403, path
        content = page.content()
        for secret in ("bernd-leser@example.net", "203.0.113.77", "Bernds Leser"):
            assert secret not in content, (path, secret)

    # Her own commenter's page opens, with e-mail and IP.
    page.goto(base_url + f"/admin/comments/comment/{anjas.pk}/change/")
    expect(page.locator("#content")).to_contain_text("198.51.100.23")
    bernds.refresh_from_db()
    assert bernds.status == "pending"


def test_comment_list_is_readable_at_1366_pixels(browser, blog, tmp_path):
    """At 1,366 × 768, beside the admin's menu and the filters, the comment (status, date,
    text) is the widest column, nothing scrolls sideways, and e-mail and IP stand
    visible under the name."""
    base_url, anjas, _bernds = blog
    for n in range(6):
        CommentFactory(
            post=anjas.post,
            author_name=f"Leserin Nummer {n}",
            author_email=f"eine.sehr.lange.adresse.{n}@beispiel-verein-fuer-laeufer.example",
            ip_address=f"2001:db8:85a3::8a2e:370:{n}",
            body="Ein langer Kommentar über Intervalltraining, Pulsbereiche und die Frage, "
            "wie viele Kilometer in der Woche vor einem Marathon sinnvoll sind. " * 3,
        )
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    _login(page, base_url, "rita")
    page.goto(base_url + "/admin/comments/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(8)
    page.screenshot(path=str(tmp_path / "comment-list-1366.png"), full_page=True)

    widths = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
            .map(th => [th.className.match(/column-(\\S+)/)?.[1] || 'checkbox',
                        th.getBoundingClientRect().width]))"""
    )
    text_width = widths.pop("comment_column")
    assert all(text_width > other for other in widths.values()), (text_width, widths)
    assert text_width > 350, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    row = page.locator("#result_list tbody tr", has_text="Leserin Nummer 0")
    cell = row.locator("td.field-author_column").bounding_box()
    for part in (".comment-author", ".comment-email", ".comment-ip"):
        element = row.locator(part)
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert (
            box["x"] >= cell["x"] - 1 and box["x"] + box["width"] <= cell["x"] + cell["width"] + 1
        )
        assert box["x"] + box["width"] <= 1366
    name, email, ip = (
        row.locator(p).bounding_box() for p in (".comment-author", ".comment-email", ".comment-ip")
    )
    assert name["y"] < email["y"] < ip["y"]
    expect(row.locator("td.field-comment_column .comment-status")).to_be_visible()
    expect(row.locator("td.field-comment_column time")).to_be_visible()
    expect(row.locator("td.field-post_link")).to_contain_text("Anjas Lauf am Rhein")
    assert refused == []
    context.close()


def test_post_filter_finds_a_post_by_typing(page, blog):
    """Rita types part of a title into the filter, picks the post, and the list shows its
    comments only; the browser refuses nothing under the Content-Security-Policy."""
    base_url, anjas, bernds = blog
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    _login(page, base_url, "rita")
    page.goto(base_url + "/admin/comments/comment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    page.locator(".post-filter .select2-selection").click()
    page.locator(".select2-search__field").fill("eifel")
    option = page.locator(".select2-results__option", has_text="Bernds Radtour durch die Eifel")
    expect(option).to_have_count(1)
    option.click()

    expect(page).to_have_url(re.compile(rf"post__id__exact={bernds.post_id}"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("bernd-leser@example.net")
    expect(page.locator(".post-filter .select2-selection")).to_contain_text("Bernds Radtour")
    assert refused == []
