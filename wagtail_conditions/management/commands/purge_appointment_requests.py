from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_conditions.conf import conf
from wagtail_conditions.inbox import actions
from wagtail_conditions.models import AppointmentRequest


def _day(value):
    return timezone.localtime(value).date().isoformat()


class Command(BaseCommand):
    help = (
        "Delete appointment requests older than the retention period (WAGTAIL_CONDITIONS"
        "['APPOINTMENT_RETENTION_DAYS'], or --older-than DAYS). A dry run by default: it only "
        "reports what would go. Add --execute to delete. Safe to repeat; each deletion is "
        "written to the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help="Delete requests received more than DAYS days ago (default: the retention setting).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--execute", action="store_true", help="Really delete them.")
        mode.add_argument("--dry-run", action="store_true", help="Only report (the default).")

    def handle(self, *args, older_than=None, execute=False, **options):
        days = older_than if older_than is not None else conf.APPOINTMENT_RETENTION_DAYS
        if not isinstance(days, int) or days < 1:
            raise CommandError(
                _("The retention period must be a whole number of days, at least 1 (got %(days)r).")
                % {"days": days}
            )
        cutoff = actions.retention_cutoff(days)
        due = AppointmentRequest.objects.filter(created_at__lt=cutoff)
        summary = due.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
        count = due.count()
        params = {"count": count, "days": days, "before": _day(cutoff)}
        if not count:
            self.stdout.write(
                _(
                    "No appointment requests older than %(days)s days (received before "
                    "%(before)s): nothing to delete."
                )
                % params
            )
            return
        params.update(oldest=_day(summary["oldest"]), newest=_day(summary["newest"]))
        if not execute:
            self.stdout.write(
                _(
                    "Dry run: %(count)s appointment requests older than %(days)s days would be "
                    "deleted (received %(oldest)s to %(newest)s). Run again with --execute to "
                    "delete them."
                )
                % params
            )
            return
        deleted = actions.purge(cutoff)
        params["count"] = deleted
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Deleted %(count)s appointment requests older than %(days)s days (received "
                    "%(oldest)s to %(newest)s)."
                )
                % params
            )
        )
