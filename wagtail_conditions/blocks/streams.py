"""The stream blocks that offer the whole library: what editors choose from in a section."""

from wagtail import blocks

from .appointment import AppointmentFormBlock
from .care import CareLevelsBlock
from .content import CalloutBlock, FAQBlock, HeadingBlock, QuoteBlock, RichTextBlock
from .links import CallToActionBlock, LinksListBlock
from .media import EmbedBlock, ImageBlock


class BodyStreamBlock(blocks.StreamBlock):
    """The blocks editors can use in condition and therapy sections."""

    heading = HeadingBlock()
    paragraph = RichTextBlock()
    image = ImageBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    embed = EmbedBlock()
    faq = FAQBlock()
    links = LinksListBlock()
    call_to_action = CallToActionBlock()
    care_levels = CareLevelsBlock()


class SectionStreamBlock(BodyStreamBlock):
    """The content blocks plus the appointment request form: what condition and therapy
    sections offer editors."""

    appointment_form = AppointmentFormBlock()
