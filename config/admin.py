"""The admin site: German titles and the count of held comments where the author looks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class BlogAdminSite(admin.AdminSite):
    site_header = _("Blog administration")
    site_title = _("Blog administration")
    index_title = _("Overview")

    def pending_comment_count(self, request) -> int:
        """Held comments this user may moderate: an author's, on their own posts (#12)."""
        from blog import roles
        from comments.models import Comment

        return Comment.objects.pending().filter(roles.comment_post_q(request.user)).count()

    def index(self, request, extra_context=None):
        """The dashboard (config/dashboard.py, issue #12) above the app list."""
        from . import dashboard

        extra_context = {**dashboard.context(request, self), **(extra_context or {})}
        return super().index(request, extra_context)

    def get_urls(self):
        from . import dashboard

        return dashboard.urls(self) + super().get_urls()

    def each_context(self, request):
        context = super().each_context(request)
        if request.user.is_active and request.user.has_perm("comments.view_comment"):
            context["pending_comments"] = self.pending_comment_count(request)
        return context

    def get_app_list(self, request, app_label=None):
        """Show "Kommentare (4)" in the app list when comments wait for approval."""
        app_list = super().get_app_list(request, app_label)
        pending = None
        for app in app_list:
            for model in app["models"]:
                if model["object_name"] == "Comment":
                    if pending is None:
                        pending = self.pending_comment_count(request)
                    if pending:
                        model["name"] = f"{model['name']} ({pending})"
                        if model.get("admin_url"):
                            model["admin_url"] += "?status=pending"
        return app_list
