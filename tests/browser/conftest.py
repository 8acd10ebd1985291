"""Browser tests: the demo blog served by a live server, looked at through Chromium."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo blog on a live server; returns the server's base URL."""
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def phone_page(browser):
    """A page in a 390 px wide viewport, as on a phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "viewport": {"width": 1280, "height": 900}}
