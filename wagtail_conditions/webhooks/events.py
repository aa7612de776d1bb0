"""
Recording events for the webhook endpoints that want them, in the caller's transaction: the
delivery rows are committed with the change they report (or not at all), and their first
attempts are queued after commit. A queue that is down loses nothing: the rows stay due for
``retry_webhook_deliveries``.
"""

from django.db import transaction

from ..models.webhooks import Event, WebhookDelivery, WebhookEndpoint
from .tasks import enqueue_delivery


def _endpoints_for(event):
    enabled = WebhookEndpoint.objects.filter(enabled=True)
    return [endpoint for endpoint in enabled if endpoint.wants(event)]


def _queue(deliveries):
    if not deliveries:
        return []
    created = WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: enqueue_delivery(pk), robust=True)
    return created


def record_created(appointment):
    """A new (non-spam) request: one delivery per endpoint that wants it."""
    return _queue(
        [
            WebhookDelivery(
                endpoint=endpoint,
                appointment=appointment,
                event=Event.CREATED,
            )
            for endpoint in _endpoints_for(Event.CREATED)
        ]
    )


def record_status_changed(appointments, status):
    """Requests whose status staff changed to ``status`` (each already handed on: never one
    that was in spam, which is handed on as new instead): a thin delivery per request and
    endpoint, reporting ``status`` on every attempt."""
    endpoints = _endpoints_for(Event.STATUS_CHANGED) if appointments else []
    return _queue(
        [
            WebhookDelivery(
                endpoint=endpoint,
                appointment=appointment,
                event=Event.STATUS_CHANGED,
                request_status=status,
            )
            for endpoint in endpoints
            for appointment in appointments
        ]
    )


def record_erased(references):
    """Requests about to be erased (by reference): a thin ``.erased`` delivery for each, per
    endpoint that wants it. The reference is the one identifier these keep, until sent."""
    endpoints = _endpoints_for(Event.ERASED) if references else []
    return _queue(
        [
            WebhookDelivery(endpoint=endpoint, reference=reference, event=Event.ERASED)
            for endpoint in endpoints
            for reference in references
        ]
    )
