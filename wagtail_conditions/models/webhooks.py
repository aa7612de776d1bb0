"""
Webhook endpoints (a snippet: a clinic may hand requests to more than one receiver, each with
its own events and payload, and Wagtail gives a snippet its list, forms, permissions and
history) and the log of every delivery to them.

An endpoint's secret signs deliveries (Standard Webhooks). It is never a form field, never
listed, exported or logged, and never part of ``str`` or ``repr``: it is shown once, when it
is made (on creation and on rotation).
"""

import base64
import datetime
import ipaddress
import secrets
import uuid
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import conf

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24


def new_secret():
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_webhook_id():
    """The ``webhook-id`` of one event: random, so it says nothing about the request."""
    return f"msg_{uuid.uuid4().hex}"


class Event(models.TextChoices):
    CREATED = "appointment_request.created", _("A new appointment request")
    STATUS_CHANGED = "appointment_request.status_changed", _("A request's status changed")
    ERASED = "appointment_request.erased", _("A person's requests erased")


class PayloadFormat(models.TextChoices):
    THIN = "thin", _("Thin: the reference and a link to fetch the details")
    JSON = "json", _("Full, as JSON (the per-person export's fields)")
    FHIR = "fhir_r4b", _("Full, as a FHIR R4B Bundle (Patient and Appointment)")


class EventsField(models.JSONField):
    """A list of ``Event`` values, edited as check boxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Event.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


def default_events():
    return [Event.CREATED, Event.ERASED]


class WebhookEndpoint(models.Model):
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What staff call this receiver, e.g. “n8n”.")
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Where deliveries are posted. It must use HTTPS and a public address."),
    )
    enabled = models.BooleanField(
        _("enabled"),
        default=True,
        help_text=_(
            "Only enabled endpoints receive deliveries. A receiver answering 410 turns this off."
        ),
    )
    events = EventsField(_("events"), default=default_events)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only the requests sent from this site's pages. Empty: every site's."),
    )
    payload_format = models.CharField(
        _("payload"),
        max_length=10,
        choices=PayloadFormat.choices,
        default=PayloadFormat.THIN,
        help_text=_(
            "Thin payloads carry no personal data: the receiver fetches the details with a "
            "signed link that expires. Full payloads carry the patient's answers."
        ),
    )
    secret = models.CharField(_("secret"), max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(
        _("previous secret"), max_length=100, blank=True, editable=False
    )
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret signs until"), null=True, blank=True, editable=False
    )
    disabled_reason = models.CharField(
        _("why it was disabled"), max_length=255, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<WebhookEndpoint {self.pk}: {self.name}>"

    def save(self, *args, **kwargs):
        if self.enabled:
            self.disabled_reason = ""  # staff turned it back on
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        parts = urlsplit(self.url or "")
        plain_allowed = settings.DEBUG or conf.WEBHOOK_ALLOW_LOOPBACK
        if parts.scheme != "https" and not plain_allowed:
            raise ValidationError({"url": _("Use an https:// address.")})
        if parts.username or parts.password:
            raise ValidationError({"url": _("Leave the user name and password out of the URL.")})
        try:
            ip = ipaddress.ip_address(parts.hostname or "")
        except ValueError:
            return  # a host name: its addresses are checked at each delivery
        if not ip.is_global and not (ip.is_loopback and plain_allowed):
            raise ValidationError(
                {
                    "url": _(
                        "This address is not on the public internet; deliveries to it are refused."
                    )
                }
            )

    def signing_secrets(self, now=None):
        """The secrets a delivery is signed with now: the current one, and the previous one
        until its overlap ends (receivers still holding it keep verifying)."""
        now = now or timezone.now()
        keys = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and (self.previous_secret_expires_at > now)
        ):
            keys.append(self.previous_secret)
        return keys

    def rotate_secret(self, overlap_seconds):
        """A new secret; the current one keeps signing for ``overlap_seconds``. Returns it."""
        self.previous_secret = self.secret
        self.previous_secret_expires_at = timezone.now() + datetime.timedelta(
            seconds=overlap_seconds
        )
        self.secret = new_secret()
        self.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
        return self.secret

    def wants(self, event):
        return self.enabled and event in (self.events or [])

    def serves(self, site_id):
        """Whether requests from the site ``site_id`` (None: not known) go to this endpoint."""
        return self.site_id is None or self.site_id == site_id


class WebhookDelivery(models.Model):
    """
    One event for one endpoint, and how its delivery went. No body is stored: the payload is
    built from the request at each attempt. ``reference`` is kept only for an erasure event
    (whose request is gone) until it is delivered or given up.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Failed, will retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, gave up")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    appointment = models.ForeignKey(
        "wagtail_conditions.AppointmentRequest",
        verbose_name=_("appointment request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_deliveries",
    )
    reference = models.CharField(_("reference"), max_length=32, blank=True, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # For a status change: the status the request was given (a retry reports the same change).
    request_status = models.CharField(
        _("status reported"), max_length=20, blank=True, editable=False
    )
    webhook_id = models.CharField(
        _("webhook ID"), max_length=40, unique=True, default=new_webhook_id, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("last latency (ms)"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=255, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt"), null=True, blank=True, default=timezone.now
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("event time"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="wc_webhook_due")]

    def __str__(self):
        return f"Webhook delivery {self.webhook_id}"
