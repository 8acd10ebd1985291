"""Technical sections of the admin are for superusers only (issue #12).

django-axes' login attempts and logs (user names and IP addresses of everyone who tried
to log in), the captcha store and the WordPress import's ID mapping are no author's
business: for anyone but a superuser they are neither listed nor reachable, whatever
permissions a group gives. Called from config.apps.BlogAdminConfig.ready(), after every
app registered its admin.
"""

TECHNICAL_MODELS = {
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "captcha.captchastore",
    "wordpress.importedobject",
}


class SuperusersOnly:
    """Put in front of a ModelAdmin: every permission needs a superuser."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def restrict_to_superusers(site, labels=TECHNICAL_MODELS) -> None:
    """Register the admins of the models named in `labels` again, for superusers only."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.label_lower not in labels or isinstance(model_admin, SuperusersOnly):
            continue
        restricted = type(type(model_admin).__name__, (SuperusersOnly, type(model_admin)), {})
        site.unregister(model)
        site.register(model, restricted)
