"""
A ready-made Wagtail API v2 router with the pages, images and documents endpoints.

A host site adds it to its URLconf, before Wagtail's catch-all ``include(wagtail_urls)``::

    from wagtail_conditions.api.v2 import api_router

    urlpatterns = [
        ...
        path("api/v2/", api_router.urls),
        ...
    ]

with ``"wagtail.api.v2"`` and ``"rest_framework"`` in ``INSTALLED_APPS``. A site with a router
of its own needs nothing from here, as our page types declare ``api_fields`` that Wagtail's
``PagesAPIViewSet`` reads; registering the ``PagesAPIViewSet`` below instead keeps its listings
at a fixed number of queries.

When ``wagtail_headless_preview`` is installed too, the router also has its ``page_preview``
endpoint, which serves the draft an editor previews (``preview.py``); docs/headless.md shows
the whole set-up.
"""

from django.apps import apps
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .pages import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)

if apps.is_installed("wagtail_headless_preview"):
    # Previews of drafts for decoupled front ends; see preview.py. Imported here because
    # wagtail_headless_preview is an optional dependency.
    from .preview import PagePreviewAPIViewSet

    api_router.register_endpoint("page_preview", PagePreviewAPIViewSet)
