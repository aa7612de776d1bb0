import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_conditions.inbox import actions
from wagtail_conditions.models import AppointmentRequest

Status = AppointmentRequest.NotificationStatus


class Command(BaseCommand):
    help = (
        "Send the notifications of appointment requests whose notification is pending or "
        "failed and that are older than a minute (younger ones may still be on their way). "
        "Each is sent at most once. Exits with status 1 if any still fails. Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            help="Only requests received at least this many seconds ago (default: 60).",
        )

    def handle(self, *args, min_age, **options):
        if min_age < 0:
            raise CommandError(_("--min-age cannot be negative."))
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
            _(
                "Retried %(total)s notifications: %(sent)s sent, %(failed)s failed, "
                "%(not_required)s without recipients, %(skipped)s already handled."
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
                _("%(count)s notifications still fail; they will be retried next time.")
                % {"count": counts[Status.FAILED]},
                returncode=1,
            )
