"""
The inbox's counts: requests per status, in one query on the status index, and the number of
new requests that the menu badge shows on every admin page.

The badge's number is cached for ``BADGE_TIMEOUT`` seconds, so an admin page costs no query
for it most of the time. The inbox's own status changes and deletions forget it at once; a new
request shows within the timeout. A cache that fails is skipped (the count is then read from
the database): the badge never breaks a page.
"""

import logging

from django.core.cache import cache
from django.db.models import Count

from ..models import AppointmentRequest

logger = logging.getLogger(__name__)

BADGE_KEY = "wagtail_conditions:inbox:new-count"
BADGE_TIMEOUT = 30


def counts_by_status():
    """{status: number of requests} for every status, from one GROUP BY on the status index.
    Also refreshes the badge's cached number."""
    counts = dict.fromkeys(AppointmentRequest.Status.values, 0)
    rows = AppointmentRequest.objects.order_by().values_list("status").annotate(n=Count("*"))
    counts.update(rows)
    _remember(counts[AppointmentRequest.Status.NEW])
    return counts


def new_request_count():
    """How many requests are new (spam never is), for the menu badge."""
    try:
        count = cache.get(BADGE_KEY)
    except Exception:  # noqa: BLE001  (any cache backend's failure: fail open)
        logger.warning("Inbox badge: the cache failed; counting in the database", exc_info=True)
        count = None
    if count is None:
        count = AppointmentRequest.objects.filter(status=AppointmentRequest.Status.NEW).count()
        _remember(count)
    return count


def forget_counts():
    """Drop the cached badge number (after staff change or delete requests)."""
    try:
        cache.delete(BADGE_KEY)
    except Exception:  # noqa: BLE001
        logger.warning("Inbox badge: the cache failed to forget the count", exc_info=True)


def _remember(count):
    try:
        cache.set(BADGE_KEY, count, BADGE_TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("Inbox badge: the cache failed to store the count", exc_info=True)
