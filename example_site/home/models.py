from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, Page

from wagtail_conditions.i18n import i18n_enabled
from wagtail_conditions.models import ConditionIndexPage, Practitioner, TherapyIndexPage


class HomePage(Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["condition_index"] = ConditionIndexPage.objects.live().child_of(self).first()
        context["therapy_index"] = TherapyIndexPage.objects.live().child_of(self).first()
        context["practitioners"] = self.get_practitioners()
        return context

    def get_practitioners(self):
        """The practitioners in the page's locale, and those of the default locale that have no
        translation in it (in their own language): one query."""
        practitioners = Practitioner.objects.select_related("photo", "locale")
        if not i18n_enabled():
            return practitioners
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return practitioners.filter(locale=default)
        translated = Practitioner.objects.filter(locale_id=self.locale_id)
        return practitioners.filter(
            Q(locale_id=self.locale_id)
            | Q(locale=default) & ~Q(translation_key__in=translated.values("translation_key"))
        )
