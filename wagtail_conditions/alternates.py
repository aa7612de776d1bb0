"""
A page's language versions, for the public signals of language: ``<html lang>``, the
``hreflang`` links in the head (``{% seo_meta %}``), the language switcher
(``{% language_switcher %}``) and the ``xhtml:link`` alternates in Wagtail's sitemap.

A page's versions are its live, public translations (itself included) that have a URL. They
are only worked out when Wagtail's localisation is on (``WAGTAIL_I18N_ENABLED``), and count
only when there are at least two: a page with no translation has no alternates.

Each request remembers what it loaded, so the head and the switcher of one page share one
query (two with Wagtail's check for view restrictions), and a whole sitemap costs the same two.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.text import capfirst
from wagtail.coreutils import get_content_languages, get_supported_content_language_variant
from wagtail.models import Page

# Where a request keeps the versions it has loaded: {translation_key: [Alternate, ...]}.
REQUEST_CACHE = "_wagtail_conditions_alternates"
# Set on the request once every translated page's versions are in its cache (a sitemap).
REQUEST_CACHE_COMPLETE = "_wagtail_conditions_alternates_complete"


@dataclass(frozen=True)
class Alternate:
    """One language version of a page."""

    page: Page
    language_code: str  # the locale's code, as hreflang and lang write it (``es``, ``en-gb``)
    name: str  # the language's name in itself: "Español", "Français"
    url: str  # relative when the site has a single host, as links on the site are
    full_url: str  # with scheme and host, as search engines ask for


def i18n_enabled():
    return getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def default_language_code():
    """The content language of the site's default locale (``x-default``)."""
    try:
        return get_supported_content_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def language_name(language_code):
    """A language's name in that language ("Español"), or the code when Django knows none."""
    for code in (language_code, language_code.split("-")[0]):
        try:
            return capfirst(translation.get_language_info(code)["name_local"])
        except KeyError:
            continue
    return language_code


def page_language_code(page=None):
    """The language of a page's content, for ``<html lang>``: its locale's language when
    Wagtail's localisation is on, else the site's ``LANGUAGE_CODE``. Without a page (a
    problem page, all in the package's own words) it is the active language."""
    if page is None:
        return translation.get_language() or settings.LANGUAGE_CODE
    if i18n_enabled() and getattr(page, "locale_id", None):
        return page.locale.language_code
    return settings.LANGUAGE_CODE


def _language_order():
    codes = list(get_content_languages())
    return lambda alternate: (
        codes.index(alternate.language_code) if alternate.language_code in codes else len(codes),
        alternate.language_code,
    )


def _group(pages, request):
    """Pages by translation key, each group as Alternates in the order of
    WAGTAIL_CONTENT_LANGUAGES; pages without a URL (in no site) are left out."""
    groups = {}
    for page in pages:
        url = page.get_url(request)
        if url is None:
            continue
        language_code = page.locale.language_code
        groups.setdefault(page.translation_key, []).append(
            Alternate(
                page=page,
                language_code=language_code,
                name=language_name(language_code),
                url=url,
                full_url=page.get_full_url(request),
            )
        )
    order = _language_order()
    for group in groups.values():
        group.sort(key=order)
    return groups


def _versions(**filters):
    return Page.objects.live().public().filter(**filters).select_related("locale")


def _cache(request):
    if request is None:
        return {}
    if not hasattr(request, REQUEST_CACHE):
        setattr(request, REQUEST_CACHE, {})
    return getattr(request, REQUEST_CACHE)


def load_all_alternates(request):
    """Load the versions of every translated page in one go (for a sitemap)."""
    cache = _cache(request)
    if request is not None and getattr(request, REQUEST_CACHE_COMPLETE, False):
        return cache
    translated = (
        Page.objects.live()
        .values("translation_key")
        .annotate(versions=Count("pk"))
        .filter(versions__gt=1)
        .values("translation_key")
    )
    cache.update(_group(_versions(translation_key__in=translated), request))
    if request is not None:
        setattr(request, REQUEST_CACHE_COMPLETE, True)
    return cache


def get_alternates(page, request=None):
    """The page's language versions (itself included), or ``[]`` when localisation is off or
    the page has no live, public translation."""
    if not i18n_enabled() or not getattr(page, "translation_key", None):
        return []
    cache = _cache(request)
    if page.translation_key not in cache and not getattr(request, REQUEST_CACHE_COMPLETE, False):
        group = _group(_versions(translation_key=page.translation_key), request)
        cache[page.translation_key] = group.get(page.translation_key, [])
    alternates = cache.get(page.translation_key, [])
    return alternates if len(alternates) > 1 else []


def default_alternate(alternates):
    """The version in the site's default language (``hreflang="x-default"``), or None."""
    default = default_language_code()
    return next((a for a in alternates if a.language_code == default), None)


def sitemap_alternates(page, request=None):
    """Django's sitemap ``alternates`` for a page: each version, then ``x-default``."""
    if not i18n_enabled():
        return []
    if request is not None:
        load_all_alternates(request)
    alternates = get_alternates(page, request)
    entries = [{"lang_code": a.language_code, "location": a.full_url} for a in alternates]
    default = default_alternate(alternates)
    if default is not None:
        entries.append({"lang_code": "x-default", "location": default.full_url})
    return entries


class SitemapAlternatesMixin:
    """Adds a page's language versions to its entries in Wagtail's sitemap
    (``wagtail.contrib.sitemaps``), which Django writes as ``<xhtml:link rel="alternate"
    hreflang="…">``. Our page types have it; a host's page type can add it to its bases."""

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        alternates = sitemap_alternates(self, request)
        if alternates:
            for url in urls:
                url.setdefault("alternates", alternates)
        return urls
