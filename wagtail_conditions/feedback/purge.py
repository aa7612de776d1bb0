"""Deleting old answers: those past ``FEEDBACK_RETENTION_DAYS``, and answers held as spam past
``FEEDBACK_SPAM_RETENTION_DAYS`` (``purge_page_feedback``). In batches, safe to repeat."""

import datetime

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from ..models import PageFeedback

DELETE_BATCH_SIZE = 1000


def cutoff(days, now=None):
    return (now or timezone.now()) - datetime.timedelta(days=days)


def due(before, *, spam):
    """The answers sent before ``before``: those held as spam (``spam``), or all others."""
    return PageFeedback.objects.filter(created_at__lt=before, is_spam=spam)


def describe(queryset):
    """``{"count", "oldest", "newest"}`` of ``queryset`` (datetimes, or None): one query."""
    return queryset.order_by().aggregate(
        count=Count("pk"), oldest=Min("created_at"), newest=Max("created_at")
    )


def delete(queryset):
    """Delete ``queryset`` in batches, in one transaction. Returns the count."""
    deleted = 0
    with transaction.atomic():
        while True:
            pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:DELETE_BATCH_SIZE])
            if not pks:
                return deleted
            PageFeedback.objects.filter(pk__in=pks).delete()
            deleted += len(pks)
