"""The admin's doors on a running gunicorn with production settings (issue #16).

- Debug off and BLOG_REQUIRE_2FA unset: a superuser's password leads to the set-up of a
  second factor and nowhere else in the admin.
- "Passwort vergessen?": the e-mail (console backend, in the server's output) links to
  BLOG_SITE_URL; the link sets a new password once.
- The commands at the server: unlock_account after a lockout, reset_second_factors.
"""

import re

import pytest

from tests.live.server import LiveServer, csrf_token

PASSWORD = "Richtig-Pferd-Batterie-42"
NEW_PASSWORD = "Frisches-Pferd-Batterie-7"


@pytest.fixture
def server(tmp_path):
    """gunicorn, debug off, BLOG_REQUIRE_2FA as in production (unset); a superuser."""
    with LiveServer(tmp_path, "gunicorn", env={"BLOG_REQUIRE_2FA": ""}, start=False) as server:
        server.env["BLOG_SITE_URL"] = server.url("")
        server.start()
        server.create_superuser("chefin", PASSWORD)
        yield server


def test_no_superuser_in_the_admin_with_a_password_alone(server):
    """After the password only the security page opens; every other admin page sends there."""
    session = server.session()
    session.login("chefin", PASSWORD)
    for path in ("/admin/", "/admin/blog/post/", "/admin/auth/user/", "/admin/blog/post/add/"):
        response = session.get(path)
        assert response.status == 302, path
        assert response.headers["Location"] == "/admin/security/"
    page = session.get("/admin/security/")
    assert page.status == 200
    assert "Für dein Konto ist ein zweiter Faktor vorgeschrieben" in page.text


def test_password_reset_by_e_mail(server):
    """The e-mail goes out in German with a link to the blog; the link sets a new password."""
    session = server.session()
    form = session.get("/admin/password_reset/")
    known = session.post(
        "/admin/password_reset/",
        {"csrfmiddlewaretoken": csrf_token(form.text), "email": "chefin@example.org"},
    )
    unknown = session.post(
        "/admin/password_reset/",
        {"csrfmiddlewaretoken": csrf_token(form.text), "email": "niemand@example.org"},
    )
    assert known.status == unknown.status == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/admin/password_reset/done/"

    output = server.output()
    assert output.count("To: ") == 1
    assert "Der Link gilt 30 Minuten lang und nur einmal." in output
    link = re.search(re.escape(server.url("")) + r"(/admin/reset/\S+/)", output).group(1)
    set_password = session.get(link)
    assert set_password.status == 302
    page = session.get(set_password.headers["Location"])
    done = session.post(
        set_password.headers["Location"],
        {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.status == 302
    assert done.headers["Location"] == "/admin/reset/done/"
    server.session().login("chefin", NEW_PASSWORD)
    # The link works once.
    assert "ungültig" in server.session().get(link).text


def test_unlock_account_and_reset_second_factors(server):
    """Locked out after five wrong passwords, unlocked at the server; factors removed there."""
    session = server.session()
    page = session.get("/admin/login/")
    for _attempt in range(5):
        session.post(
            "/admin/login/",
            {"csrfmiddlewaretoken": csrf_token(page.text), "username": "chefin", "password": "x"},
        )
    locked = session.post(
        "/admin/login/",
        {"csrfmiddlewaretoken": csrf_token(page.text), "username": "chefin", "password": PASSWORD},
    )
    assert locked.status == 429
    assert "Unlocked 'chefin'" in server.manage("unlock_account", "chefin")
    server.session().login("chefin", PASSWORD)

    server.shell(
        "from django.contrib.auth import get_user_model\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "TOTPDevice.objects.create(user=get_user_model().objects.get(username='chefin'))"
    )
    # With an app the password alone no longer logs in.
    step = server.session().login("chefin", PASSWORD)
    assert step.headers["Location"].startswith("/admin/login/verify/")
    assert "Removed 1 second factor(s)" in server.manage("reset_second_factors", "chefin")
    assert server.session().login("chefin", PASSWORD).headers["Location"] == "/admin/"
