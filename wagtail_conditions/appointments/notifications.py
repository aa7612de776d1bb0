"""
Emails about appointment requests.

Minimum necessary by default: the staff email carries the request's reference and a link to
the inbox — no page, condition or patient address, and no Reply-To — unless the site turns
on ``APPOINTMENT_EMAIL_INCLUDE_DETAILS``. The acknowledgement to the patient carries nothing
the submitter typed (a stranger's address can be typed into the public form), and at most
one is sent to an address per ``APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL``.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..conf import conf
from ..models import AppointmentRequest
from .rate_limit import acknowledgement_allowed, release_acknowledgement

logger = logging.getLogger(__name__)


def inbox_url(appointment):
    from django.urls import NoReverseMatch, reverse

    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    try:
        path = reverse(
            "wagtail_conditions_appointmentrequest_modeladmin_inspect",
            kwargs={"instance_pk": appointment.pk},
        )
    except NoReverseMatch:
        path = ""
    return base + path


def acknowledgement_language(appointment):
    """The language of the patient's acknowledgement: that of the page the request was sent
    from (its recorded locale), else the site's default language."""
    locale = appointment.locale if appointment.locale_id else None
    return locale.language_code if locale else settings.LANGUAGE_CODE


def build_messages(appointment):
    """The emails still to send for ``appointment``, as (kind, message) pairs: the staff
    notification ("staff"), in the site's default language (``LANGUAGE_CODE``), then the
    acknowledgement to the patient ("acknowledgement"), in the language of the page they
    wrote from. Neither depends on the language active when (or where) it is sent."""
    with translation.override(settings.LANGUAGE_CODE):
        staff = _staff_message(appointment)
    with translation.override(acknowledgement_language(appointment)):
        acknowledgement = _acknowledgement_message(appointment)
    return [message for message in (staff, acknowledgement) if message]


def _context(appointment):
    return {
        "appointment": appointment,
        "inbox_url": inbox_url(appointment),
        "include_details": conf.APPOINTMENT_EMAIL_INCLUDE_DETAILS,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
    }


def message_id(appointment, kind):
    """The same Message-ID every time an email of ``kind`` is sent for ``appointment``.

    Delivery is at least once: a worker killed between the mail server's acceptance and the
    row's update, or a server that accepts after the client gave up, sends an email again on
    retry. The copy then carries the same reference and the same Message-ID, which mail
    servers and clients use to recognise (and many to drop) a duplicate. It names the
    reference only, never the patient."""
    return f"<appointment-request.{appointment.reference}.{kind}@{DNS_NAME}>"


def _staff_message(appointment):
    from_email = conf.APPOINTMENT_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
    recipients = appointment.get_recipient_list()
    if not recipients or appointment.staff_notified_at is not None:
        return None
    return (
        "staff",
        EmailMessage(
            subject=_("New appointment request %(reference)s")
            % {"reference": appointment.reference},
            body=render_to_string(
                "wagtail_conditions/emails/staff_notification.txt", _context(appointment)
            ),
            from_email=from_email,
            to=recipients,
            # The address was validated (no line breaks), so it is safe in a header.
            reply_to=[appointment.email] if conf.APPOINTMENT_EMAIL_INCLUDE_DETAILS else [],
            headers={"Message-ID": message_id(appointment, "staff")},
        ),
    )


def _acknowledgement_message(appointment):
    from_email = conf.APPOINTMENT_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
    if not appointment.send_acknowledgement or appointment.acknowledged_at is not None:
        return None
    return (
        "acknowledgement",
        EmailMessage(
            subject=_("We have received your appointment request %(reference)s")
            % {"reference": appointment.reference},
            body=render_to_string(
                "wagtail_conditions/emails/acknowledgement.txt", _context(appointment)
            ),
            from_email=from_email,
            to=[appointment.email],
            headers={"Message-ID": message_id(appointment, "acknowledgement")},
        ),
    )


def claim_acknowledgement(appointment):
    """True if the acknowledgement may go out now; otherwise it is dropped for good, since
    one went to the same address a short while ago."""
    if acknowledgement_allowed(appointment.email):
        return True
    appointment.send_acknowledgement = False
    logger.info(
        "Acknowledgement for appointment request %s skipped: one was sent to the same address "
        "recently",
        appointment.reference,
    )
    return False


_SENT_AT_FIELD = {"staff": "staff_notified_at", "acknowledgement": "acknowledged_at"}


def send_notifications(appointment_pk):
    """
    Send the emails for one request and record the outcome on it. Never raises for a mail
    failure: the failure is stored (without personal data) for the inbox and the retry command.
    Returns the new notification status.
    """
    with transaction.atomic():
        appointment = (
            # The locale (for the acknowledgement's language) comes with the row; only the
            # request's own row is locked.
            AppointmentRequest.objects.select_for_update(of=("self",))
            .select_related("locale")
            .filter(pk=appointment_pk)
            .first()
        )
        if appointment is None:
            return None
        if appointment.notification_status not in (
            AppointmentRequest.NotificationStatus.PENDING,
            AppointmentRequest.NotificationStatus.FAILED,
        ):
            return appointment.notification_status  # already sent: send exactly once
        appointment.notification_attempts += 1
        try:
            # Built inside the try: a broken (e.g. overridden) email template is recorded and
            # retried like a mail server failure, instead of leaving the request "pending"
            # with no trace of why.
            messages = build_messages(appointment)
            for kind, message in messages:
                if kind == "acknowledgement" and not claim_acknowledgement(appointment):
                    continue
                try:
                    message.send(fail_silently=False)
                except Exception:
                    if kind == "acknowledgement":
                        release_acknowledgement(appointment.email)  # a retry may send it
                    raise
                setattr(appointment, _SENT_AT_FIELD[kind], timezone.now())
        except Exception as error:  # noqa: BLE001 - any backend failure must be recorded
            appointment.notification_status = AppointmentRequest.NotificationStatus.FAILED
            appointment.notification_error = (
                f"{type(error).__name__} at {timezone.now():%Y-%m-%d %H:%M}"
            )
            logger.warning(
                "Notification for appointment request %s failed (%s); it can be retried",
                appointment.reference,
                type(error).__name__,
            )
        else:
            sent_any = appointment.staff_notified_at or appointment.acknowledged_at
            appointment.notification_status = (
                AppointmentRequest.NotificationStatus.SENT
                if sent_any
                else AppointmentRequest.NotificationStatus.NOT_REQUIRED
            )
            appointment.notification_error = ""
            appointment.notified_at = timezone.now()
        appointment.save(
            update_fields=[
                "notification_status",
                "notification_error",
                "notification_attempts",
                "send_acknowledgement",
                "notified_at",
                "staff_notified_at",
                "acknowledged_at",
                "updated_at",
            ]
        )
        return appointment.notification_status
