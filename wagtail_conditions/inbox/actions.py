"""
What staff and maintenance commands do to appointment requests, each writing its audit entry
in the same transaction as the change. These functions check no permissions: the admin views
and management commands that call them do.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import LogContext

from ..models import AppointmentRequest
from ..models.webhooks import Event
from ..webhooks import events as webhook_events
from ..webhooks.delivery import reopen
from ..webhooks.tasks import enqueue_delivery
from . import audit
from .counts import forget_counts

DELETE_BATCH_SIZE = 1000


def save_edit(form, *, user, previous_status):
    """Save a staff edit form (status, staff notes) and log it once."""
    with transaction.atomic():
        instance = form.save()
        audit.log_edit(instance, user=user, previous_status=previous_status)
        if previous_status == AppointmentRequest.Status.SPAM:
            _no_longer_spam([instance.pk])
        elif instance.status != previous_status:
            webhook_events.record_status_changed([instance], instance.status)
        _counts_changed()
    return instance


def change_status(queryset, status, *, user):
    """
    Set ``status`` on every request in ``queryset``. Requests already in that status are left
    alone; each one that changes gets one audit entry. Returns how many changed.
    """
    status = AppointmentRequest.Status(status)
    with transaction.atomic(), LogContext(user=user):
        changing = list(
            queryset.order_by().exclude(status=status).select_for_update().only("pk", "status")
        )
        if not changing:
            return 0
        AppointmentRequest.objects.filter(pk__in=[obj.pk for obj in changing]).update(
            status=status, updated_at=timezone.now()
        )
        for obj in changing:
            audit.log_status_change(obj, user=user, old=obj.status, new=status.value)
        # Out of spam, a request is handed on as new (below); any other change, as a change.
        webhook_events.record_status_changed(
            [obj for obj in changing if obj.status != AppointmentRequest.Status.SPAM], status.value
        )
        if status != AppointmentRequest.Status.SPAM:
            _no_longer_spam(
                [obj.pk for obj in changing if obj.status == AppointmentRequest.Status.SPAM]
            )
        _counts_changed()
    return len(changing)


def _no_longer_spam(pks):
    """Requests staff took out of spam are handed on as new ones were (webhooks), once."""
    if not pks:
        return
    for appointment in AppointmentRequest.objects.filter(pk__in=pks).exclude(
        status=AppointmentRequest.Status.SPAM
    ):
        if not appointment.webhook_deliveries.filter(event=Event.CREATED).exists():
            webhook_events.record_created(appointment)


def delete_request(instance, *, user):
    with transaction.atomic():
        audit.log_delete(instance, user=user)
        instance.delete()
        _counts_changed()


def retry_notification(instance, *, user=None):
    """Send a request's notification again; returns the new notification status."""
    from ..appointments.notifications import send_notifications

    result = send_notifications(instance.pk)
    if result is not None:
        audit.log_retry(instance, user=user, result=result)
    return result


def replay_delivery(delivery, *, user):
    """Send a webhook delivery again now, with its same ``webhook-id`` (a receiver that has it
    already recognises it); one audit entry on its request. False if it cannot be replayed:
    its endpoint is disabled, or its request is gone (an erasure already sent has no
    reference left)."""
    if not delivery.endpoint.enabled or not (delivery.appointment_id or delivery.reference):
        return False
    with transaction.atomic():
        reopen(delivery)
        if delivery.appointment is not None:
            audit.log_webhook_replay(delivery.appointment, user=user, endpoint=delivery.endpoint)
        transaction.on_commit(lambda: enqueue_delivery(delivery.pk), robust=True)
    return True


def _counts_changed():
    # Now, for this request's next page, and again once committed, in case another request
    # cached the old number in between.
    forget_counts()
    transaction.on_commit(forget_counts)


def _delete_in_batches(queryset, before_delete=None):
    # Batches keep memory flat when Django has to load rows to send delete signals.
    deleted = 0
    while True:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:DELETE_BATCH_SIZE])
        if not pks:
            if deleted:
                _counts_changed()
            return deleted
        if before_delete is not None:
            before_delete(pks)
        # Their webhook deliveries stay, unlinked (SET_NULL): the log keeps no identifier.
        AppointmentRequest.objects.filter(pk__in=pks).delete()
        deleted += len(pks)


def retention_cutoff(days):
    return timezone.now() - datetime.timedelta(days=days)


def purge(cutoff, *, status=None, user=None):
    """Delete every request received before ``cutoff`` (only those with ``status``, if
    given); one audit entry holding the count, the date and the status. Returns the count."""
    queryset = AppointmentRequest.objects.filter(created_at__lt=cutoff)
    details = {}
    if status is not None:
        queryset = queryset.filter(status=status)
        details["status"] = str(status)
    with transaction.atomic():
        count = _delete_in_batches(queryset)
        if count:
            audit.log_many(
                audit.PURGE,
                user=user,
                count=count,
                before=timezone.localtime(cutoff).date().isoformat(),
                **details,
            )
    return count


def erase_person(email, *, user=None):
    """
    Delete every request made with ``email`` (case-insensitive); one audit entry, holding the
    count only, and an ``appointment_request.erased`` webhook per request for the endpoints
    that want it (sent after commit). Returns the count.
    """

    def record_erased(pks):
        requests = AppointmentRequest.objects.filter(pk__in=pks).exclude(
            status=AppointmentRequest.Status.SPAM
        )
        webhook_events.record_erased(list(requests.only("pk", "reference")))

    with transaction.atomic():
        count = _delete_in_batches(AppointmentRequest.objects.for_email(email), record_erased)
        if count:
            audit.log_many(audit.ERASE, user=user, count=count)
    return count
