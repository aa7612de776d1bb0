"""The audit log of appointment requests, readable only by people who may read requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager


class AppointmentRequestLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        # Wagtail's own ModelLogEntry shows a model's entries (Reports › Site history and its
        # exports) to anyone holding *any* permission on it. These name requests, so only
        # people who may read the requests themselves see them.
        if user.is_active and user.has_perm("wagtail_conditions.view_appointmentrequest"):
            return self.all()
        return self.none()


class AppointmentRequestLogEntry(BaseLogEntry):
    """Audit log entries for appointment requests (registered in ``inbox.audit``)."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = AppointmentRequestLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("appointment request log entry")
        verbose_name_plural = _("appointment request log entries")

    def __str__(self):
        return f"AppointmentRequestLogEntry {self.pk}: {self.action} on request {self.object_id}"
