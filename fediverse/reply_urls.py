"""The ActivityPub addresses of our comments (issue #15, fediverse/outgoing_replies.py).

Importing it also loads fediverse/replies.py, whose handlers the inbox dispatches to.
"""

from django.urls import path

from . import outgoing_replies, replies  # noqa: F401  (replies: registers its handlers)

urlpatterns = [
    path("ap/comments/<int:pk>", outgoing_replies.comment_object, name="fediverse_comment"),
]
