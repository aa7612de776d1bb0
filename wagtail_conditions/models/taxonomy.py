from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class BodyArea(TranslatableMixin, index.Indexed, models.Model):
    """A part of the body (back, neck, limbs…) that conditions are grouped by. Translatable:
    each locale has its own copy, sharing a ``translation_key``."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
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

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "locale"], name="wc_bodyarea_unique_name"),
            models.UniqueConstraint(fields=["slug", "locale"], name="wc_bodyarea_unique_slug"),
        ]
        verbose_name = _("body area")
        verbose_name_plural = _("body areas")

    def __str__(self):
        return self.name
