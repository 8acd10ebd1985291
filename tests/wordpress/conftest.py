"""The sample WordPress blog the import tests read, and its uploads folder."""

import io

import pytest
from PIL import Image

from tests.wordpress.build import author, category, comment, item, tag, write, wxr
from wordpress.importer import Importer

CONTENT = """Erster Absatz mit <em>Betonung</em>.
Zweite Zeile im selben Absatz.

Zweiter Absatz mit ]]> im Text.
<!--more-->
[caption id="attachment_300" align="alignnone" width="300"]<a href="https://example.org/wp-content/uploads/2024/05/foto.jpg"><img class="size-medium wp-image-300" src="https://example.org/wp-content/uploads/2024/05/foto-300x225.jpg" alt="Laufbahn" width="300" height="225" /></a> Auf der Bahn[/caption]

Hier das <a href="/wp-content/uploads/2024/05/plan.pdf">Trainingsplan-PDF</a>.

[contact-form-7 id="12" title="Kontakt"]

[gallery ids="300,301"]"""  # noqa: E501

PEOPLE = {"author": "Thomas", "email": "thomas@example.net", "url": "https://thomas.example.net"}


def thread():
    """Comments of the first post: a thread five levels deep and every status."""
    return [
        comment(201, "Starker Beitrag!", date="2025-01-07 12:00:00", **PEOPLE),
        comment(202, "Danke dir!", parent=201, user_id=1, author="Oliver Mustermann",
                email="oliver@example.org", url="", date="2025-01-07 13:00:00"),
        comment(203, "Gern.", parent=202, date="2025-01-07 14:00:00", **PEOPLE),
        comment(204, "Ebene vier.", parent=203, date="2025-01-07 15:00:00"),
        comment(205, "Ebene fünf.", parent=204, date="2025-01-07 16:00:00"),
        comment(206, "Wartet auf Freigabe.", approved="0", date="2025-01-07 17:00:00"),
        comment(207, "Billige Uhren!", approved="spam", date="2025-01-07 18:00:00"),
        comment(208, "Gelöscht.", approved="trash", date="2025-01-07 19:00:00"),
        comment(209, "Antwort auf Gelöschtes.", parent=208, date="2025-01-07 20:00:00"),
        comment(210, "Erwähnt auf …", type="pingback", date="2025-01-07 21:00:00"),
        comment(211, "Trackback", type="trackback", date="2025-01-07 21:30:00"),
        comment(212, "Mit <strong>HTML</strong> und <a href=\"https://example.com\">Link</a>.",
                email="kein-email", url="http://", ip="2001:db8::1",
                date="2025-01-07 22:00:00"),
    ]  # fmt: skip


