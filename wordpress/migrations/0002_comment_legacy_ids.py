"""Comments imported before Comment.legacy_id existed: their old WordPress ID from the
mapping, where the comment got a new one (the thread prints it as a second anchor)."""

from django.db import migrations
from django.db.models import F


def fill_legacy_ids(apps, schema_editor):
    ImportedObject = apps.get_model("wordpress", "ImportedObject")
    Comment = apps.get_model("comments", "Comment")
    remapped = (
        ImportedObject.objects.filter(kind="comment")
        .exclude(comment=None)
        .exclude(comment_id=F("wp_id"))
        .values_list("comment_id", "wp_id")
    )
    changed = []
    for comment_id, wp_id in remapped.iterator():
        changed.append(Comment(pk=comment_id, legacy_id=wp_id))
    Comment.objects.bulk_update(changed, ["legacy_id"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("wordpress", "0001_initial"),
        ("comments", "0004_comment_legacy_id"),
    ]

    operations = [migrations.RunPython(fill_legacy_ids, migrations.RunPython.noop)]
