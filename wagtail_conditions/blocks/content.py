"""The content block library used in condition and therapy bodies (and usable anywhere)."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
TEMPLATE_DIR = "wagtail_conditions/blocks/"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=150)
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


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_(
            "Describe what the image shows for people who cannot see it, "
            "e.g. 'Therapist massaging a patient's lower back'."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = TEMPLATE_DIR + "image_block.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("Type"),
        choices=[
            ("info", _("Information")),
            ("warning", _("Warning")),
            ("urgent", _("Urgent: seek care now")),
        ],
        default="info",
    )
    heading = blocks.CharBlock(label=_("Heading"), max_length=150)
    text = RichTextBlock(label=_("Text"), features=["bold", "italic", "ul", "ol", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = TEMPLATE_DIR + "callout_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"), max_length=1000)
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


class EmbedBlock(blocks.StructBlock):
    embed = WagtailEmbedBlock(
        label=_("Media URL"), help_text=_("A YouTube or Vimeo address, for example.")
    )
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=150,
        help_text=_("Describes the media for screen reader users."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video or media")
        template = TEMPLATE_DIR + "embed_block.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = RichTextBlock(label=_("Answer"), features=["bold", "italic", "ul", "ol", "link"])

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), required=False, max_length=150, default=_("Common questions")
    )
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = TEMPLATE_DIR + "faq_block.html"


class _LinkStructValue(blocks.StructValue):
    """A link's URL and text, whichever kind of link it is."""

    @cached_property
    def url(self):
        if self.get("page"):
            return self["page"].url
        if self.get("document"):
            return self["document"].url
        return self.get("url") or ""

    @cached_property
    def text(self):
        if self.get("label"):
            return self["label"]
        for key, attr in (("page", "title"), ("document", "title")):
            if self.get(key):
                return getattr(self[key], attr)
        return self.get("url") or ""


class PageLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Page"))
    label = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Leave blank to use the page title.")
    )

    class Meta:
        icon = "doc-full-inverse"
        label = _("Page on this site")
        value_class = _LinkStructValue


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        help_text=_("Leave blank to use the document title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        value_class = _LinkStructValue


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Web address"))
    label = blocks.CharBlock(label=_("Link text"), max_length=150)

    class Meta:
        icon = "link-external"
        label = _("Other website")
        value_class = _LinkStructValue


class LinkStreamBlock(blocks.StreamBlock):
    page = PageLinkBlock()
    document = DocumentLinkBlock()
    external = ExternalLinkBlock()


class LinksListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=150)
    links = LinkStreamBlock(label=_("Links"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("List of links")
        template = TEMPLATE_DIR + "links_list_block.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=150)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=500)
    button_label = blocks.CharBlock(label=_("Button text"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Link to a page"), required=False)
    url = blocks.CharBlock(
        label=_("…or a web address"),
        required=False,
        max_length=500,
        help_text=_("A full address, or a link within the page such as #appointment."),
    )

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = TEMPLATE_DIR + "call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose a page or enter a web address, not both.")
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        url = value.get("url") or ""
        if url and not url.startswith(("http://", "https://", "/", "#", "mailto:", "tel:")):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Enter an address starting with https://, /, #, mailto: or tel:.")
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["href"] = value["page"].url if value.get("page") else value.get("url")
        return context


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
