# The titles' own full-text index on PostgreSQL (issue #14): a search shows the posts and
# pages whose title holds every word however old they are, read newest first through this
# GIN index on the stored `title_document` (migration 0019) instead of every title.
# SQLite's FTS5 table indexes its title column already.

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0022_sitesettings_fediverse_enabled"),
    ]

    operations = [
        PostgreSQLOnly(
            "CREATE INDEX IF NOT EXISTS blog_searchentry_title_fts ON blog_searchentry "
            "USING gin (title_document)",
            reverse_sql="DROP INDEX IF EXISTS blog_searchentry_title_fts",
        ),
    ]
