"""The test site's URLs with Wagtail's pages under language prefixes (English at the root,
Spanish under /es/), as a multilingual site mounts them, and the sitemap of every language
tree. Used with LocaleMiddleware and WAGTAIL_I18N_ENABLED (tests.builders.i18n)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.contrib.sitemaps.views import sitemap

from tests.urls import urlpatterns as single_language_urlpatterns
from wagtail_conditions.sitemaps import Sitemap

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
    *single_language_urlpatterns[:-1],  # all but Wagtail's catch-all
    *i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False),
]
