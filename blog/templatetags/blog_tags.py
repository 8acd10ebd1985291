"""Template tags for the blog's lists (issue #6): the summaries and meta lines that
blog/render.py builds in Python, so that templates still place them."""

from django import template

from blog.render import render_meta, render_summaries

register = template.Library()


@register.simple_tag
def post_summaries(posts, is_home=False):
    """`{% post_summaries posts is_home %}`: the `article.post-summary` of each post."""
    return render_summaries(posts, is_home=bool(is_home))


@register.simple_tag
def post_meta(post):
    """`{% post_meta post %}`: date, author, categories, comment count and status."""
    return render_meta(post)
