"""Matching the moderation and disallowed word lists, and counting links (issue #3).

Matching works on normalised text, so that spam cannot slip through with letter case,
full-width or look-alike letters, zero-width characters or spaced-out letters.
"""

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e"
        "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
        "\u2068\u2069\u3164\ufeff\uffa0"),
    None,
)  # fmt: skip
# Cyrillic and Greek letters that look like Latin ones (after case folding).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "α": "a", "β": "b", "ε": "e",
        "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
        "χ": "x", "ω": "w",
    }
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[\W_]+")
# As WordPress counts links in check_comment(): every "//" that starts a URL.
_LINK = re.compile(r"(?:href\s*=\s*['\"]?)?(?:https?:)?//", re.IGNORECASE)


def normalise(text: str) -> str:
    """Fold case, width, accents-as-compatibility forms and look-alike letters."""
    text = unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).casefold()
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
