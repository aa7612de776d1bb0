from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class BodyArea(index.Indexed, models.Model):
    """A part of the body (back, neck, limbs…) that conditions are grouped by."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        allow_unicode=True,
        help_text=_("Used in web addresses, e.g. /conditions/?area=lower-back."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Areas with a lower number are listed first."),
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("body area")
        verbose_name_plural = _("body areas")

    def __str__(self):
        return self.name
