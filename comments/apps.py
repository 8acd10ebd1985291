from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from blog import demo
        from core import pagecache

        from . import signals  # noqa: F401
        from .demo import demo_comments_untouched, load_demo_comments
        from .pagecache import is_reply_link
        from .views import CAPTCHA_COOKIE

        # A reply link is a page of its own (the form set to answer that comment).
        pagecache.store_query(is_reply_link)
        # The captcha's key lives in its cookie so that the page stays the same for all.
        pagecache.allow_cookie(CAPTCHA_COOKIE)
        # The demo blog's threads (blog's load_demo runs them; blog imports no comments).
        demo.register(loader=load_demo_comments, untouched=demo_comments_untouched)
