"""StreamField blocks of wagtail-conditions. Each block renders its own template."""

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
