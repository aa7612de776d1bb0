from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext_lazy

from wagtail_conditions.conf import conf
from wagtail_conditions.feedback import purge
from wagtail_conditions.management.arguments import WholeNumberRange

DAYS = WholeNumberRange(
    1,
    36500,
    gettext_lazy("expected a whole number of days from %(min)s to %(max)s, got %(value)s."),
)

WORDING = (
    gettext_lazy(
        "No page feedback older than %(days)s days (sent before %(before)s): nothing to delete."
    ),
    ngettext_lazy(
        "Dry run: %(count)s feedback answer older than %(days)s days would be deleted (sent "
        "%(oldest)s to %(newest)s). Run again with --execute to delete it.",
        "Dry run: %(count)s feedback answers older than %(days)s days would be deleted (sent "
        "%(oldest)s to %(newest)s). Run again with --execute to delete them.",
        "count",
    ),
    ngettext_lazy(
        "Deleted %(count)s feedback answer older than %(days)s days (sent %(oldest)s to "
        "%(newest)s).",
        "Deleted %(count)s feedback answers older than %(days)s days (sent %(oldest)s to "
        "%(newest)s).",
        "count",
    ),
)
SPAM_WORDING = (
    gettext_lazy(
        "No feedback held as spam older than %(days)s days (sent before %(before)s): nothing "
        "to delete."
    ),
    ngettext_lazy(
        "Dry run: %(count)s feedback answer held as spam older than %(days)s days would be "
        "deleted (sent %(oldest)s to %(newest)s). Run again with --execute to delete it.",
        "Dry run: %(count)s feedback answers held as spam older than %(days)s days would be "
        "deleted (sent %(oldest)s to %(newest)s). Run again with --execute to delete them.",
        "count",
    ),
    ngettext_lazy(
        "Deleted %(count)s feedback answer held as spam older than %(days)s days (sent "
        "%(oldest)s to %(newest)s).",
        "Deleted %(count)s feedback answers held as spam older than %(days)s days (sent "
        "%(oldest)s to %(newest)s).",
        "count",
    ),
)


def _day(value):
    return timezone.localtime(value).date().isoformat() if value else ""


class Command(BaseCommand):
    help = (
        "Delete \"Was this page helpful?\" answers older than WAGTAIL_CONDITIONS"
        "['FEEDBACK_RETENTION_DAYS'] (or --older-than DAYS), and answers held as spam older "
        "than WAGTAIL_CONDITIONS['FEEDBACK_SPAM_RETENTION_DAYS'] (or --spam-older-than DAYS). "
        "A dry run by default: it only reports what would go. Add --execute to delete. Safe "
        "to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=DAYS.argument,
            metavar="DAYS",
            help=f"Delete answers sent more than DAYS days ago, {DAYS.minimum} to {DAYS.maximum}.",
        )
        parser.add_argument(
            "--spam-older-than",
            type=DAYS.argument,
            metavar="DAYS",
            help="Delete answers held as spam sent more than DAYS days ago.",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--execute", action="store_true", help="Really delete them.")
        mode.add_argument("--dry-run", action="store_true", help="Only report (the default).")

    def handle(self, *args, older_than=None, spam_older_than=None, execute=False, **options):
        days = DAYS.option(
            older_than if older_than is not None else conf.FEEDBACK_RETENTION_DAYS,
            "--older-than" if older_than is not None else "FEEDBACK_RETENTION_DAYS",
        )
        spam_days = DAYS.option(
            spam_older_than if spam_older_than is not None else conf.FEEDBACK_SPAM_RETENTION_DAYS,
            "--spam-older-than" if spam_older_than is not None else "FEEDBACK_SPAM_RETENTION_DAYS",
        )
        for spam, period, wording in ((True, spam_days, SPAM_WORDING), (False, days, WORDING)):
            before = purge.cutoff(period)
            queryset = purge.due(before, spam=spam)
            found = purge.describe(queryset)
            params = {
                "count": found["count"],
                "days": period,
                "before": _day(before),
                "oldest": _day(found["oldest"]),
                "newest": _day(found["newest"]),
            }
            nothing, would_delete, deleted = wording
            if not params["count"]:
                self.stdout.write(nothing % params)
            elif not execute:
                self.stdout.write(would_delete % params)
            else:
                params["count"] = purge.delete(queryset)
                self.stdout.write(self.style.SUCCESS(deleted % params))
