"""The "Autor" badge only on comments by the post's own author (issue #12).

Replies from the admin carried it whoever wrote them; Comment.derive_fields now sets it
for the post's author only, and this corrects the replies stored before.
"""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    wrong = Comment.objects.filter(is_author_reply=True).exclude(user_id=F("post__author_id"))
    wrong.update(is_author_reply=False)


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_comment_pages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
