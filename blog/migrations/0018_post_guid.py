import uuid

from django.db import migrations, models

import blog.models


def fill_guids(apps, schema_editor):
    """Each existing post its own feed ID (a callable default would give all one)."""
    Post = apps.get_model("blog", "Post")
    for pk in Post.objects.values_list("pk", flat=True).iterator():
        Post.objects.filter(pk=pk).update(guid=f"urn:uuid:{uuid.uuid4()}")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0017_post_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="guid",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
        migrations.RunPython(fill_guids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="post",
            name="guid",
            field=models.CharField(
                blank=True, default=blog.models.new_guid, editable=False, max_length=500
            ),
        ),
    ]
