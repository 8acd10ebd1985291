"""The comment section, asked for by the post template (the django-contrib-comments way).

    {% load comment_tags %}
    {% comment_head post %}      in <head>: the comment feed; noindex when replying
    {% comment_section post %}   the heading, the thread and the form
    {% comment_scripts post %}   the reply script, while the post takes comments

The post page knows nothing of comments beyond these tags; the markup is the comments
app's (templates/comments/), the section's data comes from comments/section.py, once per
page however many tags ask. A view that shows the page again with a bound form and
its errors (comments/views.py) puts them in the page's context as `comment_form` and
`comment_error`; a comment page (…/comment-page-N/) puts its number there as
`comment_page`.
"""

from django import template

from ..feeds import post_feed_url
from ..section import comment_section as build_section
from ..targets import target_key

register = template.Library()


def _section(context, post) -> dict:
    """The section of `post` for this rendering of the page, built on the first ask."""
    key = ("comments.section", target_key(post))
    memo = context.render_context
    if key not in memo:
        memo[key] = build_section(
            context["request"],
            post,
            form=context.get("comment_form"),
            error=context.get("comment_error"),
            page=context.get("comment_page"),
        )
    return memo[key]


def _render(context, post, name: str):
    section = _section(context, post)
    with context.push(section):
        return context.template.engine.get_template(name).render(context)


@register.simple_tag(takes_context=True)
def comment_head(context, post):
    """The comment feed link; noindex for ?replytocom= pages (templates/comments/_head.html)."""
    return _render(context, post, "comments/_head.html")


@register.simple_tag
def comment_feed_url(post):
    """The address of `post`'s comment feed."""
    return post_feed_url(post)


@register.simple_tag(takes_context=True)
def comment_section(context, post):
    """Heading, thread and form of `post` (templates/comments/_section.html)."""
    return _render(context, post, "comments/_section.html")


@register.simple_tag(takes_context=True)
def comment_scripts(context, post):
    """The reply script while `post` takes comments (templates/comments/_scripts.html)."""
    return _render(context, post, "comments/_scripts.html")
