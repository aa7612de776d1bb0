"""
API v3's page answers kept in the render cache, as our API v2 endpoint keeps its own.

Wagtail 8's API v3 (django-ninja) has no view class of ours to extend, so a host site wraps its
URLs::

    from wagtail.api.v3.urls import api as api_v3
    from wagtail_conditions.api.caching import cached_api_urls

    urlpatterns = [
        ...
        path("api/v3/", cached_api_urls(api_v3.urls)),
        ...
    ]

Only the ``pages/`` answers are kept (what our pages show); the schema, the sites, ``whoami``
and the OpenAPI document are Wagtail's as they were. What is kept, for whom and until when is
``render_cache.serve_api``'s: anonymous GETs without an ``Authorization`` header (API v3
tokens read drafts), JSON answers with status 200, until the content version moves on.
"""

from functools import wraps

from django.urls import URLPattern

from .. import render_cache

CACHED_PREFIXES = ("pages/",)


def cached_view(view):
    """``view`` answering from the render cache (``render_cache.serve_api``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return render_cache.serve_api(request, lambda: view(request, *args, **kwargs))

    return wrapper


def cached_api_urls(urls):
    """``urls`` (``api.urls`` of API v3: its patterns, app name and namespace, made afresh by
    each read of ``api.urls``) with the views under ``pages/`` answering from the render
    cache. django-ninja's patterns are one flat list."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith(CACHED_PREFIXES):
            pattern.callback = cached_view(pattern.callback)
    return patterns, app_name, namespace
