"""The content block library used in condition and therapy bodies (and usable anywhere)."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import SourceImageIOError
from wagtail.rich_text import expand_db_html

from ..api.schemas import RENDITION, struct_block_schema

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
TEMPLATE_DIR = "wagtail_conditions/blocks/"

# Each block's ``get_api_representation`` is what the APIs return for it, and its
# ``get_api_schema`` the JSON Schema of that (see api/schemas.py). Struct blocks that keep
# Wagtail's representation need neither: their schema is derived from their children.


def _page_url(page, context):
    request = (context or {}).get("request")
    return page.get_url(request=request) if page else None


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

    def get_api_representation(self, value, context=None):
        # Display HTML whatever the API's rich text format: it is what the schema promises.
        return expand_db_html(value.source) if value else ""

    def get_api_schema(self):
        return {
            "type": "string",
            "contentMediaType": "text/html",
            "description": "HTML, with links to pages and documents pointing at their URLs.",
        }


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

    #: Renditions the API gives for each image, by name (Wagtail filter specs). The top-level
    #: ``url``, ``width`` and ``height`` are the "default" one's, which the HTML template shows.
    api_renditions = {"default": "width-800", "thumbnail": "fill-400x300", "large": "width-1600"}

    class Meta:
        icon = "image"
        label = _("Image")
        template = TEMPLATE_DIR + "image_block.html"

    def get_api_representation(self, value, context=None):
        image = value.get("image")
        if image is None:
            return None
        try:
            found = image.get_renditions(*self.api_renditions.values())
            sizes = {}
            for name, spec in self.api_renditions.items():
                # SVGs have their specs rewritten, so look those up one by one.
                rendition = found.get(spec) or image.get_rendition(spec)
                sizes[name] = {
                    "url": rendition.url,
                    "width": rendition.width,
                    "height": rendition.height,
                }
        except SourceImageIOError:
            return None
        return {
            "id": image.pk,
            **sizes.pop("default"),
            "alt": value["alt_text"],
            "caption": value["caption"],
            "renditions": sizes,
        }

    def get_api_schema(self):
        others = [name for name in self.api_renditions if name != "default"]
        image = {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                **RENDITION["properties"],
                "alt": {"type": "string"},
                "caption": {"type": "string"},
                "renditions": {
                    "type": "object",
                    "properties": {name: RENDITION for name in others},
                    "required": others,
                    "additionalProperties": False,
                },
            },
            "required": ["id", *RENDITION["required"], "alt", "caption", "renditions"],
            "additionalProperties": False,
        }
        return {"anyOf": [image, {"type": "null", "description": "The image no longer exists."}]}


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

    def get_api_representation(self, value, context=None):
        media = value.get("embed")
        embed = None
        if media:
            try:
                embed = embeds.get_embed(media.url, media.max_width, media.max_height)
            except EmbedException:
                pass  # As on the page: nothing to show.
        return {
            "url": media.url if media else "",
            "title": value["title"],
            "caption": value["caption"],
            "html": embed.html if embed else "",
            "provider_name": (embed.provider_name or None) if embed else None,
            "thumbnail_url": (embed.thumbnail_url or None) if embed else None,
            "width": embed.width if embed else None,
            "height": embed.height if embed else None,
        }

    def get_api_schema(self):
        optional_string = {"type": ["string", "null"]}
        optional_integer = {"type": ["integer", "null"]}
        properties = {
            "url": {"type": "string", "description": "The media's address."},
            "title": {"type": "string", "description": "Describes the media for screen readers."},
            "caption": {"type": "string"},
            "html": {
                "type": "string",
                "contentMediaType": "text/html",
                "description": "The provider's embed code; empty if the media cannot be embedded.",
            },
            "provider_name": optional_string,
            "thumbnail_url": optional_string,
            "width": optional_integer,
            "height": optional_integer,
        }
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }


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
            # An unpublished page has no public URL: leave the link out rather than show a 404.
            return self["page"].url if self["page"].live else ""
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

    def get_api_representation(self, value, context=None):
        page = value.get("page")
        return {
            "page": page.pk if page else None,
            "url": _page_url(page, context) or "",
            "text": value.text,
        }

    def get_api_schema(self):
        return _link_schema(page={"type": ["integer", "null"], "description": "The page's id."})


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

    def get_api_representation(self, value, context=None):
        document = value.get("document")
        return {
            "document": document.pk if document else None,
            "url": document.url if document else "",
            "text": value.text,
            "file_extension": document.file_extension if document else "",
        }

    def get_api_schema(self):
        return _link_schema(
            document={"type": ["integer", "null"], "description": "The document's id."},
            file_extension={"type": "string", "description": "For example 'pdf'."},
        )


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Web address"))
    label = blocks.CharBlock(label=_("Link text"), max_length=150)

    class Meta:
        icon = "link-external"
        label = _("Other website")
        value_class = _LinkStructValue

    def get_api_representation(self, value, context=None):
        return {"url": value.url, "text": value.text}

    def get_api_schema(self):
        return _link_schema()


def _link_schema(**properties):
    properties = {
        **properties,
        "url": {"type": "string", "description": "Where the link goes; never empty in a list."},
        "text": {"type": "string"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


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

    def get_api_representation(self, value, context=None):
        representation = super().get_api_representation(value, context)
        # As on the page, links to deleted pages and documents are left out.
        representation["links"] = [link for link in representation["links"] if link["value"]["url"]]
        return representation

    def get_api_schema(self):
        schema = struct_block_schema(self)
        links = dict(schema["properties"]["links"])
        links.pop("minItems", None)  # Leaving out dead links may leave none.
        schema["properties"] = {**schema["properties"], "links": links}
        return schema


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
            if value.get("page"):
                message = _("Choose a page or enter a web address, not both.")
            else:
                message = _("Choose a page or enter a web address for the button.")
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

    def get_api_representation(self, value, context=None):
        page = value.get("page")
        return {
            "heading": value["heading"],
            "text": value["text"],
            "button_label": value["button_label"],
            "href": _page_url(page, context) if page else (value.get("url") or None),
            "page": page.pk if page else None,
        }

    def get_api_schema(self):
        children = struct_block_schema(self)["properties"]
        properties = {
            "heading": children["heading"],
            "text": children["text"],
            "button_label": children["button_label"],
            "href": {
                "type": ["string", "null"],
                "description": "Where the button goes: the page's URL or the address entered; "
                "null if the linked page no longer exists.",
            },
            "page": {"type": ["integer", "null"], "description": "The linked page's id, if any."},
        }
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }


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
