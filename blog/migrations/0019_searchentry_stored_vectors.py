# The full-text index on PostgreSQL as stored columns (issue #14): the stems' tsvectors are
# made once when an entry is written (generated columns) instead of at every search that
# reads many entries; the GIN index moves onto the stored column. SQLite keeps its FTS5
# table. blog/search.py queries these columns.

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS blog_searchentry_fts",
    "ALTER TABLE blog_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, title_terms || ' ' || body_terms)) STORED",
    "ALTER TABLE blog_searchentry ADD COLUMN title_document tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, title_terms)) STORED",
    "CREATE INDEX blog_searchentry_fts ON blog_searchentry USING gin (document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS blog_searchentry_fts",
    "ALTER TABLE blog_searchentry DROP COLUMN IF EXISTS document",
    "ALTER TABLE blog_searchentry DROP COLUMN IF EXISTS title_document",
    "CREATE INDEX blog_searchentry_fts ON blog_searchentry USING gin "
    "((to_tsvector('simple'::regconfig, title_terms || ' ' || body_terms)))",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for sql in statements:
            schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0018_post_guid"),
    ]

    operations = [migrations.RunPython(forward, backward)]
