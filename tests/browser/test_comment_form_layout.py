"""The comment form looks like one form on a desktop and on a phone (issue #10, item 12).

Each test saves a screenshot of the form (in pytest's tmp folder) for a person to look
at, and measures what a person would notice: a checkbox beside its label, both checkbox
rows alike, the captcha's hint in the labels' font, nothing wider than a phone.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

POST = "/2026/11/20/hartes-training/"
CHECKBOXES = ("#id_remember", "#id_notify")


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _style(page, selector: str, prop: str) -> str:
    return page.locator(selector).evaluate(f"el => getComputedStyle(el)[{prop!r}]")


def _on_one_line(a: dict, b: dict) -> bool:
    """Whether two boxes overlap vertically: they sit on the same line."""
    return a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def _show_form(page, base_url: str | None, tmp_path, name: str):
    """Open the post (unless `base_url` is None: the page shown), screenshot its form."""
    if base_url is not None:
        page.goto(base_url + POST)
    form = page.locator("#commentform")
    form.scroll_into_view_if_needed()
    picture = page.locator("img.captcha")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    expect(page.locator("#id_notify")).to_be_visible()
    form.screenshot(path=tmp_path / f"comment-form-{name}.png")
    return form


def _assert_one_form(page):
    label_font = _style(page, "label[for=id_author_name]", "fontFamily")
    rows = []
    for checkbox in CHECKBOXES:
        label = f"label[for={checkbox[1:]}]"
        box, text = _box(page, checkbox), _box(page, label)
        assert _on_one_line(box, text), f"{checkbox} is not on its label's line"
        assert box["x"] + box["width"] <= text["x"], f"{checkbox} is not left of its label"
        rows.append(
            {
                "box": (round(box["x"]), round(box["width"]), round(box["y"] - text["y"])),
                "label": (round(text["x"]), _style(page, label, "fontWeight")),
                "font": _style(page, label, "fontFamily"),
            }
        )
    assert rows[0] == rows[1], "the two checkbox rows differ"
    assert rows[0]["font"] == label_font
    hint, field = _box(page, "#id_captcha_helptext"), _box(page, "#id_captcha")
    assert _style(page, "#id_captcha_helptext", "fontFamily") == label_font
    # A note under the field, not body text squeezed in beside it.
    assert hint["y"] >= field["y"] + field["height"] - 1


def test_comment_form_on_a_desktop(page, demo_site, tmp_path):
    """1280 px wide: checkboxes beside their labels, alike; the hint in the labels' font."""
    page.set_viewport_size({"width": 1280, "height": 900})
    _show_form(page, demo_site, tmp_path, "desktop")
    _assert_one_form(page)


def test_comment_form_on_a_phone(phone_page, demo_site, tmp_path):
    """390 px wide: the same form, and nothing wider than the screen."""
    _show_form(phone_page, demo_site, tmp_path, "phone")
    _assert_one_form(phone_page)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    form = _box(phone_page, "#commentform")
    assert form["x"] >= 0 and form["x"] + form["width"] <= 390


def test_comment_form_after_a_wrong_code_on_a_phone(phone_page, demo_site, tmp_path):
    """The form that comes back with an error keeps the same layout on a phone."""
    _show_form(phone_page, demo_site, tmp_path, "phone")
    phone_page.locator("#id_body").fill("Ein Kommentar mit falschem Code.")
    phone_page.locator("#id_author_name").fill("Leserin")
    phone_page.locator("#id_author_email").fill("leserin@example.org")
    phone_page.locator("#id_captcha").fill("falsch")
    phone_page.locator("#submit").click()
    expect(phone_page.locator("#id_captcha_error")).to_be_visible()
    _show_form(phone_page, None, tmp_path, "phone-error")
    _assert_one_form(phone_page)
    error, picture = _box(phone_page, "#id_captcha_error"), _box(phone_page, "img.captcha")
    assert error["y"] + error["height"] <= picture["y"]  # the error above the new picture
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
