"""
The picture a link to a page shows when it is shared (Open Graph's ``og:image`` and the
Twitter card's ``twitter:image``), for ``{% seo_meta %}``.

- The page's own image when it has one: the first image block (``blocks.ImageBlock``) of its
  content, in page order — a condition's sections in their order (``page.sections``), then any
  other StreamField of the page in field order (a therapy page: "About the therapy" first). Its
  alternative text is the block's own, else the image's description. Cropped to 1200×630, the
  size link previews show.
- Else the clinic's logo (``ClinicSettings.logo`` of the request's site), scaled to fit
  1200×1200; its alternative text is the image's description, else the clinic's name.
- Else none.

An SVG cannot be shared (link previews read JPEG, PNG, GIF and WebP only), so an SVG image is
passed over for the next one, and a file that is missing for the next one too.

The page's content is not rendered to find its image: its StreamFields' raw data are read, and
only the blocks of the stream that holds the image are converted — the same values the page's
body then shows, so the image's row is not read twice. What it adds to a page view: the
rendition's row (Wagtail keeps renditions in its cache), and nothing when there is no image.
The clinic settings are those Wagtail caches on the request, which the header, footer and
structured data read too.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.images.models import SourceImageIOError

from . import contact
from .blocks.media import ImageBlock

#: The Wagtail filter specs of the shared image: a page's own image cropped to the 1.91:1 of
#: link previews, the logo kept whole.
PAGE_IMAGE_FILTER = "fill-1200x630"
LOGO_FILTER = "max-1200x1200"

_CACHE = "_wagtail_conditions_share_image"


@dataclass(frozen=True)
class ShareImage:
    """The image of a shared link: its absolute URL, size in pixels and alternative text.
    ``source`` says where it comes from: ``"page"`` or ``"logo"``."""

    url: str
    width: int
    height: int
    alt: str
    source: str


def share_image(page, request=None):
    """The ``ShareImage`` of ``page`` (its first content image, else the clinic's logo), or
    None. Worked out once per page instance and root URL."""
    root_url = _root_url(page, request)
    cached = getattr(page, _CACHE, None)
    if cached is not None and cached[0] == root_url:
        return cached[1]
    found = _page_image(page, root_url, request) or _logo_image(page, root_url, request)
    setattr(page, _CACHE, (root_url, found))
    return found


# --- The page's own image ----------------------------------------------------------------------


def content_stream_fields(page):
    """The names of ``page``'s StreamFields in page order: its sections first (a condition
    page's ``sections``), then the others in the order the model declares them. Deferred
    fields are left out (reading them would cost a query each)."""
    names = [
        field.name
        for field in page._meta.get_fields()
        if isinstance(field, StreamField) and field.name in page.__dict__
    ]
    sections = [name for name, _heading in getattr(page, "sections", None) or ()]
    return [name for name in sections if name in names] + [
        name for name in names if name not in sections
    ]


def content_images(page):
    """Yield ``(image, alternative text)`` for each image block of ``page``'s content, in page
    order, the image block's own alternative text first. Finds them in the raw stream data
    and converts only the top-level blocks that hold one."""
    for name in content_stream_fields(page):
        value = page.__dict__[name]
        if not isinstance(value, blocks.StreamValue):
            continue
        for index in range(len(value)):
            raw = value.raw_data[index]
            block = value.stream_block.child_blocks.get(raw.get("type"))
            if block is None or not _holds_image(block, raw.get("value")):
                continue
            child = value[index]  # Converts the stream's blocks of this type, as the body will.
            for image_value in _image_values(child.block, child.value):
                image = image_value.get("image")
                if image is not None:
                    alt = image_value.get("alt_text") or getattr(image, "description", "") or ""
                    yield image, alt


def _holds_image(block, raw):
    """Whether the raw (stored) value ``raw`` of ``block`` holds an image block with an
    image chosen."""
    if isinstance(block, ImageBlock):
        return isinstance(raw, dict) and bool(raw.get("image"))
    if isinstance(block, blocks.StreamBlock):
        return isinstance(raw, list) and any(
            _holds_image(block.child_blocks.get(item.get("type")), item.get("value"))
            for item in raw
            if isinstance(item, dict)
        )
    if isinstance(block, blocks.StructBlock):
        return isinstance(raw, dict) and any(
            _holds_image(child, raw.get(name)) for name, child in block.child_blocks.items()
        )
    if isinstance(block, blocks.ListBlock):
        return isinstance(raw, list) and any(
            _holds_image(block.child_block, _list_item_value(item)) for item in raw
        )
    return False


def _list_item_value(item):
    # A ListBlock stores its items as {"type": "item", "value": …, "id": …} (older data: bare
    # values).
    if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
        return item["value"]
    return item


def _image_values(block, value):
    """Yield the value of every image block inside ``value`` of ``block``, in order."""
    if isinstance(block, ImageBlock):
        yield value
    elif isinstance(value, blocks.StreamValue):
        for child in value:
            yield from _image_values(child.block, child.value)
    elif isinstance(value, blocks.StructValue):
        for name, child_value in value.items():
            child_block = block.child_blocks.get(name)
            if child_block is not None:
                yield from _image_values(child_block, child_value)
    elif isinstance(value, blocks.list_block.ListValue):
        for bound in value.bound_blocks:
            yield from _image_values(bound.block, bound.value)


def _page_image(page, root_url, request):
    for image, alt in content_images(page):
        shared = _shareable(image, PAGE_IMAGE_FILTER, alt, "page", root_url, request)
        if shared is not None:
            return shared
    return None


# --- The clinic's logo -------------------------------------------------------------------------


def _logo_image(page, root_url, request):
    clinic = contact.clinic_settings(request=request, page=page)
    if clinic is None or not clinic.logo_id or clinic.logo is None:
        return None
    logo = clinic.logo
    alt = getattr(logo, "description", "") or clinic.name
    return _shareable(logo, LOGO_FILTER, alt, "logo", root_url, request)


# --- Renditions --------------------------------------------------------------------------------


def _shareable(image, filter_spec, alt, source, root_url, request):
    """The ``ShareImage`` of ``image`` in ``filter_spec``, or None when it cannot be shared
    (an SVG, or its file is missing)."""
    if image.is_svg():
        return None
    try:
        rendition = image.get_rendition(filter_spec)
    except (SourceImageIOError, FileNotFoundError):
        return None
    return ShareImage(
        url=_absolute(rendition.url, root_url, request),
        width=rendition.width,
        height=rendition.height,
        alt=alt,
        source=source,
    )


def _root_url(page, request):
    """The root URL of the site serving ``page`` (as its canonical URL uses), or None."""
    parts = page.get_url_parts(request=request) if page.pk else None
    return parts[1] if parts else None


def _absolute(url, root_url, request):
    """``url`` (a rendition's, often a path under ``MEDIA_URL``) as an absolute URL: on the
    page's site, else on the request's host. Absolute URLs (a storage's) stay as they are."""
    if root_url:
        return urljoin(root_url.rstrip("/") + "/", url)
    if request is not None:
        return request.build_absolute_uri(url)
    return url
