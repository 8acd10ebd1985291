"""Settings in one row (core.models.SingletonModel): the blog's and the discussion's alike."""

import pytest
from django.db import IntegrityError, transaction

from blog.models import SiteSettings
from comments.models import DiscussionSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SINGLETONS = [SiteSettings, DiscussionSettings]


@pytest.mark.parametrize("model", SINGLETONS)
def test_load_reads_the_row_once_per_content_version(model, django_assert_num_queries):
    """The first load makes the row; later loads cost no query until the row is saved."""
    first = model.load()
    assert first.pk == 1
    with django_assert_num_queries(0):
        assert model.load().pk == 1


def test_saving_applies_on_the_next_load():
    """A changed title and thread depth are what the next load gives."""
    site, discussion = SiteSettings.load(), DiscussionSettings.load()
    site.title = "Laufblog"
    site.save()
    discussion.thread_depth = 3
    discussion.save()
    assert SiteSettings.load().title == "Laufblog"
    assert DiscussionSettings.load().thread_depth == 3


@pytest.mark.parametrize("model", SINGLETONS)
def test_there_is_only_one_row(model):
    """Saving a new instance writes row 1; another primary key is refused by the database."""
    model.load()
    model().save()
    assert model.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=1).update(id=2)


@pytest.mark.parametrize(
    ("model", "path"),
    [(SiteSettings, "blog/sitesettings"), (DiscussionSettings, "comments/discussionsettings")],
)
def test_admin_list_goes_to_the_one_form(client, model, path):
    """The admin's list opens the row's form; there is no add or delete."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"/admin/{path}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/{path}/1/change/"
    assert client.get(f"/admin/{path}/add/").status_code == 403
    assert client.get(f"/admin/{path}/1/delete/").status_code == 403
    assert client.get(f"/admin/{path}/1/change/").status_code == 200
