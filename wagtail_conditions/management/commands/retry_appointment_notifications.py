import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from wagtail_conditions.inbox import actions
from wagtail_conditions.management.arguments import WholeNumberRange
from wagtail_conditions.models import AppointmentRequest

Status = AppointmentRequest.NotificationStatus

# A hundred years in seconds: far beyond any sensible age, and well within what dates can hold.
AGE = WholeNumberRange(
    0,
    100 * 365 * 24 * 60 * 60,
    gettext_lazy("expected a whole number of seconds from %(min)s to %(max)s, got %(value)s."),
)


class Command(BaseCommand):
    help = (
        "Send the notifications of appointment requests whose notification is pending or "
        "failed and that are older than a minute (younger ones may still be on their way). "
        "Each is sent at most once. Exits with status 1 if any still fails. Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=AGE.argument,
            default=60,
            metavar="SECONDS",
            help=(
                "Only requests received at least this many seconds ago, "
                f"{AGE.minimum} to {AGE.maximum} (default: 60)."
            ),
        )

    def handle(self, *args, min_age, **options):
        min_age = AGE.option(min_age, "--min-age")
        cutoff = timezone.now() - datetime.timedelta(seconds=min_age)
        due = (
            AppointmentRequest.objects.needing_notification()
            .filter(created_at__lt=cutoff)
            .order_by("pk")
            .only("pk")
        )
        counts = {Status.SENT: 0, Status.FAILED: 0, Status.NOT_REQUIRED: 0, "skipped": 0}
        for appointment in due:
            result = actions.retry_notification(appointment)
            counts[result if result in counts else "skipped"] += 1
        total = sum(counts.values())
        self.stdout.write(
            ngettext(
                "Retried %(total)s notification: %(sent)s sent, %(failed)s failed, "
                "%(not_required)s without recipients, %(skipped)s already handled.",
                "Retried %(total)s notifications: %(sent)s sent, %(failed)s failed, "
                "%(not_required)s without recipients, %(skipped)s already handled.",
                total,
            )
            % {
                "total": total,
                "sent": counts[Status.SENT],
                "failed": counts[Status.FAILED],
                "not_required": counts[Status.NOT_REQUIRED],
                "skipped": counts["skipped"],
            }
        )
        if counts[Status.FAILED]:
            raise CommandError(
                ngettext(
                    "%(count)s notification still fails; it will be retried next time.",
                    "%(count)s notifications still fail; they will be retried next time.",
                    counts[Status.FAILED],
                )
                % {"count": counts[Status.FAILED]},
                returncode=1,
            )
