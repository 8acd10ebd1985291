"""`make run` started again after the author's work: nothing the author did changes (#10).

The steps are the Makefile's own (`make -n run`, so a step added there is run here too),
each a subprocess against a file SQLite database and its own media folder. Only
`runserver` (started afterwards, as `make run` does, to read the pages), the background
worker beside it (tests/core/test_jobs_worker.py runs `make run` whole) and
`collectstatic` (no database; it writes the checkout's shared staticfiles/) are left out.
"""

import json
import subprocess
import sys

import pytest

from tests.html import post_titles, select
from tests.live import LiveServer
from tests.live.server import BASE_DIR

FIRST_PASSWORD = "Erstes-Passwort-Pferd-42"
OWN_PASSWORD = "Eigenes-Passwort-Batterie-43"
NOT_RUN_HERE = {"runserver", "collectstatic", "db_worker"}

SNAPSHOT = """
import json
from django.contrib.auth import get_user_model
from blog.models import FooterLink, Page, Post, SiteSettings
from comments.models import Comment
site = SiteSettings.objects.filter(pk=1).first()
print(json.dumps({
    "posts": {p.slug: [p.title, p.body, p.updated_at.isoformat()] for p in Post.objects.all()},
    "pages": {p.path: [p.title, p.body, p.updated_at.isoformat()] for p in Page.objects.all()},
    "comments": sorted([c.pk, c.post.slug, c.body, c.status] for c in Comment.objects.all()),
    "footer": sorted([f.url, f.name, f.badge.name] for f in FooterLink.objects.all()),
    "site": site and [site.title, site.tagline, site.imprint_page_id, str(site.demo_loaded_at)],
    "users": sorted([u.username, u.password] for u in get_user_model().objects.all()),
}, sort_keys=True))
"""

EDIT = """
from django.contrib.auth import get_user_model
from blog.models import Page, Post, SiteSettings
site = SiteSettings.load()
site.title = "Mein Laufblog"
site.save()
post = Post.objects.get(slug="hartes-training")
post.title = "hartes training, überarbeitet"
post.body = "ganz neu geschrieben."
post.save()
page = Page.objects.get(slug="impressum")
page.body = "Erika Mustermann, Musterstraße 1, 12345 Musterstadt"
page.save()
Post.objects.get(slug="novembergrau").delete()
admin = get_user_model().objects.get(username="admin")
admin.set_password({own!r})
admin.save()
"""


def make_run_steps(*make_args: str) -> list[str]:
    """The commands `make run` would run, with this interpreter, minus NOT_RUN_HERE."""
    listed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", f"PY={sys.executable}", *make_args],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    steps = [line for line in listed.splitlines() if " manage.py " in line]
    commands = [step.split(" manage.py ", 1)[1].split()[0] for step in steps]
    assert set(commands) >= NOT_RUN_HERE, listed
    return [step for step, name in zip(steps, commands, strict=True) if name not in NOT_RUN_HERE]


def start_blog(server: LiveServer, *make_args: str) -> str:
    """Run the steps of `make run` against the server's database; their output."""
    output = []
    for step in make_run_steps(*make_args):
        result = subprocess.run(
            ["sh", "-c", step],
            cwd=BASE_DIR,
            env=server.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{step}\n{result.stdout}\n{result.stderr}"
        output.append(result.stdout)
    return "\n".join(output)


def snapshot(server: LiveServer) -> dict:
    return json.loads(server.shell(SNAPSHOT))


@pytest.fixture
def blog(tmp_path):
    server = LiveServer(
        tmp_path,
        "runserver",
        start=False,
        env={"DJANGO_SUPERUSER_PASSWORD": FIRST_PASSWORD},
    )
    yield server
    server.stop()


def test_restarting_make_run_keeps_the_authors_work(blog):
    """Edited title, post and Impressum, a deleted demo post and the admin's password survive."""
    first = start_blog(blog)
    assert "Demo content ready: 13 posts, 3 pages." in first
    blog.shell(EDIT.format(own=OWN_PASSWORD))
    before = snapshot(blog)
    assert before["site"][0] == "Mein Laufblog" and "novembergrau" not in before["posts"]

    blog.env["DJANGO_SUPERUSER_PASSWORD"] = "Anderes-Passwort-Kabel-44"
    again = start_blog(blog)
    assert "nothing changed" in again
    assert snapshot(blog) == before

    blog.start()  # what `make run` does last: the reader's view of it
    home = blog.get("/")
    assert home.status == 200
    assert "<title>Mein Laufblog" in home.text
    assert post_titles(home.text)[0] == "hartes training, überarbeitet"
    assert "novembergrau" not in post_titles(home.text)
    imprint = blog.get("/impressum/")
    assert "Erika Mustermann" in imprint.text and "[Vorname Nachname]" not in imprint.text
    assert blog.get("/2026/11/12/novembergrau/").status == 404
    blog.session().login("admin", OWN_PASSWORD)


def test_make_run_with_demo_0_starts_an_empty_blog(blog):
    """`make run DEMO=0`: no demo posts, pages, comments or badges; the admin account only."""
    start_blog(blog, "DEMO=0")
    state = snapshot(blog)
    assert state["posts"] == state["pages"] == {}
    assert state["comments"] == state["footer"] == []
    assert [name for name, _hash in state["users"]] == ["admin"]

    blog.start()
    home = blog.get("/")
    assert home.status == 200
    assert post_titles(home.text) == []
    assert [p.clean_text for p in select(home.text, "p", "no-results")] == ["Nichts gefunden."]
    blog.session().login("admin", FIRST_PASSWORD)
