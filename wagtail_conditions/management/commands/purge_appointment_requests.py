from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext_lazy

from wagtail_conditions.conf import conf
from wagtail_conditions.inbox import actions
from wagtail_conditions.management.arguments import WholeNumberRange
from wagtail_conditions.models import AppointmentRequest

# A hundred years: far beyond any retention policy, and well within what dates can hold.
DAYS = WholeNumberRange(
    1,
    36500,
    gettext_lazy("expected a whole number of days from %(min)s to %(max)s, got %(value)s."),
)

SPAM = AppointmentRequest.Status.SPAM


def _day(value):
    return timezone.localtime(value).date().isoformat()


def _resolve_days(value, *, option, setting):
    """The option's value if given, else the setting's, checked."""
    if value is not None:
        return DAYS.option(value, option)
    return DAYS.option(getattr(conf, setting), f"WAGTAIL_CONDITIONS['{setting}']")


# What the command says when nothing is due, in a dry run, and after deleting.
WORDING = (
    gettext_lazy(
        "No appointment requests older than %(days)s days (received before %(before)s): "
        "nothing to delete."
    ),
    ngettext_lazy(
        "Dry run: %(count)s appointment request older than %(days)s days would be deleted "
        "(received %(oldest)s to %(newest)s). Run again with --execute to delete it.",
        "Dry run: %(count)s appointment requests older than %(days)s days would be deleted "
        "(received %(oldest)s to %(newest)s). Run again with --execute to delete them.",
        "count",
    ),
    ngettext_lazy(
        "Deleted %(count)s appointment request older than %(days)s days (received %(oldest)s "
        "to %(newest)s).",
        "Deleted %(count)s appointment requests older than %(days)s days (received %(oldest)s "
        "to %(newest)s).",
        "count",
    ),
)
SPAM_WORDING = (
    gettext_lazy(
        "No requests held as spam older than %(days)s days (received before %(before)s): "
        "nothing to delete."
    ),
    ngettext_lazy(
        "Dry run: %(count)s request held as spam older than %(days)s days would be deleted "
        "(received %(oldest)s to %(newest)s). Run again with --execute to delete it.",
        "Dry run: %(count)s requests held as spam older than %(days)s days would be deleted "
        "(received %(oldest)s to %(newest)s). Run again with --execute to delete them.",
        "count",
    ),
    ngettext_lazy(
        "Deleted %(count)s request held as spam older than %(days)s days (received "
        "%(oldest)s to %(newest)s).",
        "Deleted %(count)s requests held as spam older than %(days)s days (received "
        "%(oldest)s to %(newest)s).",
        "count",
    ),
)


class Command(BaseCommand):
    help = (
        "Delete appointment requests older than the retention period (WAGTAIL_CONDITIONS"
        "['APPOINTMENT_RETENTION_DAYS'], or --older-than DAYS), and requests held as spam "
        "older than WAGTAIL_CONDITIONS['APPOINTMENT_SPAM_RETENTION_DAYS'] (or "
        "--spam-older-than DAYS). A dry run by default: it only reports what would go. Add "
        "--execute to delete. Safe to repeat; each deletion is written to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=DAYS.argument,
            metavar="DAYS",
            help=(
                f"Delete requests received more than DAYS days ago, {DAYS.minimum} to "
                f"{DAYS.maximum} (default: the retention setting)."
            ),
        )
        parser.add_argument(
            "--spam-older-than",
            type=DAYS.argument,
            metavar="DAYS",
            help=(
                "Delete requests held as spam received more than DAYS days ago, "
                f"{DAYS.minimum} to {DAYS.maximum} (default: the spam retention setting)."
            ),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--execute", action="store_true", help="Really delete them.")
        mode.add_argument("--dry-run", action="store_true", help="Only report (the default).")

    def handle(self, *args, older_than=None, spam_older_than=None, execute=False, **options):
        days = _resolve_days(
            older_than, option="--older-than", setting="APPOINTMENT_RETENTION_DAYS"
        )
        spam_days = _resolve_days(
            spam_older_than, option="--spam-older-than", setting="APPOINTMENT_SPAM_RETENTION_DAYS"
        )
        cutoff = actions.retention_cutoff(days)
        spam_cutoff = actions.retention_cutoff(spam_days)
        # Two disjoint sets, reported separately: spam past its own (usually shorter) retention,
        # then every other request past the main retention.
        spam_due = AppointmentRequest.objects.filter(status=SPAM, created_at__lt=spam_cutoff)
        due = AppointmentRequest.objects.filter(created_at__lt=cutoff).exclude(
            pk__in=spam_due.values("pk")
        )
        spam_params = self._params(spam_due, spam_days, spam_cutoff)
        params = self._params(due, days, cutoff)

        if not execute:
            self._report(spam_params, SPAM_WORDING, dry_run=True)
            self._report(params, WORDING, dry_run=True)
            return

        with transaction.atomic():
            spam_params["count"] = actions.purge(spam_cutoff, status=SPAM)
            # What is left before the main cutoff is exactly the main set.
            params["count"] = actions.purge(cutoff)
        self._report(spam_params, SPAM_WORDING, dry_run=False)
        self._report(params, WORDING, dry_run=False)

    def _params(self, queryset, days, cutoff):
        summary = queryset.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
        params = {"count": queryset.count(), "days": days, "before": _day(cutoff)}
        if params["count"]:
            params.update(oldest=_day(summary["oldest"]), newest=_day(summary["newest"]))
        return params

    def _report(self, params, wording, *, dry_run):
        nothing, would_delete, deleted = wording
        if not params["count"]:
            self.stdout.write(nothing % params)
        elif dry_run:
            self.stdout.write(would_delete % params)
        else:
            self.stdout.write(self.style.SUCCESS(deleted % params))
