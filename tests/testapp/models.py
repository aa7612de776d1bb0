"""A host site's own page model, to prove our blocks work in any StreamField."""

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_conditions.blocks import AppointmentFormBlock, BodyStreamBlock


class HostBodyBlock(blocks.StreamBlock):
    """How a host site adds our blocks to a StreamField of its own."""

    paragraph = blocks.RichTextBlock()
    content = BodyStreamBlock()
    appointment_form = AppointmentFormBlock()


class HostPage(Page):
    body = StreamField(HostBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
