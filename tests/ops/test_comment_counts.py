"""A post's stored comment count stays right when comments are saved at the same time.

Found by the backup test under load on PostgreSQL (issue #7): with READ COMMITTED, two
transactions that each insert a comment and then count could each miss the other's
comment, leaving the count one short. comments.services.recount now locks the post's
row before counting. SQLite runs IMMEDIATE transactions one at a time, so this is a
PostgreSQL test.
"""

import threading

import pytest
from django.db import connection, transaction

from comments.models import Comment
from comments.services import recount
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _comment(post, name):
    return Comment.objects.create(
        post=post,
        author_name=name,
        author_email=f"{name}@example.net",
        body=name,
        status=Comment.Status.APPROVED,
    )


def test_concurrent_recounts_see_each_other():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    post = PostFactory()
    first_counted = threading.Event()
    errors = []

    def second():
        try:
            first_counted.wait(10)
            with transaction.atomic():
                _comment(post, "zwei")
                recount(post)  # must wait for the first transaction, then count both
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with transaction.atomic():
            _comment(post, "eins")
            recount(post)
            first_counted.set()
            thread.join(0.5)  # the second transaction inserts and reaches its count
    finally:
        thread.join(20)
    assert not errors
    post.refresh_from_db()
    assert post.comment_count == 2 == Comment.objects.visible().filter(post=post).count()
