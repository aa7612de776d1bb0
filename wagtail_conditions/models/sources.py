"""
Cited sources on condition and therapy pages, and what the link checker last found at each
source's address.

The sources are a StreamField on the page (``CitedSourcesMixin``): a page shows them with no
query of its own, and the render cache keeps them with the rest of the page. The link checker
(``wagtail_conditions/sources/``) keeps one ``SourceLinkCheck`` per distinct address.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from ..blocks.sources import SourcesStreamBlock


def sources_field():
    return StreamField(
        SourcesStreamBlock(),
        blank=True,
        verbose_name=_("sources"),
        help_text=_(
            "The evidence this page is based on, numbered in this order under 'Sources' at the "
            "end of the page. Give each a web address, a DOI or a PubMed ID, and the date you "
            "last checked it."
        ),
    )


class CitedSourcesMixin(models.Model):
    """A page's cited sources (``sources``), each with its publication and last-checked dates."""

    sources = sources_field()

    sources_panels = [FieldPanel("sources")]

    class Meta:
        abstract = True

    def get_sources(self):
        """The page's sources (stream children: ``.id``, ``.value``), in the order they are
        numbered from 1."""
        return [child for child in self.sources if child.block_type == "source"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sources"] = self.get_sources()
        return context


class SourceLinkCheck(models.Model):
    """What the link checker found when it last asked for a source's address."""

    class Status(models.TextChoices):
        OK = "ok", _("Working")
        MOVED = "moved", _("Moved")
        BROKEN = "broken", _("Broken")
        UNREACHABLE = "unreachable", _("Unreachable")
        REFUSED = "refused", _("Not checked: private address")

    # Statuses an editor should act on.
    PROBLEMS = (Status.MOVED, Status.BROKEN, Status.UNREACHABLE, Status.REFUSED)

    url = models.CharField(_("address"), max_length=2000, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.CharField(
        _("moved to"),
        max_length=2000,
        blank=True,
        help_text=_("Where a redirect leads, for a source that has moved."),
    )
    error = models.CharField(_("error"), max_length=255, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("source link check")
        verbose_name_plural = _("source link checks")
        indexes = [models.Index(fields=["status"], name="wc_sourcecheck_status")]

    def __str__(self):
        return f"{self.url} ({self.status})"

    @property
    def is_problem(self):
        return self.status in self.PROBLEMS
