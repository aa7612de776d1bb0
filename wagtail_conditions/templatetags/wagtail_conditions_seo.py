"""
``{% seo_meta %}``: the ``<head>`` tags that let a page be found and shared — its canonical
link, meta description, robots directive, Open Graph and Twitter card (with the page's own image
or the clinic's logo: ``wagtail_conditions/sharing.py``), and the ``hreflang`` links to its
language versions when Wagtail's localisation is on — for any Wagtail page.

Put ``{% load wagtail_conditions_seo %}{% seo_meta %}`` in the ``<head>`` of the site's base
template (our ``wagtail_conditions/base.html`` and the example site's do). It reads ``page``
and ``request`` from the context, and adds no query to a page Wagtail has served: the site
and its root paths are already cached on the request (with localisation on, the page's
versions cost one query, shared with ``{% language_switcher %}``).

``{% page_language_code %}`` is the language to write in ``<html lang="…">``: the page's
locale when localisation is on, else ``LANGUAGE_CODE``.
"""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from .. import render_cache
from ..alternates import default_alternate, get_alternates, page_language_code
from ..appointments.form_state import REQUEST_ATTRIBUTE
from ..models.conditions import ConditionPageMixin
from ..models.pages import ContentPageMixin, IndexPageMixin
from ..sharing import share_image
from ..structured_data import breadcrumb_pages, is_supported, page_structured_data

register = template.Library()

# An index's own search: its results are not indexed (search engines ask sites not to let
# them index internal search results), and its canonical URL leaves the query out.
SEARCH_PARAMETER = "q"


def _page_number(request):
    """The index's page number when it is a valid one past the first, else None."""
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 1 < int(value) < 10_000 else None


def canonical_url(page, request):
    """The page's full URL on its site; on an index, the page of the list without filters or
    search (``?page=N`` is kept: each page of a list is its own document)."""
    url = page.get_full_url(request)
    if url and isinstance(page, IndexPageMixin):
        number = _page_number(request)
        if number:
            url = f"{url}?page={number}"
    return url


def is_noindex(request):
    """A response showing one visitor's state (a form's errors or its thank-you message), or
    the results of a search, is not for search engines."""
    return bool(getattr(request, REQUEST_ATTRIBUTE, None)) or bool(
        request.GET.get(SEARCH_PARAMETER, "").strip()
    )


def og_locale():
    """The active language as Open Graph writes a locale (``en_GB``), or None when the
    language names no territory (``en``): Open Graph has no form for a bare language."""
    locale = translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
    return locale if "_" in locale else None


def twitter_card(image):
    """The Twitter card for a page shared with ``image``: a page's own picture as a large
    image; the clinic's logo, or no image, as the small summary card (whose square thumbnail
    shows a logo whole, where the large card would crop it to 2:1)."""
    return "summary_large_image" if image is not None and image.source == "page" else "summary"


@register.simple_tag(takes_context=True, name="page_language_code")
def page_language_code_tag(context):
    """The language of the page in the context, for ``<html lang>``."""
    page = context.get("page")
    return page_language_code(page if isinstance(page, Page) else None)


@register.inclusion_tag("wagtail_conditions/includes/seo_meta.html", takes_context=True)
def seo_meta(context):
    request = context.get("request")
    page = context.get("page")
    if request is None or not isinstance(page, Page):
        return {"page": None}
    get_description = getattr(page, "get_meta_description", None)
    description = get_description() if get_description else page.search_description
    site = Site.find_for_request(request)
    alternates = get_alternates(page, request)
    image = share_image(page, request)
    return {
        "page": page,
        "title": page.seo_title or page.title,
        "description": description,
        "canonical_url": canonical_url(page, request),
        "noindex": is_noindex(request),
        # Where a page kept by the render cache gets its noindex tag for one visitor's form.
        "robots_marker": render_cache.robots_marker(request),
        "site_name": (site.site_name if site else "") or getattr(settings, "WAGTAIL_SITE_NAME", ""),
        "og_type": "article" if isinstance(page, ContentPageMixin) else "website",
        "og_locale": og_locale(),
        "image": image,
        "twitter_card": twitter_card(image),
        "alternates": alternates,
        "default_alternate": default_alternate(alternates),
        "page_context": context,  # for {% structured_data %}: the page's own context
    }


# --- Structured data ---------------------------------------------------------------------------

# What json_script escapes, so that no text in the data can close the script element or be
# read as markup; JSON parsers read the escapes back as the characters.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld_script(data):
    """``data`` as a ``<script type="application/ld+json">`` element, escaped as Django's
    ``json_script`` escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 (escaped above)
    )


@register.simple_tag(takes_context=True)
def structured_data(context):
    """The page's schema.org JSON-LD (``wagtail_conditions/structured_data.py``) in a script
    element; nothing for a page type that is not ours. ``{% seo_meta %}`` writes it. Used on its
    own, it reads ``page`` and ``request`` from the template's context."""
    page_context = context.get("page_context") or context
    page = page_context.get("page")
    request = page_context.get("request") or getattr(context, "request", None)
    if not isinstance(page, Page) or not is_supported(page):
        return ""
    if (
        isinstance(page, ConditionPageMixin)
        and page.pk
        and not getattr(page, "_cluster_related_objects", None)  # a preview's unsaved areas
    ):
        # Fetched here, in the head, and read again by the page's body from the same cache.
        prefetch_related_objects([page], "body_areas")
    data = page_structured_data(page, request, page_context)
    return json_ld_script(data) if data else ""


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page):
    """The pages above ``page`` in its breadcrumb: its site's home page down to its parent.
    The same list the structured data's ``BreadcrumbList`` uses, read once per page view."""
    return breadcrumb_pages(page, context.get("request"))
