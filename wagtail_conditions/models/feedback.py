"""Patients' answers to "Was this page helpful?" on condition and therapy pages."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..appointments.choices import SpamReason
from ..compat import PAGE_MODEL


class PageFeedback(models.Model):
    """
    One answer, anonymous by design: no name, email, address or session is kept, and a comment
    that looks like personal data is refused before it is stored.

    Not a snippet, setting or page: saving one never starts a new content version, so
    patients answering does not throw away the pages kept by the render cache.
    """

    page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("language"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The language of the page the answer was sent from."),
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    is_spam = models.BooleanField(_("held as spam"), default=False)
    spam_reason = models.CharField(
        _("spam reason"), max_length=20, choices=SpamReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["page", "created_at"], name="wc_feedback_page_created"),
        ]

    def __str__(self):
        # Never the comment: it is what a patient wrote (log entries keep this label).
        return str(_("Feedback %(pk)s")) % {"pk": self.pk}
