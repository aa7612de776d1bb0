import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_conditions.inbox import actions
from wagtail_conditions.models import AppointmentRequest

Status = AppointmentRequest.NotificationStatus

# A hundred years in seconds: far beyond any sensible age, and well within what dates can hold.
MIN_AGE = 0
MAX_AGE = 100 * 365 * 24 * 60 * 60


def _age_error(value):
    return _("expected a whole number of seconds from %(min)s to %(max)s, got %(value)s.") % {
        "min": MIN_AGE,
        "max": MAX_AGE,
        "value": value,
    }


def check_age(value):
    """``value`` as a number of seconds in the allowed range, or a ValueError saying so."""
    if isinstance(value, str):
        try:
            seconds = int(value.strip())
        except ValueError:
            raise ValueError(_age_error(repr(value))) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        raise ValueError(_age_error(repr(value)))
    if not MIN_AGE <= seconds <= MAX_AGE:
        raise ValueError(_age_error(seconds))
    return seconds


def age_argument(value):
    """An argparse ``type``: the parser reports a bad value (CommandError via call_command)."""
    try:
        return check_age(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = (
        "Send the notifications of appointment requests whose notification is pending or "
        "failed and that are older than a minute (younger ones may still be on their way). "
        "Each is sent at most once. Exits with status 1 if any still fails. Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-age",
            type=age_argument,
            default=60,
            metavar="SECONDS",
            help=(
                "Only requests received at least this many seconds ago, "
                f"{MIN_AGE} to {MAX_AGE} (default: 60)."
            ),
        )

    def handle(self, *args, min_age, **options):
        try:
            # Again here: call_command(min_age=...) passes the value without argparse.
            min_age = check_age(min_age)
        except ValueError as error:
            raise CommandError(f"--min-age: {error}") from None
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
