from django.db import migrations, models
from django.utils import timezone


def mark_loaded_demo(apps, schema_editor):
    """A blog that has the demo's first post had the demo loaded by an earlier version."""
    Post = apps.get_model("blog", "Post")
    SiteSettings = apps.get_model("blog", "SiteSettings")
    if Post.objects.filter(slug="hartes-training").exists():
        SiteSettings.objects.update_or_create(pk=1, defaults={"demo_loaded_at": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0006_post_terms'),
    ]

    operations = [
        migrations.AddField(
            model_name='sitesettings',
            name='demo_loaded_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_loaded_demo, migrations.RunPython.noop),
    ]
