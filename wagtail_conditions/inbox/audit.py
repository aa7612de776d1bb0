"""
Entries in Wagtail's audit log for everything done to appointment requests: they appear in a
request's history and in Reports › Site history.

Wagtail stores ``str(instance)`` as an entry's label unless it is given a title, so every call
here passes ``title_for(instance)`` ("Appointment request AR-7K3Q-9M"), and ``data`` holds only
counts, formats, dates and status codes: no entry ever carries a name, email, phone number,
reason or search term. Actions on many requests at once (an export, a purge, an erasure)
write a single entry against the AppointmentRequest content type, not one per row.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from ..models import AppointmentRequest, AppointmentRequestLogEntry

VIEW = "wagtail_conditions.view"
STATUS = "wagtail_conditions.status"
RETRY = "wagtail_conditions.retry_notification"
EXPORT = "wagtail_conditions.export"
PERSON_EXPORT = "wagtail_conditions.person_export"
PURGE = "wagtail_conditions.purge"
ERASE = "wagtail_conditions.erase"
WEBHOOK_FETCH = "wagtail_conditions.webhook_fetch"
WEBHOOK_REPLAY = "wagtail_conditions.webhook_replay"
EDIT = "wagtail.edit"  # Wagtail's own: a save that left the status as it was
DELETE = "wagtail.delete"  # Wagtail's own


def title_for(instance):
    return gettext("Appointment request %(reference)s") % {"reference": instance.reference}


def _status_label(value):
    try:
        return str(AppointmentRequest.Status(value).label)
    except ValueError:
        return str(value)


class StatusChangeFormatter(LogFormatter):
    label = _("Change appointment request status")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if "old" in data and "new" in data:
            return _("Status changed from %(old)s to %(new)s") % {
                "old": _status_label(data["old"]),
                "new": _status_label(data["new"]),
            }
        return _("Status changed")


class RetryFormatter(LogFormatter):
    label = _("Retry appointment request notification")

    def format_message(self, log_entry):
        result = (log_entry.data or {}).get("result")
        if result == AppointmentRequest.NotificationStatus.SENT:
            return _("Notification retried: sent")
        if result == AppointmentRequest.NotificationStatus.FAILED:
            return _("Notification retried: failed again")
        return _("Notification retried")


class CountFormatter(LogFormatter):
    """A message about ``data["count"]`` requests (singular and plural forms)."""

    template = ""  # ngettext_lazy(singular, plural, "count")

    def params(self, log_entry):
        data = log_entry.data or {}
        return {
            "count": data.get("count", 0),
            "format": str(data.get("format", "")).upper(),
            "before": data.get("before", ""),
        }

    def format_message(self, log_entry):
        return self.template % self.params(log_entry)


class ExportFormatter(CountFormatter):
    label = _("Export appointment requests")
    template = ngettext_lazy(
        "Exported %(count)s appointment request as %(format)s",
        "Exported %(count)s appointment requests as %(format)s",
        "count",
    )


class PersonExportFormatter(CountFormatter):
    label = _("Export one person's appointment requests")
    template = ngettext_lazy(
        "Exported %(count)s appointment request for one person",
        "Exported %(count)s appointment requests for one person",
        "count",
    )


class PurgeFormatter(CountFormatter):
    label = _("Purge old appointment requests")
    template = ngettext_lazy(
        "Deleted %(count)s appointment request received before %(before)s",
        "Deleted %(count)s appointment requests received before %(before)s",
        "count",
    )
    spam_template = ngettext_lazy(
        "Deleted %(count)s appointment request held as spam, received before %(before)s",
        "Deleted %(count)s appointment requests held as spam, received before %(before)s",
        "count",
    )

    def format_message(self, log_entry):
        if (log_entry.data or {}).get("status") == AppointmentRequest.Status.SPAM:
            return self.spam_template % self.params(log_entry)
        return super().format_message(log_entry)


class EraseFormatter(CountFormatter):
    label = _("Erase one person's appointment requests")
    template = ngettext_lazy(
        "Deleted %(count)s appointment request at one person's request",
        "Deleted %(count)s appointment requests at one person's request",
        "count",
    )


def register_log_actions(actions):
    """
    The ``register_log_actions`` hook: our actions and their messages, and the log entry
    model for requests.

    Wagtail's own ``ModelLogEntry`` shows a model's entries in Reports › Site history to anyone
    holding *any* permission on the model (its manager's ``viewable_by_user``), so a user with
    only "change" or "delete" would see every request's history there. Wagtail's supported
    remedy is a log entry model of our own, registered here, whose ``viewable_by_user`` asks
    for the "view" permission.
    """
    actions.register_model(AppointmentRequest, AppointmentRequestLogEntry)
    actions.register_action(VIEW, _("View appointment request"), _("Viewed"))
    actions.register_action(
        WEBHOOK_FETCH,
        _("Fetch appointment request by webhook link"),
        _("Details fetched by a webhook receiver"),
    )
    actions.register_action(
        WEBHOOK_REPLAY, _("Replay appointment request webhook"), _("Webhook delivery replayed")
    )
    for action, formatter in [
        (STATUS, StatusChangeFormatter),
        (RETRY, RetryFormatter),
        (EXPORT, ExportFormatter),
        (PERSON_EXPORT, PersonExportFormatter),
        (PURGE, PurgeFormatter),
        (ERASE, EraseFormatter),
    ]:
        actions.register_action(action)(formatter)


def log_view(instance, *, user):
    return log(instance, VIEW, user=user, title=title_for(instance))


def log_webhook_fetch(instance, *, endpoint):
    """A receiver fetched the request through a thin payload's link (no user: a machine)."""
    return log(instance, WEBHOOK_FETCH, title=title_for(instance), data={"endpoint": endpoint.pk})


def log_webhook_replay(instance, *, user, endpoint):
    return log(
        instance,
        WEBHOOK_REPLAY,
        user=user,
        title=title_for(instance),
        data={"endpoint": endpoint.pk},
    )


def log_edit(instance, *, user, previous_status):
    """One entry for a saved staff edit: a status change if the status moved, else an edit."""
    if instance.status != previous_status:
        return log_status_change(instance, user=user, old=previous_status, new=instance.status)
    return log(instance, EDIT, user=user, title=title_for(instance), content_changed=True)


def log_status_change(instance, *, user, old, new):
    return log(
        instance,
        STATUS,
        user=user,
        title=title_for(instance),
        data={"old": old, "new": new},
        content_changed=True,
    )


def log_delete(instance, *, user):
    return log(instance, DELETE, user=user, title=title_for(instance), deleted=True)


def log_retry(instance, *, user, result):
    return log(instance, RETRY, user=user, title=title_for(instance), data={"result": result})


def log_many(action, *, user=None, **data):
    """One entry for an action on many requests, against the AppointmentRequest type."""
    content_type = ContentType.objects.get_for_model(AppointmentRequest)
    return log(
        content_type,
        action,
        user=user,
        title=str(AppointmentRequest._meta.verbose_name_plural).capitalize(),
        data=data,
    )
