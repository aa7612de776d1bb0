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
        """Move to a new version, in the caller's transaction; return it."""
        if not cls.objects.filter(pk=1).update(version=F("version") + 1):
            row, created = cls.objects.get_or_create(pk=1, defaults={"version": 1})
            if not created:
                cls.objects.filter(pk=1).update(version=F("version") + 1)
        return cls.current()


class ContentChange(models.Model):
    """
    What one content version changed, so that a page rendered at an older version can tell
    whether anything it shows moved since (``render_cache``: a page whose dependencies did not
    change is served again instead of rendered again).

    A change to a page records the page's tree path, translation key and model (a move records
    the page's path before and after it). Any other change, and a change to a page that a
    snippet, a setting or the top of a site's tree shows, is *global*: ``path`` empty, every page
    rendered before it is rendered again. Rows older than the last ``KEPT`` versions are deleted
    as new ones are written; a page rendered before them is rendered again.
    """

    KEPT = 500

    version = models.PositiveBigIntegerField(_("version"), db_index=True)
    path = models.CharField(_("tree path"), max_length=255, blank=True)
    translation_key = models.UUIDField(_("translation key"), null=True, blank=True)
    model = models.CharField(_("model"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("content change")
        verbose_name_plural = _("content changes")

    def __str__(self):
        return f"{self.version}: {self.path or 'global'}"

    @property
    def is_global(self):
        return not self.path
