"""
The plain text of a section, as a reader meets it: a list of chunks, each ending a sentence
where it ends (a paragraph, a list item, a heading, an FAQ question).

Any block is walked: text, rich text and lists of them count, choices, links, media and the
appointment form do not (they are not prose). A host's own blocks are read the same way; a
block class with ``readability_skip = True`` is left out.
"""

from html.parser import HTMLParser

from wagtail import blocks
from wagtail.rich_text import RichText

from ..blocks.appointment import AppointmentFormBlock
from ..blocks.links import CallToActionBlock, LinksListBlock
from ..blocks.media import EmbedBlock, ImageBlock

SKIPPED_BLOCKS = (AppointmentFormBlock, CallToActionBlock, LinksListBlock, EmbedBlock, ImageBlock)
# Values of these are not prose, whatever block holds them.
NOT_PROSE = (
    blocks.ChoiceBlock,
    blocks.MultipleChoiceBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.BooleanBlock,
    blocks.ChooserBlock,
    blocks.RawHTMLBlock,
)
# HTML elements that end a chunk.
BLOCK_ELEMENTS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 blockquote div ul ol table tr td th dt dd figcaption br".split()
)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = [""]

    def _break(self):
        if self.chunks[-1].strip():
            self.chunks.append("")

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_ELEMENTS:
            self._break()

    def handle_endtag(self, tag):
        if tag in BLOCK_ELEMENTS:
            self._break()

    def handle_data(self, data):
        self.chunks[-1] += data


def html_chunks(html):
    """The text of an HTML fragment, one chunk per paragraph, list item or heading."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return [" ".join(chunk.split()) for chunk in collector.chunks if chunk.strip()]


def plain_chunks(text):
    """A plain string's chunks: one per non-empty line."""
    return [" ".join(line.split()) for line in str(text or "").splitlines() if line.strip()]


def value_chunks(block, value):
    """The chunks of ``value`` of ``block``."""
    if getattr(block, "readability_skip", False) or isinstance(block, SKIPPED_BLOCKS):
        return []
    if isinstance(block, NOT_PROSE) or value is None:
        return []
    if isinstance(value, RichText):
        return html_chunks(value.source)
    if isinstance(block, blocks.StreamBlock):
        return [chunk for child in value for chunk in value_chunks(child.block, child.value)]
    if isinstance(block, blocks.ListBlock):
        return [chunk for item in value for chunk in value_chunks(block.child_block, item)]
    if isinstance(block, blocks.StructBlock):
        return [
            chunk
            for name, child_block in block.child_blocks.items()
            for chunk in value_chunks(child_block, value.get(name))
        ]
    if isinstance(value, str):
        return plain_chunks(value)
    return []


def stream_chunks(stream_value):
    """The chunks of a StreamField's value."""
    if not stream_value:
        return []
    return [chunk for child in stream_value for chunk in value_chunks(child.block, child.value)]
