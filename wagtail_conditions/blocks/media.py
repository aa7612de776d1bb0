"""Image and embedded media blocks: each one says what it shows, for people who cannot see it."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock as WagtailEmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import SourceImageIOError

from ..api.schemas import RENDITION, closed_object
from .content import TEMPLATE_DIR


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"), help_text=_("Choose or upload an image."))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_(
            "Describe what the image shows for people who cannot see it, "
            "e.g. 'Therapist massaging a patient's lower back'."
        ),
    )
    caption = blocks.CharBlock(
        label=_("Caption"),
        required=False,
        max_length=250,
        help_text=_("Shown under the image, for everyone."),
    )

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
        image = closed_object(
            {
                "id": {"type": "integer"},
                **RENDITION["properties"],
                "alt": {"type": "string"},
                "caption": {"type": "string"},
                "renditions": closed_object({name: RENDITION for name in others}),
            }
        )
        return {"anyOf": [image, {"type": "null", "description": "The image no longer exists."}]}


class EmbedBlock(blocks.StructBlock):
    embed = WagtailEmbedBlock(
        label=_("Media URL"), help_text=_("A YouTube or Vimeo address, for example.")
    )
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=150,
        help_text=_("Describes the media for screen reader users."),
    )
    caption = blocks.CharBlock(
        label=_("Caption"),
        required=False,
        max_length=250,
        help_text=_("Shown under the media. Leave blank to show its title there."),
    )

    class Meta:
        icon = "media"
        label = _("Video or media")
        template = TEMPLATE_DIR + "embed_block.html"

    def get_api_representation(self, value, context=None):
        media = value.get("embed")
        embed = None
        if media:
            batch = (context or {}).get("api_batch")
            get_embed = batch.embed if batch else embeds.get_embed
            try:
                embed = get_embed(media.url, media.max_width, media.max_height)
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
        return closed_object(properties)
