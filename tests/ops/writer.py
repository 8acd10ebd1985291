"""Comment writers for the backup tests: the site's own write path, one comment at a time.

Each writer posts "writer W comment N" for N = 0, 1, 2 … through
comments.services.submit_comment (comment and post count in one transaction), every
third one a reply to its previous comment. Since a writer waits for each commit before
the next, a consistent snapshot holds, for every writer, exactly the comments 0 … k-1.

Run as a process: python -m tests.ops.writer POST_ID WRITER STOP_FILE (Django set up
from the environment), or call `write` from a thread.
"""

import re
import sys
import time
from pathlib import Path

BODY = "writer {writer} comment {n}"
BODY_RE = re.compile(r"^writer (\d+) comment (\d+)$")


def prepare() -> None:
    """Discussion settings for a stream of writes: no flood pause, no moderation, no mail."""
    from comments.models import DiscussionSettings

    settings = DiscussionSettings.load()
    settings.flood_seconds = 0
    settings.require_previous_approval = False
    settings.notify_author = False
    settings.save()


def write(post_id: int, writer: int, stop, limit: int = 100_000) -> int:
    """Post comments until stop() is true; return how many were written."""
    from django.db import connection

    from blog.models import Post
    from comments.services import Author, submit_comment

    post = Post.objects.get(pk=post_id)
    parent = None
    n = 0
    try:
        while n < limit and not stop():
            comment = submit_comment(
                post=post,
                parent=parent if n % 3 == 2 else None,
                author=Author(
                    name=f"Schreiber {writer}",
                    email=f"schreiber{writer}@example.net",
                    ip_address=f"192.0.2.{writer + 1}",
                ),
                body=BODY.format(writer=writer, n=n),
            )
            parent = comment if comment.depth < 3 else None
            n += 1
    finally:
        connection.close()
    return n


def check_snapshot(rows) -> dict[int, int]:
    """rows: (body, parent_id, id) of every comment. Assert each writer's comments are a
    gapless prefix 0 … k-1 with their parents present; return {writer: k}."""
    ids = {row[2] for row in rows}
    seen: dict[int, set[int]] = {}
    for body, parent_id, _pk in rows:
        match = BODY_RE.match(body)
        if not match:
            continue
        writer, n = int(match.group(1)), int(match.group(2))
        assert n not in seen.setdefault(writer, set()), f"duplicate: {body}"
        seen[writer].add(n)
        assert parent_id is None or parent_id in ids, f"parent of {body} missing"
    result = {}
    for writer, numbers in seen.items():
        assert numbers == set(range(len(numbers))), f"writer {writer}: not a prefix"
        result[writer] = len(numbers)
    return result


def main() -> None:
    import django

    django.setup()
    post_id, writer, stop_file = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    started = time.monotonic()
    count = write(post_id, writer, stop=stop_file.exists)
    print(f"writer {writer}: {count} comments in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
