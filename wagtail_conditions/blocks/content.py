"""
The content block library used in condition and therapy bodies (and usable anywhere): text
blocks here, images and media in ``media.py``, links and calls to action in ``links.py``.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.rich_text import expand_db_html

from .batch import page_batch

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
TEMPLATE_DIR = "wagtail_conditions/blocks/"

# Each block's ``get_api_representation`` is what the APIs return for it, and its
# ``get_api_schema`` the JSON Schema of that (see api/schemas.py). Struct blocks that keep
# Wagtail's representation need neither: their schema is derived from their children.


def page_url(page, context):
    request = (context or {}).get("request")
    return page.get_url(request=request) if page else None


def rich_text_html(value, parent_context):
    """Rich text ``value`` as HTML, as ``{{ value|richtext }}`` shows it, expanded with the
    rest of the page's rich text in one pass (a query per kind of link for the page, not per
    paragraph); None without a saved page in the context (the template then expands it)."""
    page = (parent_context or {}).get("page")
    if not value or not getattr(page, "pk", None):
        return None
    expanded = page_batch(page).rich_text(value.source)
    return render_to_string("wagtailcore/shared/richtext.html", {"html": expanded})


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        label=_("Heading"),
        max_length=150,
        help_text=_("A few plain words: patients scan headings to find what they need."),
    )
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading (H2)")), ("h3", _("Sub-heading (H3)"))],
        default="h2",
        help_text=_("Use H2 for a new section and H3 inside a section."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = TEMPLATE_DIR + "heading_block.html"


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = TEMPLATE_DIR + "rich_text_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["html"] = rich_text_html(value, parent_context)
        return context

    def get_api_representation(self, value, context=None):
        # Display HTML whatever the API's rich text format: it is what the schema promises.
        if not value:
            return ""
        batch = (context or {}).get("api_batch")
        return batch.rich_text(value.source) if batch else expand_db_html(value.source)

    def get_api_schema(self):
        return {
            "type": "string",
            "contentMediaType": "text/html",
            "description": "HTML, with links to pages and documents pointing at their URLs.",
        }


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("Type"),
        choices=[
            ("info", _("Information")),
            ("warning", _("Warning")),
            ("urgent", _("Urgent: seek care now")),
        ],
        default="info",
        help_text=_(
            "How the box looks and what it tells screen reader users. Choose 'Urgent' only to "
            "say when to get medical help now."
        ),
    )
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=150,
        help_text=_("One line that says what the box is about, e.g. 'Get help urgently if'."),
    )
    text = RichTextBlock(
        label=_("Text"),
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_("Keep it short: a bulleted list reads well."),
    )

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = TEMPLATE_DIR + "callout_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["text_html"] = rich_text_html(value.get("text"), parent_context)
        return context


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(
        label=_("Quote"),
        max_length=1000,
        help_text=_("The words as they were said or written. Ask the person's permission first."),
    )
    attribution = blocks.CharBlock(
        label=_("Attribution"),
        required=False,
        max_length=150,
        help_text=_("Who said it, e.g. 'A patient treated for back pain'."),
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = TEMPLATE_DIR + "quote_block.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(
        label=_("Question"),
        max_length=250,
        help_text=_("As a patient would ask it, e.g. 'Will the treatment hurt?'."),
    )
    answer = RichTextBlock(
        label=_("Answer"),
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_("A short, direct answer."),
    )

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=150,
        default=_("Common questions"),
        help_text=_("Shown above the questions."),
    )
    items = blocks.ListBlock(
        FAQItemBlock(),
        label=_("Questions"),
        min_num=1,
        help_text=_("One for each thing patients often ask. Each opens to show its answer."),
    )

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = TEMPLATE_DIR + "faq_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # (item, its answer's HTML or None) for each question.
        context["questions"] = [
            (item, rich_text_html(item.get("answer"), parent_context))
            for item in value.get("items") or []
        ]
        return context
