"""Post summaries and post meta lines in one pass of Python string building (issue #6).

Every list of posts (home page, archives, categories, tags, authors, search) shows ten
summaries, each with a meta line (date, author, categories, comment count). Through the
template engine that is two `{% include %}`s, a `{% url %}`, date filters and some 120
variable lookups per post: about 0.5 ms each, the biggest part of an uncached home page,
and more than a fragment-cache hit costs. Here the per-post work is a few f-strings over
values prepared once per request (translated labels, author URLs, formatted dates), as
comments/render.py does for the thread. The markup is the theme's, WordPress's classes:
`article.post-summary`, `p.entry-meta` with `posted-on`, `byline`, `cat-links`,
`comments-link`.

Used through the `{% post_summaries %}` and `{% post_meta %}` tags (blog/templatetags/
blog_tags.py), so templates still decide where the list goes.
"""

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class PostRenderer:
    """Renders summaries and meta lines; one instance per request (per language)."""

    def __init__(self, *, is_home: bool = False):
        self.is_home = is_home
        self.by = escape(_("by"))
        self.categories_label = escape(_("Categories"))
        self.featured = escape(_("Featured"))
        self.continue_reading = escape(_("Continue reading"))
        self.protected = escape(_("This post is password protected."))
        self.badges = {
            "draft": self._badge(_("Draft")),
            "scheduled": self._badge(_("Scheduled")),
            "private": self._badge(_("Private")),
        }
        self.authors: dict = {}
        self.dates: dict = {}
        self.now = timezone.now()

    @staticmethod
    def _badge(text: str) -> str:
        return f'<span class="status-badge">{escape(text)}</span>'

    def _author(self, user) -> str:
        link = self.authors.get(user.pk)
        if link is None:
            username = user.get_username()
            url = reverse("blog:author_detail", kwargs={"username": username})
            name = user.get_full_name() or username
            link = self.authors[user.pk] = (
                f'<a class="author" href="{escape(url)}">{escape(name)}</a>'
            )
        return link

    def _date(self, value) -> tuple[str, str]:
        """(ISO 8601 to the second, DATE_FORMAT) of a datetime in the current time zone,
        memoised by day. HTML's datetime attribute allows at most three fractional digits."""
        local = timezone.localtime(value)
        day = local.date()
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = escape(date_format(day, "DATE_FORMAT"))
        return local.isoformat(timespec="seconds"), text

    def meta(self, post) -> str:
        url = escape(post.get_absolute_url())
        iso, shown = self._date(post.published_at)
        parts = [
            '<p class="entry-meta">\n  <span class="posted-on">'
            f'<a href="{url}"><time class="published" datetime="{iso}">{shown}</time></a>'
            f'</span>\n  <span class="byline">{self.by} {self._author(post.author)}</span>'
        ]
        categories = (post.terms or {}).get("categories") or []
        if categories:
            links = ", ".join(
                f'<a href="{escape(c["url"])}" rel="category tag">{escape(c["name"])}</a>'
                for c in categories
            )
            parts.append(
                '\n  <span class="cat-links"><span class="screen-reader-text">'
                f"{self.categories_label}: </span>{links}</span>"
            )
        if post.comment_count:
            n = post.comment_count
            label = ngettext("One comment", "%(n)s comments", n) % {"n": n}
            parts.append(
                f'\n  <span class="comments-link"><a href="{url}#comments">'
                f"{escape(label)}</a></span>"
            )
        if post.status != "published":
            parts.append("\n  " + self.badges["draft"])
        elif post.published_at > self.now:
            parts.append("\n  " + self.badges["scheduled"])
        if post.visibility == "private":
            parts.append("\n  " + self.badges["private"])
        parts.append("\n</p>")
        return "".join(parts)

    def summary(self, post) -> str:
        url = escape(post.get_absolute_url())
        title = escape(post.title)
        sticky = post.is_sticky and self.is_home
        protected = post.is_password_protected
        out = [
            f'<article id="post-{post.pk}" class="post-summary{" sticky" if sticky else ""}">'
            '\n  <header class="entry-header">'
        ]
        if sticky:
            out.append(f'\n    <p class="sticky-label">{self.featured}</p>')
        out.append(
            f'\n    <h2 class="entry-title"><a href="{url}" rel="bookmark">{title}</a></h2>'
            f"\n    {self.meta(post)}\n  </header>"
        )
        if post.featured_image and not protected:
            out.append(
                f'\n  <a class="post-thumbnail" href="{url}" tabindex="-1" aria-hidden="true">'
                f'<img src="{escape(post.featured_image.url)}"'
                f' srcset="{escape(post.featured_srcset)}"'
                ' sizes="(min-width: 60em) 40em, 100vw" alt=""'
                f' width="{post.featured_image_width or ""}"'
                f' height="{post.featured_image_height or ""}"'
                ' loading="lazy" decoding="async"></a>'
            )
        text = self.protected if protected else escape(post.summary)
        out.append(
            f'\n  <div class="entry-summary">\n    <p>{text}</p>\n  </div>'
            f'\n  <p class="more"><a class="more-link" href="{url}">{self.continue_reading}'
            f'<span class="screen-reader-text"> „{title}“</span></a></p>\n</article>\n'
        )
        return "".join(out)


def render_summaries(posts, *, is_home: bool = False) -> SafeString:
    """The summaries of a list of posts (escaped here: no user text reaches it raw)."""
    renderer = PostRenderer(is_home=is_home)
    return mark_safe("".join(renderer.summary(post) for post in posts))  # noqa: S308


def render_meta(post) -> SafeString:
    """The meta line of one post (date, author, categories, comments, status)."""
    return mark_safe(PostRenderer().meta(post))  # noqa: S308
