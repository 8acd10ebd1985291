"""Small WXR files for the tests, written as WordPress's export.php writes them."""

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/{v}/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/{v}/"
>
<channel>
	<title>Olivers Blog</title>
	<link>https://example.org</link>
	<description>Training und Arbeit</description>
	<pubDate>Tue, 07 Jan 2025 10:00:00 +0000</pubDate>
	<language>de-DE</language>
	<wp:wxr_version>{v}</wp:wxr_version>
	<wp:base_site_url>https://example.org</wp:base_site_url>
	<wp:base_blog_url>https://example.org</wp:base_blog_url>
"""
FOOTER = """	<generator>https://wordpress.org/?v=6.7</generator>
{items}
</channel>
</rss>
"""


def cdata(value: str) -> str:
    """WordPress's wxr_cdata(): "]]>" is split across two CDATA sections."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def author(wp_id, login, display, email=None):
    return f"""	<wp:author><wp:author_id>{wp_id}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login><wp:author_email>{cdata(email or login + "@example.org")}</wp:author_email><wp:author_display_name>{cdata(display)}</wp:author_display_name><wp:author_first_name>{cdata("")}</wp:author_first_name><wp:author_last_name>{cdata("")}</wp:author_last_name></wp:author>
"""  # noqa: E501


def category(term_id, slug, name, parent=""):
    return f"""	<wp:category>
		<wp:term_id>{term_id}</wp:term_id>
		<wp:category_nicename>{cdata(slug)}</wp:category_nicename>
		<wp:category_parent>{cdata(parent)}</wp:category_parent>
		<wp:cat_name>{cdata(name)}</wp:cat_name>
	</wp:category>
"""


def tag(term_id, slug, name):
    return f"""	<wp:tag>
		<wp:term_id>{term_id}</wp:term_id>
		<wp:tag_slug>{cdata(slug)}</wp:tag_slug>
		<wp:tag_name>{cdata(name)}</wp:tag_name>
	</wp:tag>
"""


def comment(
    wp_id,
    content="Ein Kommentar.",
    *,
    parent=0,
    approved="1",
    type="comment",
    author="Leserin",
    email="leserin@example.net",
    url="https://leserin.example.net",
    ip="192.0.2.7",
    date="2025-01-08 09:00:00",
    user_id=0,
):
    return f"""		<wp:comment>
			<wp:comment_id>{wp_id}</wp:comment_id>
			<wp:comment_author>{cdata(author)}</wp:comment_author>
			<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
			<wp:comment_author_url>{url}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>
			<wp:comment_date>{cdata(date)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(date)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(content)}</wp:comment_content>
			<wp:comment_approved>{cdata(approved)}</wp:comment_approved>
			<wp:comment_type>{cdata(type)}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>{user_id}</wp:comment_user_id>
		</wp:comment>
"""


def item(
    wp_id,
    title="Ein Beitrag",
    *,
    slug=None,
    content="Text.",
    excerpt="",
    status="publish",
    post_type="post",
    date="2025-01-07 10:00:00",
    date_gmt=None,
    creator="oliver",
    parent=0,
    menu_order=0,
    password="",
    sticky=0,
    comment_status="open",
    link=None,
    terms=(),
    meta=None,
    comments=(),
    attachment_url="",
    modified=None,
    modified_gmt=None,
):
    slug = f"beitrag-{wp_id}" if slug is None else slug
    if link is None and not slug:
        link = f"https://example.org/?p={wp_id}"
    elif link is None and post_type == "page":
        link = f"https://example.org/{slug}/"
    elif link is None:
        link = f"https://example.org/{date[:10].replace('-', '/')}/{slug}/"
    taxonomy = "".join(
        f'\t\t<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>\n'
        for domain, nicename, name in terms
    )
    postmeta = "".join(
        f"\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>{cdata(k)}</wp:meta_key>\n"
        f"\t\t\t<wp:meta_value>{cdata(v)}</wp:meta_value>\n\t\t</wp:postmeta>\n"
        for k, v in (meta or {}).items()
    )
    attachment = (
        f"\t\t<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>\n"
        if attachment_url
        else ""
    )
    modified_lines = (
        f"\t\t<wp:post_modified>{cdata(modified)}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{cdata(modified_gmt or modified)}</wp:post_modified_gmt>\n"
        if modified
        else ""
    )
    return f"""	<item>
		<title>{cdata(title)}</title>
		<link>{link}</link>
		<pubDate>Tue, 07 Jan 2025 10:00:00 +0000</pubDate>
		<dc:creator>{cdata(creator)}</dc:creator>
		<guid isPermaLink="false">https://example.org/?p={wp_id}</guid>
		<description></description>
		<content:encoded>{cdata(content)}</content:encoded>
		<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date>{cdata(date)}</wp:post_date>
		<wp:post_date_gmt>{cdata(date if date_gmt is None else date_gmt)}</wp:post_date_gmt>
{modified_lines}		<wp:comment_status>{cdata(comment_status)}</wp:comment_status>
		<wp:ping_status>{cdata("open")}</wp:ping_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata(status)}</wp:status>
		<wp:post_parent>{parent}</wp:post_parent>
		<wp:menu_order>{menu_order}</wp:menu_order>
		<wp:post_type>{cdata(post_type)}</wp:post_type>
		<wp:post_password>{cdata(password)}</wp:post_password>
		<wp:is_sticky>{sticky}</wp:is_sticky>
{attachment}{taxonomy}{postmeta}{"".join(comments)}	</item>
"""


def wxr(*items, authors=None, terms="", version="1.2") -> str:
    """A whole export: channel header, authors, terms, then the items."""
    if authors is None:
        authors = author(1, "oliver", "Oliver Mustermann")
    return HEADER.format(v=version) + authors + terms + FOOTER.format(items="".join(items))


def write(tmp_path, text: str, name: str = "export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
