"""
Which Wagtail site a page is on, even while the cache is down.

Wagtail finds a page's site through its site root paths, which it keeps in the ``default``
cache (``Site.get_site_root_paths``); Django's cache API lets the cache client's error escape
(a Redis that is down raises ``redis.exceptions.ConnectionError``). The appointment pipeline
must store a patient's request whatever the cache does, so it asks here: Wagtail's answer
when the cache answers, else the same answer read from the database (two queries).
"""

import logging

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from wagtail.models import Site

from .compat import CACHE_ERRORS

logger = logging.getLogger(__name__)


def site_id_for_page(page, request=None):
    """The id of the site serving ``page`` (as ``page.get_url_parts`` gives it), or None."""
    try:
        url_parts = page.get_url_parts(request)
    except CACHE_ERRORS as error:
        logger.warning(
            "Site root paths not read: the cache failed (%s); reading the site from the database",
            type(error).__name__,
        )
        return _site_id_from_database(page)
    return url_parts[0] if url_parts else None


def _site_id_from_database(page):
    """What Wagtail's site root paths say, without them: the site whose root page (or, with
    localisation on, a translation of it) is the nearest ancestor of ``page``, the default
    site first among equals (``Site.get_site_root_paths`` orders them so)."""
    ancestors = list(
        page.get_ancestors(inclusive=True).values_list("pk", "translation_key", "depth")
    )
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        depths = {key: depth for _pk, key, depth in ancestors}
        sites = Site.objects.filter(root_page__translation_key__in=depths)
        depth_of = [
            When(root_page__translation_key=key, then=Value(d)) for key, d in depths.items()
        ]
    else:
        depths = {pk: depth for pk, _key, depth in ancestors}
        sites = Site.objects.filter(root_page_id__in=depths)
        depth_of = [When(root_page_id=pk, then=Value(d)) for pk, d in depths.items()]
    if not depth_of:
        return None
    nearest = sites.annotate(ancestor_depth=Case(*depth_of, output_field=IntegerField())).order_by(
        "-ancestor_depth", "-is_default_site", "hostname"
    )
    return nearest.values_list("pk", flat=True).first()
