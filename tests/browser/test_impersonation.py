"""A visitor cannot comment under the author's address (issue #16), seen in Chromium."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import PostFactory

pytestmark = pytest.mark.browser

TEXT = "Hier schreibt die Chefin persönlich: alles halb so wild!"


def test_staff_address_is_refused_and_the_text_kept(page, transactional_db, live_server, superuser):
    """The author's address without logging in: a German request to log in, the text stays."""
    post = PostFactory(author=superuser, title="hartes training")
    page.goto(live_server.url + post.get_absolute_url())
    page.locator("#id_body").fill(TEXT)
    page.locator("#id_author_name").fill("Chefin")
    page.locator("#id_author_email").fill("Chefin@Example.org")
    page.locator("#id_captcha").fill("PASSED")
    page.locator("#submit").click()
    expect(page.locator("#respond")).to_contain_text(
        "Diese E-Mail-Adresse gehört zu einem Konto dieses Blogs. Bitte melde dich an"
    )
    expect(page.locator("#id_body")).to_have_value(TEXT)
    expect(page.locator("#id_author_email")).to_have_value("Chefin@Example.org")
    assert not Comment.objects.exists()
