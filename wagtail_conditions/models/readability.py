from django.db import models
from django.utils.translation import gettext_lazy as _

from ..compat import PAGE_MODEL
from ..readability.analysis import Band


class PageReadability(models.Model):
    """
    A page's reading ages as last saved: the highest of its sections (``reading_age``, ``band``)
    and each section's figures (``sections``). Kept so the review report can list, order and
    filter pages by reading age in the database; the editor's panel and the Checks panel score
    the text in front of the editor instead. Written by ``readability.store`` whenever one of
    our pages is saved (a draft's first save, a publish); ``update_reading_ages`` fills it in.
    """

    page = models.OneToOneField(
        PAGE_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("page"),
    )
    reading_age = models.DecimalField(
        _("reading age"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    band = models.CharField(_("band"), max_length=10, choices=Band.choices, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("page reading age")
        verbose_name_plural = _("page reading ages")
        indexes = [models.Index(fields=["band"], name="wc_readability_band")]

    def __str__(self):
        return f"{self.page_id}: {self.reading_age}"
