"""StreamField blocks of wagtail-conditions. Each block renders its own template."""

from .appointment import AppointmentFormBlock
from .care import CareLevelsBlock
from .content import CalloutBlock, FAQBlock, HeadingBlock, QuoteBlock, RichTextBlock
from .links import CallToActionBlock, LinksListBlock
from .media import EmbedBlock, ImageBlock
from .streams import BodyStreamBlock, SectionStreamBlock

__all__ = [
    "AppointmentFormBlock",
    "BodyStreamBlock",
    "CalloutBlock",
    "CallToActionBlock",
    "CareLevelsBlock",
    "EmbedBlock",
    "FAQBlock",
    "HeadingBlock",
    "ImageBlock",
    "LinksListBlock",
    "QuoteBlock",
    "RichTextBlock",
    "SectionStreamBlock",
]
