from django.urls import path

from blog import converters  # noqa: F401  (registers the yyyy and mm converters)

from . import converters as page_converters  # noqa: F401  (registers pagepath)
from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("comments/post/<int:post_id>/", views.comment_create, name="comment_create"),
    path(
        "comments/link/<int:post_id>/<int:number>/",
        views.comment_finder,
        name="comment_finder",
    ),
    # Comments on pages (issue #13).
    path("comments/page/<int:page_id>/", views.page_comment_create, name="page_comment_create"),
    path(
        "comments/page-link/<int:page_id>/<int:number>/",
        views.page_comment_finder,
        name="page_comment_finder",
    ),
    path("comments/avatar/<str:key>.png", views.avatar, name="avatar"),
    path("comments/captcha.png", views.captcha_image, name="captcha_image"),
    path("comments/captcha.wav", views.captcha_audio, name="captcha_audio"),
    path(
        "comments/subscription/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    path(
        "<yyyy:year>/<mm:month>/<mm:day>/<str:slug>/comment-page-<int:page>/",
        views.comment_page,
        name="comment_page",
    ),
    path(
        "<yyyy:year>/<mm:month>/<mm:day>/<str:slug>/feed/",
        feeds.PostCommentsFeed(),
        name="post_feed",
    ),
    # A page's comment pages and feed, as WordPress: /<page-path>/comment-page-N/ and
    # /<page-path>/feed/; only paths of pages match (comments/converters.py).
    path(
        "<pagepath:path>/comment-page-<int:page>/",
        views.page_comment_page,
        name="page_comment_page",
    ),
    path("<pagepath:path>/feed/", feeds.PageCommentsFeed(), name="page_feed"),
]
