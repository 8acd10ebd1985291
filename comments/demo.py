"""Demo threads (issue #3): the three comments of "hartes training" exactly as on the
original blog, and a second post with a deeper thread. Written once, into an empty blog."""

import datetime

from blog.models import Post

from .models import Comment
from .services import recount

THOMAS = """Hallo Oliver,

manches ist nicht immer gleich so wie es aussieht.
Wenn Fehler gemacht wurden kann man sie in Zukunft abstellen oder wenigstens darum bemühen. Das hat ja auch sein Gutes. Ohne Fehler – geht nicht.
Ob der Kunde wirklich mehr kaufen wollte und ob er wirklich zur „Konkurrenz“ wird man nie erfahren. In manchen Fällen ist sogar besser er kauft wirklich woanders 😉 Nicht immer passt man zueinander.
Sicherlich schmerzt so etwas sehr, aber wir sind alle Menschen, machen Fehler und sind halt keine Maschinen. Das selbe gilt ebenso für den Kunden (was er dann meistens vergisst). Wichtig ist, meiner Meinung nach, man besitzt, wenn berechtigt, die Größe sich aufrichtig zu entschuldigen ohne Wenn und Aber. Zum Glück sind die zufriedenen Kunden stets in beeindruckender Überzahl, oder !? 😉
Kopf hoch,
Gruß, Thomas"""  # noqa: E501

STEFAN = """Hi Oliver,

Kopf hoch, es geht auch weiter. Solche Sache passieren nunmal, da wir alle nur Menschen sind und keine Maschinen, und selbst denen kann ein „Fehler“ passieren. Wichtig ist dabei nur, das man dann einfach ehrlich zum Kunden ist. Wenn er dann trotzdem wo anderes hingeht ist das seine Entscheidung.

Wie Thomas auch richtig sagt, kann es im Einzelfall sogar besser sein. Vielleicht kommt er aber dann auch Reumütig wieder zurück weil es dort auch Probleme gegeben hat, die vielleicht nicht so ehrlich und gut versucht wurden zu lösen.

Es ist immer auch eine Chance sich zu beweisen, denn es gibt keine Probleme, sondern nur Lösungen. Und ein Problem ist doch auch gleichzeitig eine gewisse Herausforderung für einen, die es eigentlich nicht braucht, die aber gerade mal da ist und an der man sich dann auch selbst und das Unternehmen beweisen kann gegenüber dem Kunden.

Gruß Stefan"""  # noqa: E501

OLIVER = """hallo thomas,

ja – nett ausgedrückt. es soll so etwas geben, dass man nicht zueinander passt.

hallo stefan,

danke für den zuspruch. richtig schlimm ist es eben nur, wenn man eigentlich nichts dafür kann. dann kann man nicht mal daraus lernen.

schöne grüsse

oliver"""  # noqa: E501

# (key, parent key, name, e-mail or None for the post's author, minutes, body)
DEEP_THREAD = [
    (
        "a",
        None,
        "Anna",
        "anna@example.invalid",
        30,
        "zehn kilometer? respekt! wie lange hast du gebraucht?",
    ),
    ("b", "a", "oliver", None, 45, "knapp unter einer stunde. das nächste mal schneller 😉"),
    ("c", "b", "Anna", "anna@example.invalid", 60, "unter einer stunde ist doch super."),
    (
        "d",
        "c",
        "Markus",
        "markus@example.invalid",
        80,
        "ich trainiere gerade für meinen ersten halbmarathon.",
    ),
    ("e", "d", "Anna", "anna@example.invalid", 95, "dann viel erfolg! berichte mal."),
    ("f", None, "Jörg", "joerg@example.invalid", 120, "bei dem wetter draußen laufen – hut ab."),
]


# The threads by post slug, as DEEP_THREAD.
THREADS = {
    "hartes-training": [
        ("thomas", None, "Thomas", "thomas@example.invalid", 95, THOMAS),
        ("stefan", None, "Stefan", "stefan@example.invalid", 200, STEFAN),
        ("oliver", None, "oliver", None, 340, OLIVER),
    ],
    "zehn-kilometer": DEEP_THREAD,
}


def load_demo_comments(*, author, stdout=None) -> None:
    """Write the threads; load_demo calls this once, on an empty blog."""
    for slug, thread in THREADS.items():
        post = Post.objects.get(slug=slug)
        made = {}
        for key, parent_key, name, email, minutes, body in thread:
            made[key] = Comment.objects.create(
                post=post,
                parent=made.get(parent_key),
                author_name=name,
                author_email=email or author.email,
                user=None if email else author,
                created_at=post.published_at + datetime.timedelta(minutes=minutes),
                body=body,
                status=Comment.Status.APPROVED,
            )
        recount(post)
    if stdout is not None:
        stdout.write(f"Demo comments ready: {Comment.objects.count()} comments.")


def demo_comments_untouched(post) -> bool:
    """Whether the post's comments are exactly the demo's thread, none edited or added."""
    thread = THREADS.get(post.slug, [])
    comments = list(post.comments.all())
    if len(comments) != len(thread):
        return False
    by_key = {(c.author_name, c.created_at): c for c in comments}
    made = {}
    for key, parent_key, name, email, minutes, body in thread:
        comment = by_key.get((name, post.published_at + datetime.timedelta(minutes=minutes)))
        if (
            comment is None
            or comment.body != body
            or comment.status != Comment.Status.APPROVED
            or comment.author_url
            or (email and comment.author_email != email)
            or (email is None) == (comment.user_id is None)
            or comment.parent_id != getattr(made.get(parent_key), "pk", None)
        ):
            return False
        made[key] = comment
    return True
