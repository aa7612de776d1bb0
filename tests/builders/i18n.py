"""A multilingual site for the tests of the public signals of language: Wagtail's localisation
on, LocaleMiddleware, the pages under language prefixes (tests/urls_i18n.py), and pages
translated with Wagtail's own ``copy_for_translation`` then published."""

from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings
from wagtail.coreutils import get_content_languages, get_supported_content_language_variant
from wagtail.models import Locale, Site

MIDDLEWARE = [
    *settings.MIDDLEWARE[:2],  # CORS, sessions
    "django.middleware.locale.LocaleMiddleware",
    *settings.MIDDLEWARE[2:],
]


def _clear_caches():
    Site.clear_site_root_paths_cache()
    get_content_languages.cache_clear()
    get_supported_content_language_variant.cache_clear()


@contextmanager
def multilingual_site():
    """Localisation on, with English at the root and other languages under /es/, /fr/."""
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    with override_settings(
        WAGTAIL_I18N_ENABLED=True, MIDDLEWARE=MIDDLEWARE, ROOT_URLCONF="tests.urls_i18n"
    ):
        _clear_caches()
        try:
            yield
        finally:
            _clear_caches()
    _clear_caches()


def translate(page, language_code, **changes):
    """The page's published translation into ``language_code``, with ``changes`` (e.g. title,
    slug). Its ancestors are translated first where they are not (published, as they are),
    so that it has a place in that language's tree."""
    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
        if ancestor.get_translation_or_none(locale) is None:
            ancestor.copy_for_translation(locale).specific.save_revision().publish()
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
    translation = translation.specific
    for name, value in changes.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation
