"""Appointment requests sent by patients, and the site-wide settings for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..appointments import choices
from ..appointments.references import MAX_LENGTH as REFERENCE_MAX_LENGTH
from ..appointments.references import new_reference
from ..compat import PAGE_MODEL
from ..validators import parse_email_list


class AppointmentRequestQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email__iexact=email.strip())

    def needing_notification(self):
        return self.filter(
            notification_status__in=[
                AppointmentRequest.NotificationStatus.PENDING,
                AppointmentRequest.NotificationStatus.FAILED,
            ]
        )


class AppointmentRequest(models.Model):
    """
    One patient's request for an appointment. It holds personal health data: its ``__str__``,
    log lines, URLs and task arguments carry only the primary key or the random reference.
    """

    Status = choices.Status
    TimeOfDay = choices.TimeOfDay
    PatientStatus = choices.PatientStatus
    SpamReason = choices.SpamReason
    NotificationStatus = choices.NotificationStatus

    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_MAX_LENGTH,
        unique=True,
        default=new_reference,
        editable=False,
        help_text=_("Quote this reference to the patient, e.g. AR-7K3Q-9M."),
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    preferred_time = models.CharField(
        _("preferred time of day"), max_length=10, choices=TimeOfDay.choices, blank=True
    )
    patient_status = models.CharField(
        _("new or returning"), max_length=10, choices=PatientStatus.choices, blank=True
    )
    reason = models.TextField(_("reason for visit"), blank=True)

    source_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("source page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_page_title = models.CharField(_("source page title"), max_length=255, blank=True)
    block_id = models.CharField(_("form block ID"), max_length=64, blank=True)
    topic = models.CharField(
        _("condition or therapy"),
        max_length=255,
        blank=True,
        help_text=_("The condition or therapy page the request was sent from."),
    )

    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("language"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The language of the page the request was sent from; the patient's emails use it."),
    )

    consent_text = models.TextField(_("consent wording shown"))
    consent_given_at = models.DateTimeField(_("consent given at"))
    privacy_notice_url = models.CharField(_("privacy notice"), max_length=500, blank=True)
    privacy_notice_version = models.CharField(
        _("privacy notice version"), max_length=64, blank=True
    )

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    spam_reason = models.CharField(
        _("why it looks like spam"),
        max_length=12,
        choices=SpamReason.choices,
        blank=True,
        help_text=_(
            "Set when a spam check flagged the request. Such requests are stored but never "
            "notified, and are purged after a short retention period."
        ),
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    recipients = models.TextField(_("notification recipients"), blank=True)
    send_acknowledgement = models.BooleanField(_("acknowledge to patient"), default=False)
    notification_status = models.CharField(
        _("notification"),
        max_length=12,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    notification_attempts = models.PositiveSmallIntegerField(_("notification attempts"), default=0)
    notification_error = models.CharField(_("notification error"), max_length=255, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    # When each email went out, so a retry after a partial failure sends only what is missing.
    staff_notified_at = models.DateTimeField(_("staff notified at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledgement sent at"), null=True, blank=True)

    # A hash of the form token and the submitted answers (or the client's Idempotency-Key):
    # a double-clicked or replayed submission finds the row it already created.
    submission_key = models.CharField(
        _("submission key"), max_length=64, unique=True, editable=False
    )

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="wc_appt_status_created"),
            # The inbox's default order (newest first), walked with its LIMIT.
            models.Index(fields=["-created_at", "-id"], name="wc_appt_created_id"),
            models.Index(fields=["notification_status"], name="wc_appt_notification"),
            models.Index(fields=["topic"], name="wc_appt_topic"),
            models.Index(fields=["email"], name="wc_appt_email"),
        ]
        permissions = [("export_appointmentrequest", _("Can export appointment requests"))]

    def __str__(self):
        # No personal data here: Wagtail's audit log stores this string as the entry's label.
        return _("Appointment request %(reference)s") % {"reference": self.reference}

    def get_recipient_list(self):
        return [address for address in self.recipients.split(",") if address]


@register_setting(icon="mail")
class AppointmentSettings(BaseSiteSetting):
    notification_recipients = models.CharField(
        _("notification recipients"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Email addresses, separated by commas, told about new appointment requests when a "
            "form does not name its own."
        ),
    )
    privacy_notice = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from the consent statement of forms that do not choose their own."),
    )

    panels = [FieldPanel("notification_recipients"), PageChooserPanel("privacy_notice")]

    def clean(self):
        super().clean()
        try:
            parse_email_list(self.notification_recipients)
        except ValidationError as error:
            raise ValidationError({"notification_recipients": error}) from None

    class Meta:
        verbose_name = _("appointment requests")
        verbose_name_plural = _("appointment requests")
