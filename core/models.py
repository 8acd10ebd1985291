from django.db import models
from django.db.models import Q


class ContentVersion(models.Model):
    """The content version as the database keeps it: one row (core/contentversion.py)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)


def single_row(name: str) -> models.CheckConstraint:
    """The constraint that keeps a SingletonModel to its one row (pk 1)."""
    return models.CheckConstraint(condition=Q(pk=1), name=name)


class SingletonModel(models.Model):
    """Settings kept in one row (pk 1), edited in the admin (core.admin.SingletonAdmin).

    `load()` reads the row from the cache under the content version, so that a page view
    costs no query for it; the app's signals bump the version when the row is saved, so
    that a change applies on the next request in every process. Subclasses list
    `single_row("…")` among their Meta constraints.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row (created with the defaults if missing), cached as above."""
        from .contentversion import versioned

        def build():
            return cls.objects.get_or_create(pk=1)[0]

        return versioned(f"settings:{cls._meta.label_lower}", build, 3600)
