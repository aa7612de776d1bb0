"""
Front-end cache backends for the purge tests (wagtail_conditions/frontend_cache.py): one that
records each batch it is asked to purge, one that fails as a CDN that is down does, and the
URLs a page brings to a batch.
"""

from contextlib import contextmanager

from django.apps import apps
from django.db import connections
from django.db.models import signals as model_signals
from wagtail import signals as wagtail_signals
from wagtail.contrib.frontend_cache.backends import BaseBackend

from wagtail_conditions import frontend_cache
from wagtail_conditions.compat import HAS_API_V3

ROOT = "http://localhost"  # the default site of the migrations


class RecordingBackend(BaseBackend):
    """Keeps the URLs of each batch in ``batches`` (one list per call)."""

    batches = []

    def purge(self, url):
        self.purge_batch([url])

    def purge_batch(self, urls):
        type(self).batches.append(sorted(urls))


class FailingBackend(BaseBackend):
    """Raises, as a backend whose CDN is down may (Wagtail's own log and go on)."""

    def purge(self, url):
        raise ConnectionRefusedError("the CDN is down")


def backends(*classes):
    """A WAGTAILFRONTENDCACHE setting with one backend of each of ``classes``."""
    return {cls.__name__: {"BACKEND": f"{cls.__module__}.{cls.__qualname__}"} for cls in classes}


def api_urls(page):
    versions = ["v2", "v3"] if HAS_API_V3 else ["v2"]
    return {f"{ROOT}/api/{version}/pages/{page.pk}/" for version in versions}


def site_urls():
    """The sitemap and API listings, purged with every batch of pages in the site."""
    versions = ["v2", "v3"] if HAS_API_V3 else ["v2"]
    return {
        f"{ROOT}/sitemap.xml",
        *(f"{ROOT}/api/{version}/pages/" for version in versions),
        *(f"{ROOT}/api/{version}/pages/find/" for version in versions),
    }


def page_urls(*pages, paths=None):
    """What ``pages`` bring to a batch: each page's URL and API detail URLs, and the site's
    URLs; ``paths`` (by page) replace a page's own path, for its old URL after a move."""
    urls = set(site_urls())
    for page in pages:
        path = (paths or {}).get(page, page.url)
        urls |= {ROOT + path, *api_urls(page)}
    return urls


@contextmanager
def purge_handlers():
    """Our purge handlers connected, as ``apps.py`` connects them when
    ``wagtail.contrib.frontend_cache`` is installed (tests/settings.py leaves it out, so that
    a publish costs the same queries in the rest of the suite)."""
    frontend_cache.connect_signals()
    try:
        yield
    finally:
        _disconnect()
        for connection in connections.all():
            if hasattr(connection, frontend_cache._BATCH_ATTRIBUTE):
                delattr(connection, frontend_cache._BATCH_ATTRIBUTE)


def _disconnect():
    senders = {id(model): model for model in apps.get_models()}
    for signal in (
        wagtail_signals.page_published,
        wagtail_signals.page_unpublished,
        wagtail_signals.page_slug_changed,
        wagtail_signals.post_page_move,
        model_signals.post_save,
        model_signals.pre_save,
        model_signals.pre_delete,
    ):
        for (uid, sender_id), *_rest in list(signal.receivers):
            if isinstance(uid, str) and uid.startswith("wagtail_conditions.frontend_cache"):
                signal.disconnect(dispatch_uid=uid, sender=senders.get(sender_id))
