from django.db import models


class ContentVersion(models.Model):
    """The content version as the database keeps it: one row (core/contentversion.py)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)
