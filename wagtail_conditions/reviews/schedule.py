"""
When a page's clinical review falls due: the default next review date, the rule that the two
dates keep their order, and a page's review status on a given day.

``MedicalReviewMixin`` (``models/pages.py``) calls ``apply_review_schedule`` from its
``clean()`` and ``save()`` and ``clean_review_fields`` from its ``clean_fields()``, so the default applies however a page is saved (the admin, a draft,
a script), and the report, the dashboard panel and the API agree on what "due soon" means. No
models here: the module sits under the models.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..conf import conf


class ReviewStatus(TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    SCHEDULED = "scheduled", _("Scheduled")
    UNSCHEDULED = "unscheduled", _("No review date")


def today():
    """The site's current date (in its time zone when ``USE_TZ`` is on)."""
    return timezone.localdate() if settings.USE_TZ else datetime.date.today()


def due_soon_until(day=None):
    """The last date that is still "due soon" on ``day`` (default: today)."""
    return (day or today()) + datetime.timedelta(days=conf.REVIEW_DUE_SOON_DAYS)


def review_status(next_review_due, day=None):
    """The ``ReviewStatus`` of a page whose next review is due on ``next_review_due`` (a date
    or None), on ``day`` (default: today). Due today is due soon; the day after, overdue."""
    if next_review_due is None:
        return ReviewStatus.UNSCHEDULED
    day = day or today()
    if next_review_due < day:
        return ReviewStatus.OVERDUE
    if next_review_due <= due_soon_until(day):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.SCHEDULED


def default_next_review_due(last_reviewed):
    """``last_reviewed`` plus ``REVIEW_INTERVAL_DAYS``; None without a last review or when the
    setting is None (or 0)."""
    days = conf.REVIEW_INTERVAL_DAYS
    if last_reviewed is None or not days:
        return None
    return last_reviewed + datetime.timedelta(days=days)


def apply_review_schedule(page):
    """Give ``page`` its default next review date when it has a last review and no next one."""
    if page.next_review_due is None:
        page.next_review_due = default_next_review_due(page.last_reviewed)


def validate_review_dates(page):
    """A ``ValidationError`` on ``next_review_due`` when it comes before ``last_reviewed``."""
    last, due = page.last_reviewed, page.next_review_due
    if last and due and due < last:
        raise ValidationError(
            {
                "next_review_due": ValidationError(
                    _("The next review cannot be due before the last review."),
                    code="before_last_review",
                )
            }
        )


def clean_review_fields(page, clean_fields, exclude=None):
    """Django's ``clean_fields(exclude)`` for ``page`` (passed as ``clean_fields``), then the
    order of the review dates, with every error raised together. The order is left alone when
    a form leaves ``next_review_due`` out (Django could not show the error on it) or when a
    date is already invalid."""
    errors = {}
    try:
        clean_fields(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    dates = {"last_reviewed", "next_review_due"}
    if "next_review_due" not in (exclude or ()) and not dates & set(errors):
        try:
            validate_review_dates(page)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _next_review_help_text():
    days = conf.REVIEW_INTERVAL_DAYS
    if not days:
        return str(_("When this page should next be checked. It cannot be before the last review."))
    return ngettext(
        "When this page should next be checked. Leave it empty to set it %(days)s day after "
        "the last review. It cannot be before the last review.",
        "When this page should next be checked. Leave it empty to set it %(days)s days after "
        "the last review. It cannot be before the last review.",
        days,
    ) % {"days": days}


# The panel's help text, read when the edit form is shown, so it names the interval the site
# configured (and follows override_settings).
next_review_help_text = lazy(_next_review_help_text, str)()
