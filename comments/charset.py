"""Comment forms sent in another character encoding than UTF-8 (issue #10).

Django reads an urlencoded form as UTF-8 only: it refuses one whose Content-Type names
another charset with its bare 400 page, turns percent-escaped bytes that are no UTF-8
into U+FFFD, and reads a whole body with raw non-ASCII bytes as Latin-1. Old browsers,
pages saved in ISO-8859-1 and scripts send such forms. The comment endpoint asks here
before it reads the form: for such a form it gets the commenter's fields, decoded as
well as can be, to show them again on its 400 page. Nothing is stored from a guess.
"""

import codecs
from urllib.parse import unquote_to_bytes

from django.conf import settings

from .forms import printable

FORM = "application/x-www-form-urlencoded"
# What the kept-text page fills in again (the captcha and honeypot are asked afresh).
KEPT_FIELDS = ("body", "author_name", "author_email", "author_url", "parent", "notify", "remember")
# What browsers mean by "ISO-8859-1" (WHATWG Encoding): the likeliest other charset.
FALLBACK = "cp1252"


def undecodable_fields(request) -> dict[str, str] | None:
    """The kept fields of an urlencoded form that is not UTF-8, decoded; None otherwise.

    Not UTF-8: its Content-Type names another charset, or its bytes (after the percent
    escapes) are no UTF-8. Call it only for a body of a size that may be read.
    """
    if request.content_type != FORM:
        return None
    declared = _charset(request.content_params.get("charset", ""))
    fields = _raw_fields(request.body)
    if declared in (None, "utf-8") and all(_is_utf8(value) for value in fields.values()):
        return None
    return {
        name: printable(_decode(value, declared)).replace("\x00", "")
        for name, value in fields.items()
        if name in KEPT_FIELDS
    }


def _charset(name: str) -> str | None:
    """The codec a declared charset names, if Python knows it and it spells ASCII as ASCII.

    An unknown name is ignored, as Django ignores it (the form is read as UTF-8).
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    probe = "body=a&b+%"
    try:
        return codec if probe.encode(codec) == probe.encode("ascii") else None
    except UnicodeError:
        return None


def _raw_fields(body: bytes) -> dict[str, bytes]:
    """The form's fields as bytes, the first value of each name (of as many fields as
    Django would read)."""
    fields: dict[str, bytes] = {}
    for pair in body.split(b"&", settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or -1):
        name, _equals, value = pair.partition(b"=")
        key = unquote_to_bytes(name.replace(b"+", b" ")).decode("latin-1")
        fields.setdefault(key, unquote_to_bytes(value.replace(b"+", b" ")))
    return fields


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(value: bytes, declared: str | None) -> str:
    """The declared charset if there is one; else UTF-8 when the value is UTF-8 with a
    broken byte or two, and Windows-1252 when it has no UTF-8 sequence at all."""
    if declared and declared != "utf-8":
        return value.decode(declared, "replace")
    as_utf8 = value.decode("utf-8", "replace")
    if _is_utf8(value) or any(ord(c) > 127 and c != "\ufffd" for c in as_utf8):
        return as_utf8
    return value.decode(FALLBACK, "replace")
