"""The `<!--more-->` marker in posts written in the admin (issue #12).

WordPress shows the part of a post before `<!--more-->` on the home page and in lists,
with a "Weiterlesen" link; the post's page shows all of it. The WordPress import keeps
the marker in the body and stores the part before it as the excerpt
(wordpress/content.py). A post written here in Markdown gets the same from its
summary: the Markdown before the marker, rendered and sanitised like the body, as
plain text. The sanitiser drops the HTML comment from what readers see, so the post's
page reads straight through.
"""

import re

from .markup import plain_text, render_markdown

# WordPress allows a link text of its own: <!--more Weiter zum Rezept-->.
MORE = re.compile(r"<!--\s*more\b.*?-->", re.S)
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.M)


def split_at_more(body: str) -> tuple[str, str] | None:
    """The Markdown before and after the first `<!--more-->` outside a fenced code
    block, or None without one."""
    for match in MORE.finditer(body or ""):
        # After an odd number of fences, or indented by four, the marker is code.
        line = body[body.rfind("\n", 0, match.start()) + 1 : match.start()]
        in_fence = len(_FENCE.findall(body, 0, match.start())) % 2
        if not in_fence and not line.startswith(("    ", "\t")):
            return body[: match.start()], body[match.end() :]
    return None


def teaser_text(body: str) -> str:
    """The plain text of the part before `<!--more-->` ("" without a marker)."""
    parts = split_at_more(body)
    if parts is None:
        return ""
    return plain_text(render_markdown(parts[0]))
