"""Demo threads (issue #3): the three comments of "hartes training" exactly as on the
original blog, and a second post with a deeper thread. Idempotent."""

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


def _comment(post, *, parent, name, email, user, minutes, body):
    created = post.published_at + datetime.timedelta(minutes=minutes)
    comment, _created = Comment.objects.update_or_create(
        post=post,
        author_name=name,
        created_at=created,
        defaults={
            "parent": parent,
            "author_email": email or "",
            "body": body,
            "status": Comment.Status.APPROVED,
            "user": user,
        },
    )
    return comment


def load_demo_comments(*, author, stdout=None) -> None:
    post = Post.objects.get(slug="hartes-training")
    _comment(
        post, parent=None, name="Thomas", email="thomas@example.invalid",
        user=None, minutes=95, body=THOMAS,
    )  # fmt: skip
    _comment(
        post, parent=None, name="Stefan", email="stefan@example.invalid",
        user=None, minutes=200, body=STEFAN,
    )  # fmt: skip
    _comment(
        post, parent=None, name="oliver", email=author.email,
        user=author, minutes=340, body=OLIVER,
    )  # fmt: skip
    recount(post)

    deep = Post.objects.get(slug="zehn-kilometer")
    made = {}
    for key, parent_key, name, email, minutes, body in DEEP_THREAD:
        is_author = email is None
        made[key] = _comment(
            deep,
            parent=made.get(parent_key),
            name=name,
            email=email or author.email,
            user=author if is_author else None,
            minutes=minutes,
            body=body,
        )
    recount(deep)
    if stdout is not None:
        stdout.write(f"Demo comments ready: {Comment.objects.count()} comments.")
