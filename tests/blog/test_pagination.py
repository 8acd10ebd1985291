"""Numbered pagination under every list: "1 2 … 17 Ältere Beiträge →" (issue #14)."""

import datetime

import pytest
from django.utils import timezone

from blog.models import SiteSettings
from tests.factories import CategoryFactory, PostFactory
from tests.html import one, parse, select

pytestmark = pytest.mark.django_db


@pytest.fixture
def seventeen_pages():
    """34 posts, two per page: 17 pages, all in one category."""
    site = SiteSettings.load()
    site.posts_per_page = 2
    site.save()
    category = CategoryFactory(name="Lauf", slug="lauf")
    now = timezone.now()
    for n in range(34):
        PostFactory(
            title=f"lauf {n}",
            body="Training.",
            published_at=now - datetime.timedelta(days=n + 1),
            categories=[category],
        )
    return category


def shown(response) -> list[str]:
    """What the pagination shows, in order: link texts, "[…]" for the current page."""
    elements = parse(response)
    (element,) = [e for e in elements if e.has("nav", "pagination")]
    texts = []
    for e in elements:
        if element not in e.parents:
            continue
        if e.tag == "a":
            texts.append(e.clean_text)
        elif e.tag == "span" and "current" in e.classes:
            texts.append(f"[{e.clean_text}]")
        elif e.tag == "span" and "dots" in e.classes:
            texts.append("…")
    return texts


def test_first_page_shows_numbers_and_the_older_posts_link(client, seventeen_pages):
    """Page 1: "[1] 2 3 … 17 Ältere Beiträge →", as WordPress themes show it."""
    response = client.get("/")
    assert shown(response) == [
        "[Seite 1]",
        "Seite 2",
        "Seite 3",
        "…",
        "Seite 17",
        "Ältere Beiträge →",
    ]
    links = {a.clean_text: a.attrs["href"] for a in select(response, "a") if a.within("nav")}
    assert links["Seite 2"] == "/page/2/"
    assert links["Seite 17"] == "/page/17/"
    assert links["Ältere Beiträge →"] == "/page/2/"


def test_a_middle_page_shows_its_neighbours_and_both_ends(client, seventeen_pages):
    """Page 9: "← Neuere Beiträge 1 … 7 8 [9] 10 11 … 17 Ältere Beiträge →"."""
    texts = [
        t.removeprefix("Seite ").replace("[Seite ", "[") for t in shown(client.get("/page/9/"))
    ]
    assert texts == [
        "← Neuere Beiträge",
        "1",
        "…",
        "7",
        "8",
        "[9]",
        "10",
        "11",
        "…",
        "17",
        "Ältere Beiträge →",
    ]


def test_pagination_is_accessible(client, seventeen_pages):
    """A nav landmark with a German label; the current page has aria-current="page"."""
    response = client.get("/page/17/")
    (element,) = select(response, "nav", "pagination")
    assert element.attrs["aria-label"] == "Beitrags-Navigation"
    current = one(response, "span", "current")
    assert current.attrs["aria-current"] == "page"
    assert current.clean_text == "Seite 17"
    assert [a.attrs["href"] for a in select(response, "a", rel="prev")] == ["/page/16/"]
    assert not select(response, "a", rel="next")


def test_category_and_search_pages_number_their_own_urls(client, seventeen_pages):
    """Category pages link /category/lauf/page/N/; search pages keep ?s=."""
    links = [a.attrs["href"] for a in select(client.get("/category/lauf/page/5/"), "a")]
    assert "/category/lauf/" in links and "/category/lauf/page/17/" in links
    links = [a.attrs["href"] for a in select(client.get("/", {"s": "training"}), "a")]
    assert "/page/17/?s=training" in links


def test_a_single_page_has_no_pagination(client, db):
    """One page of posts: no pagination at all."""
    PostFactory()
    assert not select(client.get("/"), "nav", "pagination")
