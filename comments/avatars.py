"""Identicons made locally from a keyed hash: no Gravatar, no e-mail hash in any URL.

The avatar URL carries `Comment.avatar` (an HMAC of the address with the site's secret);
the picture is derived from that key alone. It is drawn and cached (for a week) only for
a key that a comment uses: one indexed query on a cache miss, none on a hit. Any other
key gets no picture, so that a flood of made-up keys cannot fill the cache (issue #10).
"""

import hashlib
import io

from django.core.cache import cache
from PIL import Image, ImageDraw

from .models import Comment

GRID = 5
CELL = 10
MARGIN = 4
SIZE = GRID * CELL + 2 * MARGIN  # 58 px, shown at 48

CACHE_SECONDS = 7 * 24 * 3600


def avatar_png(key: str) -> bytes | None:
    """The identicon of a key some comment uses, from the cache if possible; else None."""
    cache_key = f"comments:avatar:{key}"
    png = cache.get(cache_key)
    if png is None:
        if not Comment.objects.filter(avatar=key).exists():
            return None
        png = identicon_png(key)
        cache.set(cache_key, png, timeout=CACHE_SECONDS)
    return png


def identicon_png(key: str) -> bytes:
    """A symmetric 5×5 pattern in a colour picked from the key."""
    digest = hashlib.sha256(key.encode()).digest()
    hue = digest[0] / 255
    colour = _hsl(hue, 0.55, 0.45)
    image = Image.new("RGB", (SIZE, SIZE), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    bits = int.from_bytes(digest[1:5], "big")
    for row in range(GRID):
        for col in range((GRID + 1) // 2):
            if bits & 1:
                for c in {col, GRID - 1 - col}:
                    x, y = MARGIN + c * CELL, MARGIN + row * CELL
                    draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=colour)
            bits >>= 1
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _hsl(h: float, s: float, lightness: float) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return round(r * 255), round(g * 255), round(b * 255)
