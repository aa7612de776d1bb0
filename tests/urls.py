from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_conditions.api.caching import cached_api_urls
from wagtail_conditions.api.v2 import api_router

try:
    from wagtail.api.v3.urls import api as api_v3
except ImportError:  # Wagtail < 8 has no API v3.
    api_v3 = None

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("api/v2/", api_router.urls),
    *([path("api/v3/", cached_api_urls(api_v3.urls))] if api_v3 else []),
    path("", include("wagtail_conditions.urls")),
    path("", include(wagtail_urls)),
]