def sample_export() -> str:
    """A small blog: two authors, nested categories, tags, posts of every status, pages
    in a hierarchy, attachments and a comment thread; as WordPress 6 exports it."""
    authors = author(1, "oliver", "Oliver Mustermann") + author(2, "anna", "Anna Beispiel")
    terms = (
        category(1, "allgemein", "Allgemein")
        + category(3, "arbeit", "Arbeit")
        + category(4, "kunden", "Kunden &amp; Partner", parent="arbeit")
        + category(5, "projekte", "Projekte", parent="kunden")
        + category(7, "gr%c3%b6%c3%9fere-projekte", "Größere Projekte", parent="arbeit")
        + tag(10, "training", "Training")
        + tag(11, "stra%c3%9fe", "Straße")
        + "\t<wp:term><wp:term_id>20</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
        "<wp:term_slug>hauptmenue</wp:term_slug><wp:term_name>Hauptmenü</wp:term_name></wp:term>\n"
    )
    image = {"_wp_attachment_image_alt": "Laufbahn"}
    items = [
        item(100, "Hartes Training", slug="hartes-training", content=CONTENT, sticky=1,
             terms=[("category", "projekte", "Projekte"), ("post_tag", "training", "Training"),
                    ("post_tag", "stra%c3%9fe", "Straße")],
             meta={"_thumbnail_id": "300", "_edit_last": "1"}, comments=thread()),
        item(101, "Größer &amp; Übel", slug="gr%c3%b6%c3%9fer-uebel", creator="anna",
             excerpt="Kurz <b>gesagt</b>.", comment_status="closed", date="2025-02-01 08:00:00",
             terms=[("category", "gr%c3%b6%c3%9fere-projekte", "Größere Projekte")]),
        item(102, "Ein Entwurf", slug="", status="draft", date="2025-02-02 10:00:00",
             date_gmt="0000-00-00 00:00:00"),
        item(103, "Zur Durchsicht", slug="zur-durchsicht", status="pending"),
        item(104, "Nur für mich", slug="nur-fuer-mich", status="private"),
        item(105, "Geplant", slug="geplant", status="future", date="2099-01-01 10:00:00"),
        item(106, "Weggeworfen", slug="weggeworfen", status="trash"),
        item(107, "Geheim", slug="geheim", password="sesam"),
        item(108, "Ortszeit", slug="ortszeit", date="2025-03-01 12:00:00",
             date_gmt="0000-00-00 00:00:00"),
        item(109, "Automatischer Entwurf", slug="", status="auto-draft"),
        item(120, "Über uns", slug="%c3%bcber-uns", post_type="page", menu_order=2,
             content="Wir sind zwei.\n\nUnd bloggen.", comments=[comment(220, "Seite?")]),
        item(121, "Team", slug="team", post_type="page", parent=120, menu_order=1),
        item(122, "Anfahrt", slug="anfahrt", post_type="page", parent=123),
        item(123, "Kontakt", slug="kontakt", post_type="page"),
        item(300, "foto", slug="foto", post_type="attachment", status="inherit", parent=100,
             excerpt="Auf der Bahn", meta={"_wp_attached_file": "2024/05/foto.jpg", **image},
             attachment_url="https://example.org/wp-content/uploads/2024/05/foto.jpg"),
        item(301, "zweites", slug="zweites", post_type="attachment", status="inherit",
             parent=100, meta={"_wp_attached_file": "2024/05/zweites.png"},
             attachment_url="https://example.org/wp-content/uploads/2024/05/zweites.png"),
        item(302, "plan", slug="plan", post_type="attachment", status="inherit",
             meta={"_wp_attached_file": "2024/05/plan.pdf"},
             attachment_url="https://example.org/wp-content/uploads/2024/05/plan.pdf"),
        item(303, "fehlt", slug="fehlt", post_type="attachment", status="inherit",
             meta={"_wp_attached_file": "2023/01/fehlt.jpg"},
             attachment_url="https://example.org/wp-content/uploads/2023/01/fehlt.jpg"),
        item(400, "Startseite", post_type="nav_menu_item"),
        item(401, "Hartes Training", slug="100-revision-v1", post_type="revision",
             status="inherit", parent=100),
    ]  # fmt: skip
    return wxr(*items, authors=authors, terms=terms)


def image_file(path, size=(800, 600), fmt="JPEG"):
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", size, "#2e86c1").save(out, fmt)
    path.write_bytes(out.getvalue())


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads: two images and a PDF (the fourth file is missing)."""
    root = tmp_path / "uploads"
    image_file(root / "2024/05/foto.jpg")
    image_file(root / "2024/05/zweites.png", size=(400, 300), fmt="PNG")
    (root / "2024/05/plan.pdf").write_bytes(b"%PDF-1.4\n% Trainingsplan\n")
    return root


@pytest.fixture
def export_file(tmp_path):
    return write(tmp_path, sample_export())


@pytest.fixture
def imported(db, export_file, uploads):
    """The sample blog, imported with its uploads; the import's report."""
    return Importer(export_file, media_dir=uploads).run()
