"""WordPress "day and name" permalinks, so that a blog moving from WordPress keeps its links."""

from django.urls import path

from . import converters, feeds, preview, views  # noqa: F401  (converters: yyyy and mm)

app_name = "blog"


def paginated(route: str, view, name: str) -> list:
    """The list at `route` and its further pages at `route`page/N/.

    The page route comes first: a <path:...> route would otherwise swallow "page/N".
    """
    return [
        path(f"{route}page/<int:page>/", view, name=f"{name}_page"),
        path(route, view, name=name),
    ]


urlpatterns = [
    *paginated("", views.post_list, "post_list"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("postpass/<int:pk>/", views.post_password, name="post_password"),
    # A draft shared by a signed link (issue #12, blog/preview.py).
    path("preview/<str:token>/", preview.shared_preview, name="shared_preview"),
    *paginated("<yyyy:year>/", views.archive, "archive_year"),
    *paginated("<yyyy:year>/<mm:month>/", views.archive, "archive_month"),
    *paginated("<yyyy:year>/<mm:month>/<mm:day>/", views.archive, "archive_day"),
    path("<yyyy:year>/<mm:month>/<mm:day>/<str:slug>/", views.post_detail, name="post_detail"),
    path("category/<path:path>/feed/", feeds.CategoryFeed(), name="category_feed"),
    *paginated("category/<path:path>/", views.category_detail, "category_detail"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    *paginated("tag/<str:slug>/", views.tag_detail, "tag_detail"),
    path("author/<str:username>/feed/", feeds.AuthorFeed(), name="author_feed"),
    *paginated("author/<str:username>/", views.author_detail, "author_detail"),
    # Pages live at /slug/ and /parent/child/: this catch-all comes last, and
    # config/urls.py includes this URLconf after all others.
    path("<path:path>/", views.page_detail, name="page_detail"),
]
