"""The author's desk in the admin (issue #12): autosave, revisions, previews, "Bearbeiten".

Every endpoint is tried by its owner, by another author (404: not theirs to see), by a
staff user without the permission (403) and anonymously (to the login page).
"""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import Autosave, Page, Post, PreviewLink
from tests.factories import CategoryFactory, PageFactory, PostFactory, TagFactory, UserFactory

OFFER = "Es gibt eine automatische Sicherung dieses Beitrags, die neuer ist als die Version unten."


@pytest.fixture
def chefin(db):
    return UserFactory(username="chefin", is_staff=True, is_superuser=True)


def _author(username: str):
    """A staff user in WordPress's "Autor" role: writes and publishes own posts."""
    user = UserFactory(username=username, first_name=username.title(), is_staff=True)
    user.groups.add(Group.objects.get(name="Autor"))
    return user


@pytest.fixture
def anna(db):
    return _author("anna")


@pytest.fixture
def bert(db):
    return _author("bert")


@pytest.fixture
def draft(anna):
    return PostFactory(
        author=anna,
        title="Entwurf über Laufschuhe",
        body="Der erste Absatz.\n\nDer zweite Absatz.",
        excerpt="",
        status=Post.Status.DRAFT,
    )


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _autosave(client, url, **fields):
    return client.post(url, {"title": "", "body": "", "excerpt": "", **fields})


def _form_data(post, **changes) -> dict:
    """What the change form posts for `post`, with `changes`."""
    data = {
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "excerpt": post.excerpt,
        "status": post.status,
        "published_at_0": timezone.localtime(post.published_at).strftime("%d.%m.%Y"),
        "published_at_1": timezone.localtime(post.published_at).strftime("%H:%M:%S"),
        "visibility": post.visibility,
        "password": "",
        "tags": ", ".join(t.name for t in post.tags.all()),
        "categories": [c.pk for c in post.categories.all()],
        "comments_open": "on",
        "_save": "Sichern",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    if match is None:
        match = re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    return match.group(1) if match else ""


# -- autosave -------------------------------------------------------------------------------


def test_autosave_keeps_the_text_for_its_author_not_over_the_post(draft, anna):
    """The posted text becomes anna's autosave of the post; the post itself is unchanged."""
    client = _login(anna)
    response = _autosave(
        client,
        f"/admin/blog/post/{draft.pk}/autosave/",
        title="Neuer Titel",
        body="Neuer Text, noch nicht gespeichert.",
        excerpt="Kurz",
    )
    assert response.status_code == 200
    assert response.json()["message"].startswith("Automatisch gesichert um ")
    saved = Autosave.objects.get()
    assert (saved.user, saved.post, saved.title, saved.body, saved.excerpt) == (
        anna,
        draft,
        "Neuer Titel",
        "Neuer Text, noch nicht gespeichert.",
        "Kurz",
    )
    draft.refresh_from_db()
    assert draft.title == "Entwurf über Laufschuhe"
    # A second autosave replaces the first: one per user and post.
    _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="Noch neuer")
    assert Autosave.objects.get().title == "Noch neuer"


def test_coming_back_offers_the_newer_autosave(draft, anna):
    """The change form says that a newer autosave exists and offers to restore it."""
    client = _login(anna)
    _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="Neuer Titel", body="x")
    html = client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert OFFER in html
    assert 'href="?autosave=restore">Sicherung wiederherstellen</a>' in html
    data = json.loads(re.search(r'id="autosave-data"[^>]*>(.*?)</script>', html).group(1))
    assert data["title"] == "Neuer Titel"
    # The form itself still shows the saved text until the author restores.
    assert _input_value(html, "title") == "Entwurf über Laufschuhe"


def test_no_offer_when_the_autosave_is_older_or_the_same(draft, anna):
    """An autosave older than the saved post, or equal to it, is not offered."""
    client = _login(anna)
    _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="Alt", body="x")
    Autosave.objects.update(saved_at=draft.updated_at - datetime.timedelta(minutes=1))
    assert OFFER not in client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    _autosave(
        client,
        f"/admin/blog/post/{draft.pk}/autosave/",
        title=draft.title,
        body=draft.body,
        excerpt=draft.excerpt,
    )
    assert OFFER not in client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()


