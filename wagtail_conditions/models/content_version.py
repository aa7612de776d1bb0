from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """
    One row counting changes to what public pages show: the key of the render cache
    (``wagtail_conditions/render_cache.py``).

    Kept in the database, not the cache, so that it moves in the same transaction as the
    content (a publish that rolls back leaves it alone), every process reads the same number
    whatever the cache backend (each process has its own local-memory cache), and a cache that
    is emptied or down can never bring back an old version.
    """

    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls):
        """The current version: one indexed read."""
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    @classmethod
    def bump(cls):
        """Move to a new version, in the caller's transaction."""
        if not cls.objects.filter(pk=1).update(version=F("version") + 1):
            row, created = cls.objects.get_or_create(pk=1, defaults={"version": 1})
            if not created:
                cls.objects.filter(pk=1).update(version=F("version") + 1)
