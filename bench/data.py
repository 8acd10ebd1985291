"""The benchmark database: fixed shapes, fixed seed (issue #6).

30 ordinary posts, posts with 0, 10, 100 and 1,000 approved threaded comments (about 30 %
top-level, the rest replies to a random earlier comment above the depth limit; bodies of
200–600 characters of German text), plus the demo post "hartes training".
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from blog.models import Category, Post, Tag
from comments.markup import render_comment
from comments.models import Comment, avatar_key
from comments.services import recount

SEED = 20261127
COMMENT_POSTS = {
    0: "kommentare-0",
    10: "kommentare-10",
    100: "kommentare-100",
    1000: "kommentare-1000",
}
MAX_DEPTH = 5

WORDS = [
    "über",
    "übung",
    "größe",
    "grüße",
    "müde",
    "schön",
    "hören",
    "fühlen",
    "kaffee",
    "straße",
    "kunde",
    "arbeit",
    "training",
    "woche",
    "gestern",
    "morgen",
    "natürlich",
    "vielleicht",
    "eigentlich",
    "wirklich",
    "ärgerlich",
    "glücklich",
    "zuverlässig",
    "geduld",
    "erfahrung",
    "gespräch",
    "lösung",
    "problem",
    "fehler",
    "meinung",
    "zeit",
    "leben",
    "laufen",
    "denken",
    "schreiben",
    "lesen",
    "danke",
    "hallo",
    "gruß",
]
NAMES = ["Thomas", "Stefan", "Anna", "Jörg", "Müller", "Sabine", "Özlem", "Lars", "Brigitte"]


def _text(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    words = []
    while sum(len(w) + 1 for w in words) < target:
        words.append(rng.choice(WORDS))
    sentences = " ".join(words)[:target].rstrip()
    return sentences[0].upper() + sentences[1:] + "."


def build(stdout=print) -> dict:
    """Create the benchmark content in the (empty, migrated) database; return the URLs."""
    rng = random.Random(SEED)
    call_command("load_demo", verbosity=0)
    author = get_user_model().objects.get(username="oliver")
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    tag, _ = Tag.objects.get_or_create(slug="last", defaults={"name": "last"})
    start = timezone.now() - datetime.timedelta(days=400)
    with transaction.atomic():
        for n in range(30):
            post = Post.objects.create(
                title=f"gewöhnlicher beitrag {n}",
                slug=f"beitrag-{n}",
                author=author,
                body="\n\n".join(_text(rng, 300, 900) for _ in range(3)),
                status=Post.Status.PUBLISHED,
                published_at=start + datetime.timedelta(days=n),
            )
            post.categories.add(category)
            post.tags.add(tag)
        for count, slug in COMMENT_POSTS.items():
            post = Post.objects.create(
                title=f"beitrag mit {count} kommentaren",
                slug=slug,
                author=author,
                body=_text(rng, 800, 1500),
                status=Post.Status.PUBLISHED,
                published_at=start + datetime.timedelta(days=40 + count % 7),
            )
            post.categories.add(category)
            _comments(rng, post, count)
            recount(post)
    stdout(f"benchmark data: {Post.objects.count()} posts, {Comment.objects.count()} comments")
    return urls()


def _comments(rng: random.Random, post, count: int) -> None:
    made: list[Comment] = []
    when = post.published_at
    for _ in range(count):
        when += datetime.timedelta(minutes=rng.randint(1, 90))
        candidates = [c for c in made if c.depth < MAX_DEPTH]
        parent = rng.choice(candidates) if candidates and rng.random() > 0.3 else None
        name = rng.choice(NAMES)
        email = f"{name.lower()}@example.invalid"
        body = _text(rng, 200, 600)
        comment = Comment(
            post=post,
            parent=parent,
            author_name=name,
            author_email=email,
            body=body,
            body_html=render_comment(body),
            status=Comment.Status.APPROVED,
            created_at=when,
            depth=parent.depth + 1 if parent else 1,
            avatar=avatar_key(email),
            ip_address="127.0.0.1",
        )
        comment.save_base(raw=True)  # skip per-save signals; counts follow below
        made.append(comment)


def urls() -> dict:
    pages = {"home": "/"}
    hartes = Post.objects.get(slug="hartes-training")
    pages["hartes training"] = hartes.get_absolute_url()
    for count, slug in COMMENT_POSTS.items():
        pages[f"{count} comments"] = Post.objects.get(slug=slug).get_absolute_url()
    return pages
