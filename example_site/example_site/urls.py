from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from home.views import headless_client
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_conditions.api.caching import cached_api_urls
from wagtail_conditions.api.v2 import api_router
from wagtail_conditions.sitemaps import Sitemap

try:
    from wagtail.api.v3.urls import api as api_v3
except ImportError:  # Wagtail < 8 has no API v3.
    api_v3 = None

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Every language's pages, each with its hreflang alternates.
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}),
    path("api/v2/", api_router.urls),
    *([path("api/v3/", cached_api_urls(api_v3.urls))] if api_v3 else []),
    # The static headless client (example_site/static/headless/), built on the API alone.
    path("headless/", headless_client, name="headless_client"),
    path("", include("wagtail_conditions.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The pages, last: English at the root as before, Spanish under /es/. The admin, the API, the
# sitemap and the appointment endpoints above have no language prefix.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