def test_restore_link_without_javascript_fills_the_form(draft, anna):
    """?autosave=restore renders the form with the autosave's text; nothing is saved yet."""
    client = _login(anna)
    _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="Aus der Sicherung", body="B")
    html = client.get(f"/admin/blog/post/{draft.pk}/change/?autosave=restore").content.decode()
    assert _input_value(html, "title") == "Aus der Sicherung"
    assert "Die automatische Sicherung ist unten eingesetzt." in html
    draft.refresh_from_db()
    assert draft.title == "Entwurf über Laufschuhe"


def test_saving_the_post_clears_its_autosave(draft, anna):
    """A saved post has no autosave left (of the user who saved)."""
    client = _login(anna)
    _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="Zwischenstand", body="B")
    response = client.post(
        f"/admin/blog/post/{draft.pk}/change/", _form_data(draft, title="Gespeichert")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.title == "Gespeichert"
    assert not Autosave.objects.exists()


def test_a_new_post_is_found_again_on_the_add_form(anna):
    """A new post's autosave is offered on the add form, restored with its key, and
    cleared when the post is saved."""
    client = _login(anna)
    add = client.get("/admin/blog/post/add/").content.decode()
    key = _input_value(add, "_autosave_key")
    assert len(key) >= 16
    response = _autosave(
        client, "/admin/blog/post/autosave/", new_key=key, title="Ganz neu", body="Text"
    )
    assert response.status_code == 200
    html = client.get("/admin/blog/post/add/").content.decode()
    assert OFFER in html
    restored = client.get("/admin/blog/post/add/?autosave=restore").content.decode()
    assert _input_value(restored, "title") == "Ganz neu"
    assert _input_value(restored, "_autosave_key") == key
    now = timezone.localtime()
    response = client.post(
        "/admin/blog/post/add/",
        {
            "title": "Ganz neu",
            "slug": "",
            "body": "Text",
            "excerpt": "",
            "status": "draft",
            "published_at_0": now.strftime("%d.%m.%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
            "visibility": "public",
            "tags": "",
            "_autosave_key": key,
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Post.objects.filter(title="Ganz neu", author=anna).exists()
    assert not Autosave.objects.exists()


def test_a_new_post_autosave_needs_a_valid_key(anna):
    """Without the add form's key the autosave is refused (400), nothing stored."""
    response = _autosave(_login(anna), "/admin/blog/post/autosave/", new_key="x", title="T")
    assert response.status_code == 400
    assert not Autosave.objects.exists()


def test_another_author_cannot_read_or_write_my_autosave(draft, anna, bert, chefin):
    """bert cannot autosave into anna's post (404) nor see her autosave; the superuser
    editing it sees her own autosave, never anna's."""
    _autosave(_login(anna), f"/admin/blog/post/{draft.pk}/autosave/", title="Annas Text", body="A")
    response = _autosave(_login(bert), f"/admin/blog/post/{draft.pk}/autosave/", title="Bert")
    assert response.status_code == 404
    assert _login(bert).get(f"/admin/blog/post/{draft.pk}/change/").status_code in (302, 404)
    html = _login(chefin).get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert "Annas Text" not in html
    assert OFFER not in html
    assert list(Autosave.objects.values_list("user__username", "title")) == [("anna", "Annas Text")]


def test_autosave_refused_to_anonymous_and_to_staff_without_permission(draft, db):
    """Anonymous: to the login page; staff without any permission: refused."""
    response = _autosave(Client(), f"/admin/blog/post/{draft.pk}/autosave/", title="x")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    nobody = UserFactory(username="nobody", is_staff=True)
    response = _autosave(_login(nobody), f"/admin/blog/post/{draft.pk}/autosave/", title="x")
    assert response.status_code in (403, 404)
    response = _autosave(_login(nobody), "/admin/blog/post/autosave/", new_key="k" * 20)
    assert response.status_code == 403
    assert not Autosave.objects.exists()


def test_autosave_is_csrf_protected(draft, anna):
    """A POST without the CSRF token is refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    response = _autosave(client, f"/admin/blog/post/{draft.pk}/autosave/", title="x")
    assert response.status_code == 403
    assert not Autosave.objects.exists()


def test_pages_autosave_too(anna, chefin):
    """A page's text is autosaved and offered like a post's."""
    page = PageFactory(title="Über mich", body="Alt.")
    client = _login(chefin)
    response = _autosave(client, f"/admin/blog/page/{page.pk}/autosave/", title="Über uns")
    assert response.status_code == 200
    html = client.get(f"/admin/blog/page/{page.pk}/change/").content.decode()
    assert "Es gibt eine automatische Sicherung dieser Seite" in html
    assert _login(anna).post(f"/admin/blog/page/{page.pk}/autosave/").status_code in (403, 404)


# -- revisions ------------------------------------------------------------------------------


def _save(client, post, **changes):
    post.refresh_from_db()
    response = client.post(f"/admin/blog/post/{post.pk}/change/", _form_data(post, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()


def test_every_save_keeps_a_revision_and_the_state_before(draft, anna):
    """The first save keeps the state before and the new one; each later save one more."""
    client = _login(anna)
    tag = TagFactory(name="laufen")
    _save(client, draft, title="Zweiter Titel", tags="laufen")
    _save(client, draft, body="Ganz neuer Text.")
    versions = list(Version.objects.get_for_object(draft).order_by("pk"))
    assert [v.field_dict["title"] for v in versions] == [
        "Entwurf über Laufschuhe",
        "Zweiter Titel",
        "Zweiter Titel",
    ]
    assert versions[1].field_dict["tags"] == [tag.pk]
    assert versions[1].field_dict["status"] == "draft"
    assert versions[2].revision.user == anna


def test_revision_list_shows_date_and_user(draft, anna):
    """ "Versionen" lists each revision with its date and user, newest first."""
    client = _login(anna)
    _save(client, draft, title="Zweiter Titel")
    html = client.get(f"/admin/blog/post/{draft.pk}/change/").content.decode()
    assert f'href="/admin/blog/post/{draft.pk}/revisions/"' in html
    assert ">Versionen</a>" in html
    html = client.get(f"/admin/blog/post/{draft.pk}/revisions/").content.decode()
    assert html.count('class="revision"') == 2
    assert "Anna" in html
    date = timezone.localtime().strftime("%Y")
    assert f"{date} um " in html
    assert re.search(r"<td>Titel[^<]* geändert\.</td>", html)
    assert "Stand vor der ersten Version" in html


def test_compare_two_revisions_shows_an_escaped_word_diff(draft, anna):
    """Comparing shows removed and added words; markup in the text is shown, not run."""
    client = _login(anna)
    _save(client, draft, body="Der erste Absatz.\n\n<script>alert(1)</script> Neu.")
    first, second = Version.objects.get_for_object(draft).order_by("pk")
    response = client.get(
        f"/admin/blog/post/{draft.pk}/revisions/compare/?from={first.pk}&to={second.pk}"
    )
    html = response.content.decode()
    assert re.search(r"<del>[^<]*zweite Absatz[^<]*</del>", html)
    assert re.search(r"<ins>[^<]*Neu[^<]*</ins>", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_restore_a_revision_is_a_new_revision(draft, anna):
    """Restoring the first revision brings its text and tags back as a new revision;
    the status stays; nothing is lost."""
    client = _login(anna)
    TagFactory(name="alt")
    _save(client, draft, title="Erster Stand", tags="alt")
    _save(client, draft, title="Zweiter Stand", tags="", status="published")
    _save(client, draft, title="Dritter Stand")
    first = Version.objects.get_for_object(draft).filter(revision__comment__icontains="title")
    first = first.order_by("pk").first()
    assert first.field_dict["title"] == "Erster Stand"
    page = client.get(f"/admin/blog/post/{draft.pk}/revisions/{first.pk}/").content.decode()
    assert "Diese Version wiederherstellen" in page
    count = Version.objects.get_for_object(draft).count()
    response = client.post(f"/admin/blog/post/{draft.pk}/revisions/{first.pk}/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Erster Stand"
    assert [t.name for t in draft.tags.all()] == ["alt"]
    assert draft.status == "published"
    versions = Version.objects.get_for_object(draft)
    assert versions.count() == count + 1
    assert versions.first().field_dict["title"] == "Erster Stand"
    assert "Dritter Stand" in [v.field_dict["title"] for v in versions]


def test_old_revisions_are_pruned(draft, anna, settings):
    """Only BLOG_REVISIONS_KEPT revisions per post are kept, the newest."""
    settings.BLOG_REVISIONS_KEPT = 3
    client = _login(anna)
    for n in range(5):
        _save(client, draft, title=f"Stand {n}")
    titles = [v.field_dict["title"] for v in Version.objects.get_for_object(draft)]
    assert titles == ["Stand 4", "Stand 3", "Stand 2"]


def test_revisions_belong_to_who_may_change_the_post(draft, anna, bert):
    """bert sees none of anna's revisions (404), anonymous goes to the login page."""
    _save(_login(anna), draft, title="Annas Stand")
    version = Version.objects.get_for_object(draft).first()
    urls = [
        f"/admin/blog/post/{draft.pk}/revisions/",
        f"/admin/blog/post/{draft.pk}/revisions/compare/?from={version.pk}&to=current",
        f"/admin/blog/post/{draft.pk}/revisions/{version.pk}/",
    ]
    for url in urls:
        assert _login(bert).get(url, follow=True).status_code == 404
        assert "/admin/login/" in Client().get(url)["Location"]
    assert _login(bert).post(urls[2]).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Annas Stand"


def test_a_version_of_another_post_is_not_found(draft, anna):
    """A version id of another post in the URL is 404, not restored into this one."""
    other = PostFactory(author=anna, title="Anderer Beitrag")
    client = _login(anna)
    _save(client, other, title="Anderer Stand")
    foreign = Version.objects.get_for_object(other).first()
    assert client.post(f"/admin/blog/post/{draft.pk}/revisions/{foreign.pk}/").status_code == 404


# -- preview in the theme -------------------------------------------------------------------


def test_preview_shows_the_unsaved_form_in_the_theme(draft, anna):
    """ "Vorschau" renders the posted, unsaved fields with the site's templates; the
    database keeps the saved post; never cached, noindex, no comment form."""
    client = _login(anna)
    category = CategoryFactory(name="Ausrüstung")
    data = _form_data(
        draft,
        title="Ungespeicherter Titel",
        body="**fett** <script>alert(1)</script>",
        categories=[category.pk],
        tags="neuesschlagwort",
    )
    response = client.post(f"/admin/blog/post/{draft.pk}/theme-preview/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="entry-title">Ungespeicherter Titel</h1>' in html
    assert 'class="site-title"' in html  # the site's own layout (base.html)
    assert "<strong>fett</strong>" in html
    assert "<script>alert" not in html
    assert "Ausrüstung" in html and "neuesschlagwort" in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'id="respond"' not in html and "comment-form" not in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    draft.refresh_from_db()
    assert draft.title == "Entwurf über Laufschuhe"
    assert not draft.categories.exists()
    assert not draft.tags.exists()
    from blog.models import Tag

    assert not Tag.objects.filter(name="neuesschlagwort").exists()


def test_preview_of_a_new_post_and_a_page(anna, chefin):
    """The add form's preview and a page's preview work the same way."""
    now = timezone.localtime()
    response = _login(anna).post(
        "/admin/blog/post/theme-preview/",
        {
            "title": "Noch nie gespeichert",
            "body": "Hallo",
            "status": "draft",
            "published_at_0": now.strftime("%d.%m.%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
            "visibility": "public",
        },
    )
    assert '<h1 class="entry-title">Noch nie gespeichert</h1>' in response.content.decode()
    assert not Post.objects.exists()
    page = PageFactory(title="Impressum", body="Alt")
    response = _login(chefin).post(
        f"/admin/blog/page/{page.pk}/theme-preview/",
        {"title": "Impressum neu", "slug": "impressum", "body": "Neu", "status": "published"},
    )
    html = response.content.decode()
    assert '<h1 class="entry-title">Impressum neu</h1>' in html
    assert Page.objects.get().title == "Impressum"


def test_preview_refused_to_others(draft, bert):
    """Another author gets 404, anonymous the login page, GET is not allowed."""
    assert _login(bert).post(f"/admin/blog/post/{draft.pk}/theme-preview/").status_code == 404
    response = Client().post(f"/admin/blog/post/{draft.pk}/theme-preview/")
    assert "/admin/login/" in response["Location"]


# -- shared preview links -------------------------------------------------------------------


def _make_link(client, post) -> str:
    response = client.post(f"/admin/blog/post/{post.pk}/preview-link/", {"action": "create"})
    assert response.status_code == 302
    html = client.get(f"/admin/blog/post/{post.pk}/preview-link/").content.decode()
    return re.search(r'id="preview-link-url"[^>]*value="http://testserver([^"]+)"', html).group(1)


def test_shared_link_shows_the_draft_without_an_account(draft, anna, settings):
    """Anyone with the link sees the draft in the theme, never cached, noindex, no form."""
    settings.BLOG_PAGE_CACHE = True
    url = _make_link(_login(anna), draft)
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    html = response.content.decode()
    assert '<h1 class="entry-title">Entwurf über Laufschuhe</h1>' in html
    assert "Vorschau" in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    assert 'id="respond"' not in html
    assert "Bearbeiten" not in html


def test_a_new_link_or_revoking_ends_the_old_one(draft, anna):
    """Making a new link ends the old one; revoking ends the new one."""
    client = _login(anna)
    old = _make_link(client, draft)
    new = _make_link(client, draft)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    client.post(f"/admin/blog/post/{draft.pk}/preview-link/", {"action": "revoke"})
    assert Client().get(new).status_code == 404


def test_expired_and_forged_links_are_404(draft, anna):
    """An expired link and a changed token are 404 with the German page."""
    url = _make_link(_login(anna), draft)
    forged = url.replace("/preview/", "/preview/x")
    response = Client().get(forged)
    assert response.status_code == 404
    assert "Diese Seite kann nicht gefunden werden." in response.content.decode()
    PreviewLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(url).status_code == 404


def test_shared_link_of_a_published_post_leads_to_its_address(draft, anna):
    """Once published, the link shows no preview but the post's public address."""
    url = _make_link(_login(anna), draft)
    Post.objects.filter(pk=draft.pk).update(status="published")
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


def test_preview_link_page_belongs_to_who_may_change_the_post(draft, bert):
    """Another author cannot make or see a link for anna's post."""
    client = _login(bert)
    assert client.get(f"/admin/blog/post/{draft.pk}/preview-link/").status_code == 404
    assert (
        client.post(f"/admin/blog/post/{draft.pk}/preview-link/", {"action": "create"}).status_code
        == 404
    )
    assert not PreviewLink.objects.exists()


# -- "Bearbeiten" on the site ---------------------------------------------------------------


def test_edit_link_for_who_may_change_the_post(anna, bert, settings):
    """anna sees "Bearbeiten" on her post; bert, readers and the page cache do not."""
    settings.BLOG_PAGE_CACHE = True
    post = PostFactory(author=anna, title="Öffentlich")
    edit = f'href="/admin/blog/post/{post.pk}/change/"'
    assert edit in _login(anna).get(post.get_absolute_url()).content.decode()
    assert "post-edit-link" not in _login(bert).get(post.get_absolute_url()).content.decode()
    reader = Client()
    for _ in range(2):
        response = reader.get(post.get_absolute_url())
        assert "Bearbeiten" not in response.content.decode()
    assert response.get("X-Page-Cache") == "hit"
    # After a reader's visit filled the cache, the author still gets her link.
    assert edit in _login(anna).get(post.get_absolute_url()).content.decode()


def test_edit_link_on_pages(chefin, anna):
    """A page shows "Bearbeiten" to who may change pages only."""
    page = PageFactory(title="Über mich", body="Hallo")
    assert f'href="/admin/blog/page/{page.pk}/change/"' in (
        _login(chefin).get(page.get_absolute_url()).content.decode()
    )
    assert "post-edit-link" not in Client().get(page.get_absolute_url()).content.decode()
    # An "Autor" writes posts, not pages.
    assert "post-edit-link" not in _login(anna).get(page.get_absolute_url()).content.decode()


def test_page_saves_keep_revisions_and_restore(chefin):
    """A page's saves in its form and in the list are revisions; one is restored."""
    page = PageFactory(title="Impressum", body="Alte Adresse.", menu_order=0)
    client = _login(chefin)
    data = {
        "title": "Impressum",
        "slug": page.slug,
        "body": "Neue Adresse.",
        "status": "published",
        "show_in_navigation": "on",
        "menu_order": "0",
        "_save": "Sichern",
    }
    assert client.post(f"/admin/blog/page/{page.pk}/change/", data).status_code == 302
    bodies = [v.field_dict["body"] for v in Version.objects.get_for_object(page)]
    assert bodies == ["Neue Adresse.", "Alte Adresse."]
    changelist = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(page.pk),
        "form-0-menu_order": "3",
        "form-0-show_in_navigation": "on",
        "_save": "Sichern",
    }
    assert client.post("/admin/blog/page/", changelist).status_code == 302
    assert Version.objects.get_for_object(page).count() == 3
    first = Version.objects.get_for_object(page).last()
    assert client.post(f"/admin/blog/page/{page.pk}/revisions/{first.pk}/").status_code == 302
    page.refresh_from_db()
    assert page.body == "Alte Adresse."
    assert Version.objects.get_for_object(page).count() == 4


def test_a_read_only_form_offers_no_desk(db):
    """A contributor's published post opens read-only: no autosave, preview or versions."""
    mitarbeiter = UserFactory(username="mia", is_staff=True)
    mitarbeiter.groups.add(Group.objects.get(name="Mitarbeiter"))
    post = PostFactory(author=mitarbeiter, title="Schon veröffentlicht")
    response = _login(mitarbeiter).get(f"/admin/blog/post/{post.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schon veröffentlicht" in html
    assert 'id="author-desk"' not in html
    assert "theme-preview-button" not in html
    assert "desk-revisions-link" not in html
    own_draft = PostFactory(author=mitarbeiter, title="Entwurf", status="draft")
    html = _login(mitarbeiter).get(f"/admin/blog/post/{own_draft.pk}/change/").content.decode()
    assert 'id="author-desk"' in html and "theme-preview-button" in html


def test_restoring_keeps_a_state_no_revision_held(draft, anna):
    """Text changed outside the admin (no revision) is kept as one before a restore."""
    client = _login(anna)
    _save(client, draft, title="Im Admin gespeichert")
    first = Version.objects.get_for_object(draft).last()
    Post.objects.filter(pk=draft.pk).update(title="Per Befehl geändert")
    draft.refresh_from_db()
    assert client.post(f"/admin/blog/post/{draft.pk}/revisions/{first.pk}/").status_code == 302
    titles = [v.field_dict["title"] for v in Version.objects.get_for_object(draft)]
    assert titles[:2] == ["Entwurf über Laufschuhe", "Per Befehl geändert"]


def test_preview_shows_the_featured_image_chosen_in_the_form(draft, anna):
    """A library image chosen as featured image but not saved shows in the preview."""
    from tests.factories import MediaFactory

    media = MediaFactory(alt="Gipfelkreuz")
    data = _form_data(draft, featured_media=media.pk)
    html = _login(anna).post(f"/admin/blog/post/{draft.pk}/theme-preview/", data).content.decode()
    assert f'src="{media.file.url}"' in html
    assert 'alt="Gipfelkreuz"' in html
    draft.refresh_from_db()
    assert not draft.featured_image


def test_a_deleted_post_takes_its_revisions_along(draft, anna):
    """Deleting a post for good deletes its revisions; another post's stay."""
    other = PostFactory(author=anna, title="Bleibt")
    client = _login(anna)
    _save(client, draft, title="Zweiter Stand")
    _save(client, other, title="Bleibt auch")
    draft.delete()
    assert sorted(v.object_repr for v in Version.objects.all()) == ["Bleibt", "Bleibt auch"]
