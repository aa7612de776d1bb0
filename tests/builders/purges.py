"""
Front-end cache backends for the purge tests (wagtail_conditions/frontend_cache.py): one that
records each batch it is asked to purge, one that fails as a CDN that is down does, and the
URLs a page brings to a batch.
"""

from wagtail.contrib.frontend_cache.backends import BaseBackend

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
