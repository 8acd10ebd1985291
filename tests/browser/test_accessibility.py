"""axe-core in Chromium over every kind of public page: no serious or critical violation
(issue #10).

The pages are those of the validity test (tests/live/pages.py), served by a live server.
axe.min.js comes from the pinned axe-playwright-python package; the context bypasses the
site's Content-Security-Policy only so that the script can be injected.
"""

from importlib.resources import files

import pytest
from django.urls import reverse

from tests.live.pages import build_site, public_pages

pytestmark = pytest.mark.browser

AXE_SCRIPT = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}


@pytest.fixture
def blog(transactional_db, live_server, settings):
    """The realistic blog on a live server; returns (base URL, site)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url, build_site()


def _violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element."""
    page.add_script_tag(content=AXE_SCRIPT)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: {node['failureSummary']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_serious_accessibility_violations(browser, blog, scheme):
    """Home, post, reply form, page, archives, lists, searches, 404, form errors: axe-clean,
    in the light and the dark colour scheme (the style sheet has both)."""
    base_url, site = blog
    context = browser.new_context(bypass_csp=True, locale="de-DE", color_scheme=scheme)
    page = context.new_page()
    found = {}
    for name, path in public_pages(site).items():
        page.goto(base_url + path)
        found[name] = _violations(page)

    # A commenter sends the form with only a comment: the post again, with the errors.
    page.goto(base_url + site.post.get_absolute_url())
    page.locator("#id_body").fill("Schöner Lauf!")
    with page.expect_navigation():
        page.locator("#submit").click()
    action = reverse("comments:comment_create", kwargs={"post_id": site.post.pk})
    assert page.url == base_url + action
    assert page.locator(".errorlist").count() >= 2
    found["comment form errors"] = _violations(page)
    context.close()

    found = {name: lines for name, lines in found.items() if lines}
    assert not found, "axe-core found serious or critical violations:\n" + _report(found)
