"""Endpoint discovery, case by case as the W3C test suite (webmention.rocks, tests 1–23)
defines them, each page served on loopback; then a post of ours notifies the endpoint."""

import pytest

from webmentions import discovery

HEAD = "<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def html(head="", body=""):
    return HEAD.format(head=head, body=body)


# number: (Link headers, HTML, endpoint as found, relative to the server's base URL)
CASES = {
    1: (
        [("Link", "</test/1/webmention?head=true>; rel=webmention")],
        html(),
        "/test/1/webmention?head=true",
    ),
    2: (
        [("Link", "<{base}/test/2/webmention?head=true>; rel=webmention")],
        html(),
        "/test/2/webmention?head=true",
    ),
    3: ([], html('<link rel="webmention" href="/test/3/webmention">'), "/test/3/webmention"),
    4: ([], html('<link rel="webmention" href="{base}/test/4/webmention">'), "/test/4/webmention"),
    5: (
        [],
        html(body='<a rel="webmention" href="/test/5/webmention">endpoint</a>'),
        "/test/5/webmention",
    ),
    6: (
        [],
        html(body='<a rel="webmention" href="{base}/test/6/webmention">endpoint</a>'),
        "/test/6/webmention",
    ),
    7: (
        [("LinK", "<{base}/test/7/webmention?head=true>; rel=webmention")],
        html(),
        "/test/7/webmention?head=true",
    ),
    8: (
        [("Link", '<{base}/test/8/webmention?head=true>; rel="webmention"')],
        html(),
        "/test/8/webmention?head=true",
    ),
    9: (
        [],
        html('<link rel="webmention somethingelse" href="/test/9/webmention">'),
        "/test/9/webmention",
    ),
    10: (
        [("Link", '</test/10/webmention?head=true>; rel="webmention somethingelse"')],
        html(),
        "/test/10/webmention?head=true",
    ),
    11: (
        [("Link", "</test/11/webmention?head=true>; rel=webmention")],
        html(
            '<link rel="webmention" href="/test/11/webmention?link=true">',
            '<a rel="webmention" href="/test/11/webmention?a=true">e</a>',
        ),
        "/test/11/webmention?head=true",
    ),
    12: (
        [],
        html(
            '<link rel="not-webmention" href="/test/12/error">'
            '<link rel="webmention" href="/test/12/webmention">'
        ),
        "/test/12/webmention",
    ),
    13: (
        [],
        html(
            '<!-- <link rel="webmention" href="/test/13/error"> -->',
            '<a rel="webmention" href="/test/13/webmention">e</a>',
        ),
        "/test/13/webmention",
    ),
    14: (
        [],
        html(
            body='<code>&lt;a href="/test/14/error" rel="webmention"&gt;&lt;/a&gt;</code>'
            '<a rel="webmention" href="/test/14/webmention">e</a>'
        ),
        "/test/14/webmention",
    ),
    15: ([], html('<link rel="webmention" href="">'), "/test/15"),
    16: (
        [],
        html(
            body='<a rel="webmention" href="/test/16/webmention">a</a>'
            '<link rel="webmention" href="/test/16/error">'
        ),
        "/test/16/webmention",
    ),
    17: (
        [],
        html(
            body='<link rel="webmention" href="/test/17/webmention">'
            '<a rel="webmention" href="/test/17/error">a</a>'
        ),
        "/test/17/webmention",
    ),
    18: (
        [
            ("Link", '<{base}/test/18/error>; rel="other"'),
            ("Link", '<{base}/test/18/webmention?head=true>; rel="webmention"'),
        ],
        html(),
        "/test/18/webmention?head=true",
    ),
    19: (
        [
            (
                "Link",
                '<{base}/test/19/error>; rel="other", '
                '<{base}/test/19/webmention?head=true>; rel="webmention"',
            )
        ],
        html(),
        "/test/19/webmention?head=true",
    ),
    20: (
        [],
        html('<link rel="webmention">', '<a rel="webmention" href="/test/20/webmention">a</a>'),
        "/test/20/webmention",
    ),
    21: (
        [],
        html('<link rel="webmention" href="/test/21/webmention?query=yes">'),
        "/test/21/webmention?query=yes",
    ),
    22: ([], html('<link rel="webmention" href="22/webmention">'), "/test/22/webmention"),
}


@pytest.mark.parametrize("number", sorted(CASES))
def test_webmention_rocks_discovery(remote, number):
    headers, page, expected = CASES[number]
    remote.page(
        f"/test/{number}",
        page.replace("{base}", remote.base),
        headers=[(name, value.replace("{base}", remote.base)) for name, value in headers],
    )
    assert discovery.discover(remote.url(f"/test/{number}")) == remote.url(expected)


def test_23_relative_endpoint_after_a_redirect(remote):
    """Resolved against the page's final URL, not the one asked for."""
    remote.page("/test/23/page", "", status=302, headers=[("Location", "/test/23/page/abc123")])
    remote.page(
        "/test/23/page/abc123", html('<link rel="webmention" href="webmention-endpoint/xyz">')
    )
    assert discovery.discover(remote.url("/test/23/page")) == remote.url(
        "/test/23/page/webmention-endpoint/xyz"
    )


def test_no_endpoint(remote):
    remote.page("/plain", html(body='<a href="/elsewhere" rel="nofollow">x</a>'))
    assert discovery.discover(remote.url("/plain")) is None


def test_link_header_parsing_edge_cases():
    assert discovery.from_link_headers(['<https://a.example/x,y>; rel="webmention"']) == (
        "https://a.example/x,y"
    )
    assert discovery.from_link_headers(['<https://a.example/>; title="a, rel=webmention"']) is None
    assert discovery.from_link_headers(["<https://a.example/e>; REL=WebMention"]) == (
        "https://a.example/e"
    )
