"""A post pending review leaves in the WordPress export as WordPress's "pending" (issue
#12), not as published."""

import io

import pytest

from tests.factories import PostFactory
from wordpress.exporter import export_wxr

pytestmark = pytest.mark.django_db


def test_pending_post_is_exported_as_pending(author):
    PostFactory(author=author, status="pending", title="Zur Prüfung")
    out = io.StringIO()
    export_wxr(out, base_url="https://blog.example.org")
    text = out.getvalue()
    assert "<wp:status><![CDATA[pending]]></wp:status>" in text
    assert "<wp:status><![CDATA[publish]]></wp:status>" not in text
