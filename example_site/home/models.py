from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from wagtail_conditions.models import ConditionIndexPage, Practitioner, TherapyIndexPage


class HomePage(Page):
    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["condition_index"] = ConditionIndexPage.objects.live().child_of(self).first()
        context["therapy_index"] = TherapyIndexPage.objects.live().child_of(self).first()
        context["practitioners"] = Practitioner.objects.select_related("photo")
        return context
