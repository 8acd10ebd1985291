"""The JSON documents the blog shows the fediverse (issue #15), in the shapes Mastodon reads.

A post's object id is /ap/posts/<pk> (stays when the slug or date changes); its `url` is
the permalink. Only indexable posts (published, date come, public: no private or
password-protected one) have a document at all.
"""

import datetime
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from blog.feeds import absolute_html
from blog.models import Post

from .keys import absolute, actor_url, key_for

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = [
    AS_CONTEXT,
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "Hashtag": "as:Hashtag",
    },
]
ACTIVITY_JSON = "application/activity+json"


def author_name(author) -> str:
    return author.get_full_name() or author.get_username()


def followers_url(author) -> str:
    return absolute(reverse("fediverse:followers", args=[author.get_username()]))


def post_id(post) -> str:
    return absolute(reverse("fediverse:post", args=[post.pk]))


def post_for_id(url: str):
    """The indexable post whose object id (or permalink) is `url`, else None.

    For incoming replies: `inReplyTo` names our object id, or (some servers) the permalink.
    """
    from django.urls import Resolver404, resolve

    from .keys import absolute as on_site

    base = on_site("")
    if not url.startswith(base + "/"):
        return None
    path = unquote(url[len(base) :].split("#", 1)[0].split("?", 1)[0])
    try:
        match = resolve(path)
    except Resolver404:
        return None
    posts = Post.objects.indexable().select_related("author")
    if match.url_name == "post" and match.namespace == "fediverse":
        return posts.filter(pk=match.kwargs["pk"]).first()
    if match.url_name == "post_detail" and match.namespace == "blog":
        post = posts.filter(slug=match.kwargs["slug"]).first()
        if post and unquote(post.get_absolute_url()) == path:
            return post
    return None


def actor_document(author) -> dict:
    """The author as a `Person` (Mastodon's shape: preferredUsername, publicKey, endpoints)."""
    url = actor_url(author)
    name = author.get_username()
    doc = {
        "@context": CONTEXT,
        "id": url,
        "type": "Person",
        "preferredUsername": name,
        "name": author_name(author),
        "summary": "",
        "url": absolute(reverse("blog:author_detail", kwargs={"username": name})),
        "inbox": absolute(reverse("fediverse:inbox", args=[name])),
        "outbox": absolute(reverse("fediverse:outbox", args=[name])),
        "followers": followers_url(author),
        "following": absolute(reverse("fediverse:following", args=[name])),
        "endpoints": {"sharedInbox": absolute(reverse("fediverse:shared_inbox"))},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {
            "id": url + "#main-key",
            "owner": url,
            "publicKeyPem": key_for(author).public_key_pem,
        },
    }
    from blog.models import SiteSettings

    tagline = SiteSettings.load().tagline
    if tagline:
        doc["summary"] = f"<p>{escape(tagline)}</p>"
    return doc


def escape(text: str) -> str:
    from django.utils.html import escape as html_escape

    return str(html_escape(text))


def article(post) -> dict:
    """The post as an `Article` (Mastodon shows its name and links to its url)."""
    permalink = absolute(post.get_absolute_url())
    author = post.author
    doc = {
        "id": post_id(post),
        "type": "Article",
        "attributedTo": actor_url(author),
        "name": post.title,
        "url": permalink,
        "content": absolute_html(post.body_html, permalink),
        "mediaType": "text/html",
        "published": _iso(post.published_at),
        "to": [PUBLIC],
        "cc": [followers_url(author)],
        "tag": [
            {
                "type": "Hashtag",
                "href": absolute(tag["url"]),
                "name": "#" + "".join(tag["name"].split()),
            }
            for tag in (post.terms or {}).get("tags", [])
        ],
        "sensitive": False,
    }
    # Mastodon shows an Article as its name, its summary (HTML) and a link to its url.
    if post.summary:
        doc["summary"] = f"<p>{escape(post.summary)}</p>"
    doc["contentMap"] = {settings.LANGUAGE_CODE.split("-")[0]: doc["content"]}
    if post.updated_at and post.updated_at > post.published_at:
        doc["updated"] = _iso(post.updated_at)
    if post.featured_image:
        doc["image"] = {"type": "Image", "url": absolute(post.featured_image.url)}
    return doc


def _iso(when) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def wrap(kind: str, author, obj, *, suffix: str) -> dict:
    """An activity of `author` about `obj` (a dict or an id), addressed like the object."""
    obj_id = obj["id"] if isinstance(obj, dict) else obj
    return {
        "@context": AS_CONTEXT,
        "id": f"{obj_id}#{suffix}",
        "type": kind,
        "actor": actor_url(author),
        "to": [PUBLIC],
        "cc": [followers_url(author)],
        "object": obj,
    }


def create(post) -> dict:
    obj = article(post)
    activity = wrap("Create", post.author, obj, suffix="create")
    activity["published"] = obj["published"]
    return activity


def update(post) -> dict:
    obj = article(post)
    stamp = int(post.updated_at.timestamp())
    activity = wrap("Update", post.author, obj, suffix=f"update-{stamp}")
    return activity


def delete(object_id: str, author) -> dict:
    tombstone = {"id": object_id, "type": "Tombstone"}
    return wrap("Delete", author, tombstone, suffix="delete")


def authors():
    """Users that can be actors: active, with at least one published post."""
    return (
        get_user_model()
        .objects.filter(is_active=True, posts__status=Post.Status.PUBLISHED)
        .distinct()
    )
