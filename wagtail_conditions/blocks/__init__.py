"""StreamField blocks of wagtail-conditions. Each block renders its own template."""

from .appointment import AppointmentFormBlock  # noqa: E402
from .content import (  # noqa: F401
    BodyStreamBlock,
    CalloutBlock,
    CallToActionBlock,
    EmbedBlock,
    FAQBlock,
    HeadingBlock,
    ImageBlock,
    LinksListBlock,
    QuoteBlock,
    RichTextBlock,
)


class SectionStreamBlock(BodyStreamBlock):
    """The content blocks plus the appointment request form: what condition and therapy
    sections offer editors."""

    appointment_form = AppointmentFormBlock()
