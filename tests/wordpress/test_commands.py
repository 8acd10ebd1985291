"""manage.py import_wordpress and export_wordpress: output, progress, errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from tests.wordpress.build import write
from tests.wordpress.test_wxr import BILLION_LAUGHS
from wordpress.exporter import IdAllocator
from wordpress.wxr import read_wxr

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None):
    out = stdout or io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_prints_progress_and_summary(export_file, uploads):
    """Plain progress lines (not a terminal), then counts, skips, shortcodes and warnings."""
    output = run("import_wordpress", str(export_file), "--media-dir", str(uploads))
    lines = output.splitlines()
    assert lines[0] == "2/20 items · 2 posts · 0 pages · 11 comments"  # every 10 %
    assert "20/20 items · 8 posts · 4 pages · 12 comments" in lines
    assert "Imported “Olivers Blog” (https://example.org, WXR 1.2) in" in output
    assert "  posts              8 new" in lines
    assert "  comments          12 new" in lines  # pings and a page's comment among them
    assert "        1 comments in the trash" in lines
    assert "Unknown shortcodes, kept as text: [contact-form-7] ×1" in lines
    assert "Warnings (1):" in lines
    assert "\r" not in output


def test_import_on_a_terminal_redraws_one_line(export_file):
    """On a terminal the running counts are redrawn in place."""
    output = run("import_wordpress", str(export_file), stdout=Terminal())
    assert "\r20/20 items · 8 posts · 4 pages · 12 comments\n" in output


def test_second_import_reports_existing(export_file):
    """A second run says what was there already."""
    run("import_wordpress", str(export_file))
    output = run("import_wordpress", str(export_file))
    assert "  posts              0 new (8 already here)" in output.splitlines()


def test_dry_run_says_so(export_file):
    """--dry-run prints the same summary, marked as a dry run, and writes nothing."""
    output = run("import_wordpress", str(export_file), "--dry-run")
    assert "Dry run of the import “Olivers Blog”" in output
    assert output.rstrip().endswith("Dry run: nothing was written.")
    assert not Post.objects.exists()


def test_import_errors_name_the_file_and_line(tmp_path):
    """Unsafe or broken files end the command with the line and nothing imported."""
    path = write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(CommandError) as error:
        run("import_wordpress", str(path))
    assert str(error.value).startswith(f"{path}, line 3: the file declares XML entities")
    assert str(error.value).endswith("Nothing was imported.")
    with pytest.raises(CommandError, match="No such file"):
        run("import_wordpress", str(tmp_path / "missing.xml"))


def test_export_writes_a_file(imported, tmp_path):
    """export_wordpress writes WXR that our importer reads, and says what it wrote."""
    target = tmp_path / "blog.xml"
    output = run("export_wordpress", str(target), "--base-url", "https://blog.example.org/")
    assert output == "Exported 8 posts, 4 pages, 4 attachments, 12 comments.\n"
    posts = [r for r in read_wxr(target) if getattr(r, "post_type", "") == "post"]
    assert len(posts) == 8
    assert not list(tmp_path.glob(".blog.xml.*"))


def test_export_refuses_a_bad_base_url(db, tmp_path):
    """Links in the export need a scheme; a bare host name is refused."""
    with pytest.raises(CommandError, match="--base-url must start with http"):
        run("export_wordpress", str(tmp_path / "x.xml"), "--base-url", "blog.example.org")


def test_export_to_stdout(db):
    """ "-" writes the export to standard output."""
    output = run("export_wordpress", "-")
    assert output.startswith('<?xml version="1.0" encoding="UTF-8" ?>')


def test_id_allocator_keeps_wordpress_ids_and_avoids_them():
    """Imported objects keep their ID; others take their pk unless an imported one has it."""
    ids = IdAllocator({5, 6})
    assert ids.get("imported", fixed=5) == 5
    assert ids.get("native-5", preferred=5) == 7
    assert ids.get("native-3", preferred=3) == 3
    assert ids.get("native-3", preferred=3) == 3
    assert ids.get("other") == 8


def test_a_wordpress_com_export_is_imported(tmp_path, db):
    """WordPress.com declares the WXR namespaces with https://: the post is imported."""
    from tests.wordpress.build import item, wxr

    text = wxr(item(7, "Vom Punkt com", excerpt="Kurz")).replace(
        "http://wordpress.org/export/", "https://wordpress.org/export/"
    )
    text = text.replace("<generator>https://wordpress.org/", "<generator>https://wordpress.com/")
    assert "<generator>https://wordpress.com/" in text
    run("import_wordpress", str(write(tmp_path, text)))
    post = Post.objects.get(title="Vom Punkt com")
    assert post.excerpt == "Kurz"
