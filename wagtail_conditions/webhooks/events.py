"""
Recording events for the webhook endpoints that want them, in the caller's transaction: the
delivery rows are committed with the change they report (or not at all), and their first
attempts are queued after commit. A queue that is down loses nothing: the rows stay due for
``retry_webhook_deliveries``.
"""

from django.db import transaction

from ..models import AppointmentRequest
from ..models.webhooks import Event, WebhookDelivery, WebhookEndpoint
from ..sites import site_id_for_page
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


def _site_ids(appointments, endpoints):
    """{request pk: the id of the site its page is on} for ``appointments``, read only when
    an endpoint is limited to one site (a single-site install pays nothing)."""
    if not any(endpoint.site_id for endpoint in endpoints):
        return {}
    pages = {
        appointment.pk: appointment.source_page
        for appointment in AppointmentRequest.objects.filter(
            pk__in=[appointment.pk for appointment in appointments], source_page__isnull=False
        ).select_related("source_page")
    }
    return {pk: site_id_for_page(page) for pk, page in pages.items()}


def _deliveries(appointments, event, **fields):
    """A delivery of ``event`` per request in ``appointments`` and endpoint that wants it and
    serves the request's site."""
    endpoints = _endpoints_for(event) if appointments else []
    sites = _site_ids(appointments, endpoints)
    return _queue(
        [
            WebhookDelivery(
                endpoint=endpoint,
                appointment=appointment,
                reference=appointment.reference if event == Event.ERASED else "",
                event=event,
                **fields,
            )
            for endpoint in endpoints
            for appointment in appointments
            if endpoint.serves(sites.get(appointment.pk))
        ]
    )


def record_created(appointment):
    """A new (non-spam) request: one delivery per endpoint that wants it."""
    return _deliveries([appointment], Event.CREATED)


def record_status_changed(appointments, status):
    """Requests whose status staff changed to ``status`` (each already handed on: never one
    that was in spam, which is handed on as new instead): a thin delivery per request and
    endpoint, reporting ``status`` on every attempt."""
    return _deliveries(appointments, Event.STATUS_CHANGED, request_status=status)


def record_erased(appointments):
    """Requests about to be erased: a thin ``.erased`` delivery for each, per endpoint that
    wants it. The reference is the one identifier these keep, until sent (the request's row,
    and the link to it, go with the erasure)."""
    return _deliveries(appointments, Event.ERASED)
