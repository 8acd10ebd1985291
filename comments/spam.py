"""Matching the moderation and disallowed word lists, and counting links (issue #3).

Matching works on normalised text, so that spam cannot slip through with letter case,
full-width or look-alike letters, accents and other combining marks, zero-width and
other invisible characters, or spaced-out letters (issue #7).
"""

import re
import unicodedata

# Invisible letters that are no format characters (Unicode category Cf, all dropped).
_INVISIBLE = dict.fromkeys(map(ord, "\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"), None)
# Combining marks (accents, strokes, variation selectors) and format characters (zero-
# width spaces and joiners, soft hyphens, direction marks, tag characters).
_DROPPED = {"Mn", "Me", "Cf"}
# Letters of other scripts that look like Latin ones (after case folding and with
# their accents removed): Cyrillic, Greek, and Latin's own look-alikes.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ѵ": "v", "ԍ": "g", "ь": "b",
        "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
        "ɑ": "a", "ɡ": "g", "ı": "i", "ȷ": "j", "ɩ": "i", "ʋ": "v", "ɒ": "a", "ꞵ": "b",
    }
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[\W_]+")
# Internationalised domain names in their ASCII form (xn--…), decoded before matching.
_PUNYCODE = re.compile(r"xn--[a-z0-9-]+", re.IGNORECASE)
# As WordPress counts links in check_comment(): every "//" that starts a URL.
_LINK = re.compile(r"(?:href\s*=\s*['\"]?)?(?:https?:)?//", re.IGNORECASE)


def _decode_label(match: re.Match) -> str:
    try:
        return match.group(0).encode("ascii").decode("idna")
    except UnicodeError:
        return match.group(0)


def normalise(text: str) -> str:
    """Fold case, width, accents and look-alike letters; drop invisible characters."""
    text = _PUNYCODE.sub(_decode_label, text or "")
    if not text.isascii():
        # Compatibility forms (full-width, mathematical, circled letters) become
        # plain ones, and accents separate from their letters, to be dropped.
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED)
        text = text.translate(_INVISIBLE)
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)  # what case folding composed anew
        text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED)
    return text.translate(_CONFUSABLES)


def word_list(raw: str) -> list[str]:
    """The entries of a list setting: one per line, normalised, blanks skipped."""
    return [normalise(line).strip() for line in (raw or "").splitlines() if line.strip()]


def find_listed(words: list[str], *fields: str) -> str | None:
    """The first list entry found in any field, or None.

    Each entry matches as a substring of a field, as in WordPress; entries of four or
    more letters also match when spaces or punctuation were put between the letters.
    """
    texts = [normalise(f) for f in fields if f]
    compact_texts = [_NOT_ALNUM.sub("", t) for t in texts]
    for word in words:
        if any(word in text for text in texts):
            return word
        compact_word = _NOT_ALNUM.sub("", word)
        if len(compact_word) >= 4 and any(compact_word in t for t in compact_texts):
            return word
    return None


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))
