"""What WordPress's RSS items say about their comments, for the blog's feeds (issue #13).

Feed readers show a post's comment count (`slash:comments`), link to the discussion
(`comments`) and subscribe to it (`wfw:commentRss`): the elements WordPress's
feed-rss2.php writes. Registered with blog.feeds from WordpressConfig.ready, since the
blog knows nothing of comments.
"""

from comments.feeds import post_feed_url


def comment_links(post, absolute) -> dict:
    """The comment elements of one post's feed item, as WordPress writes them: a link
    and the comment feed when the post has comments or takes them; the count always.
    A password-protected post's comments are not public, nor is their feed."""
    if post.is_password_protected:
        return {}
    extras = {"comment_count": post.comment_count}
    if post.comment_count or post.comments_open:
        anchor = "#comments" if post.comment_count else "#respond"
        extras["comments"] = absolute(post.get_absolute_url() + anchor)
        extras["comment_feed"] = absolute(post_feed_url(post))
    return extras
