"""A host site's own page model, to prove our blocks work in any StreamField."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_conditions.blocks import BodyStreamBlock


class HostPage(Page):
    body = StreamField(BodyStreamBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
