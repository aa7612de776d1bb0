"""
One attempt at one delivery, at least once: claim it (a short transaction that counts the
attempt and leases it), post it with no transaction open (a hung receiver holds no lock and
no patient's request), then record the outcome.

* 2xx: delivered.
* 410 Gone: the receiver asks us to stop. The endpoint is disabled, with the reason shown to
  staff (the endpoint list and the deliveries list), and the delivery fails for good.
* A refused URL (plain HTTP, a private address): failed for good.
* Anything else (another status, a timeout, a refused connection, a failed DNS lookup): tried
  again after the next interval of ``WEBHOOK_RETRY_SCHEDULE``, then given up.

Every attempt carries the delivery's one ``webhook-id``, so a receiver recognises a repeat,
and is signed anew (a fresh ``webhook-timestamp``) with each of the endpoint's current secrets.
The lease (``next_attempt_at`` moved past the attempt's longest possible run) lets
``retry_webhook_deliveries`` pick up a delivery whose worker died mid-attempt.
"""

import datetime
import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..conf import conf
from ..models.webhooks import Event, WebhookDelivery, WebhookEndpoint
from . import payloads, transport

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
OPEN_STATUSES = (Status.PENDING, Status.RETRYING)


def signature_headers(endpoint, webhook_id, body, now):
    """Standard Webhooks' three headers, signed with every current secret of ``endpoint``."""
    try:
        # An optional extra (``wagtail-conditions[webhooks]``); checks.py reports its absence.
        from standardwebhooks.webhooks import Webhook
    except ImportError:
        raise ImproperlyConfigured("standardwebhooks is not installed") from None
    signatures = [
        Webhook(secret).sign(webhook_id, now, body) for secret in endpoint.signing_secrets(now)
    ]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def _claim(delivery_pk):
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "appointment")
            .filter(pk=delivery_pk, status__in=OPEN_STATUSES)
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        lease = conf.WEBHOOK_TIMEOUT * 2 + 60
        delivery.next_attempt_at = now + datetime.timedelta(seconds=lease)
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return delivery


def _finish(delivery, status, *, error="", next_attempt_at=None):
    delivery.status = status
    delivery.error = error[:255]
    delivery.next_attempt_at = next_attempt_at
    if status == Status.DELIVERED:
        delivery.delivered_at = timezone.now()
    if status in (Status.DELIVERED, Status.FAILED) and delivery.event == Event.ERASED:
        delivery.reference = ""  # kept only so the erasure could be sent
    delivery.save(
        update_fields=[
            "status",
            "error",
            "next_attempt_at",
            "delivered_at",
            "reference",
            "status_code",
            "latency_ms",
        ]
    )
    return delivery


def _retry_or_give_up(delivery, error):
    schedule = conf.WEBHOOK_RETRY_SCHEDULE
    if delivery.attempts > len(schedule):
        logger.warning("Webhook delivery %s given up: %s", delivery.webhook_id, error)
        return _finish(delivery, Status.FAILED, error=error)
    wait = schedule[delivery.attempts - 1]
    next_at = timezone.now() + datetime.timedelta(seconds=wait)
    logger.info(
        "Webhook delivery %s failed (%s); retrying in %ss", delivery.webhook_id, error, wait
    )
    return _finish(delivery, Status.RETRYING, error=error, next_attempt_at=next_at)


def disable_endpoint(endpoint, reason):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason=reason)
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    logger.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)


def deliver(delivery_pk):
    """Make one attempt at the delivery; returns it as recorded (None if not open)."""
    delivery = _claim(delivery_pk)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        return _finish(delivery, Status.FAILED, error="endpoint disabled")
    delivery.status_code = delivery.latency_ms = None
    try:
        body = payloads.build(delivery)
        headers = signature_headers(endpoint, delivery.webhook_id, body, timezone.now())
        response = transport.post(endpoint.url, body, headers)
    except transport.RefusedURL as refused:
        return _finish(delivery, Status.FAILED, error=f"refused: {refused}")
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
        return _retry_or_give_up(delivery, f"{type(error).__name__}: {error}"[:120])
    delivery.status_code = response.status
    delivery.latency_ms = response.latency_ms
    if 200 <= response.status < 300:
        return _finish(delivery, Status.DELIVERED)
    if response.status == 410:
        # Data, not a sentence: the admin words it in the reader's language.
        disable_endpoint(endpoint, f"410 Gone, {timezone.now():%Y-%m-%d %H:%M} UTC")
        return _finish(delivery, Status.FAILED, error="410 Gone: endpoint disabled")
    return _retry_or_give_up(delivery, f"HTTP {response.status}")


def due_deliveries(now=None):
    """Deliveries waiting for an attempt whose time has come (or whose worker died)."""
    return WebhookDelivery.objects.filter(
        status__in=OPEN_STATUSES, next_attempt_at__lte=now or timezone.now()
    ).order_by("next_attempt_at", "pk")


def reopen(delivery):
    """Make a delivery (delivered or failed) due again now, with the same webhook-id."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING, next_attempt_at=timezone.now(), error=""
    )


def failing_endpoints():
    """Endpoints that are failing now: disabled by their receiver (410), or enabled with a
    delivery waiting for a retry."""
    retrying = WebhookDelivery.objects.filter(
        endpoint=OuterRef("pk"), status=WebhookDelivery.Status.RETRYING
    )
    return WebhookEndpoint.objects.filter(
        Q(enabled=False, disabled_reason__gt="") | (Q(enabled=True) & Exists(retrying))
    )
