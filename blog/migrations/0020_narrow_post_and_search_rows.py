# Narrow rows on PostgreSQL (issue #14): a post's texts and a search entry's stems, text and
# tsvectors go to the TOAST table once a row passes 128 bytes (the default is 2 kB), so
# that lists, counts and searches, which read the short columns of many rows, read a
# narrow table; a page that shows the text fetches it from TOAST as before. Takes effect
# for rows written from now on (rebuild_search_index rewrites every entry).

from django.db import migrations

TABLES = ("blog_post", "blog_searchentry")


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 128)")


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0019_searchentry_stored_vectors"),
    ]

    operations = [migrations.RunPython(narrow, widen)]
