"""Links: lists of links to pages, documents and other sites, and the call to action."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from ..api.schemas import closed_object, struct_block_schema
from .content import TEMPLATE_DIR, page_url


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


def _chosen_link(value, name, url):
    """The API representation of a link to the page or document chosen in child ``name``: its
    id, ``url(chosen)`` and the link text (no id and an empty URL once it is deleted)."""
    chosen = value.get(name)
    return {
        name: chosen.pk if chosen else None,
        "url": (url(chosen) or "") if chosen else "",
        "text": value.text,
    }


class PageLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Page"), help_text=_("A page on this site."))
    label = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Leave blank to use the page title.")
    )

    class Meta:
        icon = "doc-full-inverse"
        label = _("Page on this site")
        value_class = _LinkStructValue

    def get_api_representation(self, value, context=None):
        return _chosen_link(value, "page", lambda page: page_url(page, context))

    def get_api_schema(self):
        return _link_schema(page={"type": ["integer", "null"], "description": "The page's id."})


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(
        label=_("Document"), help_text=_("A document from the library, e.g. a PDF leaflet.")
    )
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
            **_chosen_link(value, "document", lambda document: document.url),
            "file_extension": document.file_extension if document else "",
        }

    def get_api_schema(self):
        return _link_schema(
            document={"type": ["integer", "null"], "description": "The document's id."},
            file_extension={"type": "string", "description": "For example 'pdf'."},
        )


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(
        label=_("Web address"), help_text=_("The full address, starting with https://.")
    )
    label = blocks.CharBlock(
        label=_("Link text"),
        max_length=150,
        help_text=_("Say where the link goes, e.g. 'MedlinePlus: Muscle cramps'."),
    )

    class Meta:
        icon = "link-external"
        label = _("Other website")
        value_class = _LinkStructValue

    def get_api_representation(self, value, context=None):
        return {"url": value.url, "text": value.text}

    def get_api_schema(self):
        return _link_schema()


def _link_schema(**properties):
    return closed_object(
        {
            **properties,
            "url": {"type": "string", "description": "Where the link goes; never empty in a list."},
            "text": {"type": "string"},
        }
    )


class LinkStreamBlock(blocks.StreamBlock):
    page = PageLinkBlock()
    document = DocumentLinkBlock()
    external = ExternalLinkBlock()


class LinksListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=150,
        help_text=_("Shown above the list. Leave blank if the section's heading says it."),
    )
    links = LinkStreamBlock(
        label=_("Links"),
        min_num=1,
        help_text=_("Pages on this site, documents and other websites, in the order to show."),
    )

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
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=150,
        help_text=_("Speak to the patient, e.g. 'Struggling with back pain?'."),
    )
    text = blocks.TextBlock(
        label=_("Text"),
        required=False,
        max_length=500,
        help_text=_("A sentence or two leading to the button."),
    )
    button_label = blocks.CharBlock(
        label=_("Button text"),
        max_length=60,
        help_text=_("What the button does, e.g. 'Request an appointment'."),
    )
    page = blocks.PageChooserBlock(
        label=_("Link to a page"),
        required=False,
        help_text=_("Choose a page, or give a web address below: one or the other."),
    )
    url = blocks.CharBlock(
        label=_("…or a web address"),
        required=False,
        max_length=500,
        help_text=_(
            "A full web address, or # and a form's link name to jump to that form on this "
            "page, e.g. #appointment."
        ),
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
            "href": page_url(page, context) if page else (value.get("url") or None),
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
        return closed_object(properties)
