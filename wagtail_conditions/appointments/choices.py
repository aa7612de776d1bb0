"""
The fixed vocabularies of appointment requests. They sit at the bottom of the package's
layers, so forms, tokens and spam checks can use them without importing the models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The questions a form block may ask besides name, email and consent, in display order.
OPTIONAL_FIELDS = ["phone", "preferred_date", "preferred_time", "patient_status", "reason"]
# A field that people never see and bots fill in.
HONEYPOT_FIELD = "website"


class Status(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    BOOKED = "booked", _("Booked")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")
    SPAM = "spam", _("Spam")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
    ANY = "any", _("Any time")


class PatientStatus(models.TextChoices):
    NEW = "new", _("New patient")
    RETURNING = "returning", _("Returning patient")


class SpamReason(models.TextChoices):
    HONEYPOT = "honeypot", _("Hidden field filled in")
    TOO_FAST = "too_fast", _("Sent too quickly after the page loaded")
    SITE_CHECK = "site_check", _("Flagged by the site's spam check")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NOT_REQUIRED = "not_required", _("No recipients")
