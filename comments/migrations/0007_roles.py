"""The groups "Mitarbeiter", "Autor" and "Redakteur" with WordPress's capabilities
(issue #12, blog/roles.py).

Django makes permissions after all migrations (post_migrate); the groups need them
now, so they are made here first, as post_migrate would. Users and groups who could
publish before (they held blog.change_post) keep that right: they get publish_post.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from blog.roles import GROUPS, create_groups


def _make_permissions(apps):
    for label in ("blog", "comments"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None


def _keep_publishing(apps):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    change = Permission.objects.get(content_type__app_label="blog", codename="change_post")
    publish = Permission.objects.get(content_type__app_label="blog", codename="publish_post")
    for group in Group.objects.filter(permissions=change).exclude(name__in=GROUPS):
        group.permissions.add(publish)
    for user in User.objects.filter(user_permissions=change):
        user.user_permissions.add(publish)


def forwards(apps, schema_editor):
    _make_permissions(apps)
    _keep_publishing(apps)
    create_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blog", "0013_post_pending_review_capabilities"),
        ("comments", "0006_comment_moderate_comments"),
    ]

    operations = [
        # Backwards the groups stay: users may have been put into them.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
