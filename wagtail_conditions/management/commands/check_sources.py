from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_conditions.models import SourceLinkCheck
from wagtail_conditions.sources.links import check_all
from wagtail_conditions.sources.tasks import check_source_links


class Command(BaseCommand):
    help = (
        "Check every web address the live condition and therapy pages cite as sources (HEAD, "
        "then GET; redirects checked, never to private addresses) and record whether each "
        "works, has moved, is broken or cannot be reached: the review report shows the result. "
        "Run it from cron (e.g. weekly), or with --enqueue to queue it on the task backend."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the check as a django-tasks task instead of running it now.",
        )
        parser.add_argument(
            "--url",
            action="append",
            default=None,
            help="Check only this address (repeatable); rows of other addresses are kept.",
        )

    def handle(self, *args, enqueue=False, url=None, **options):
        if enqueue:
            check_source_links.enqueue()
            self.stdout.write(_("Queued the source link check."))
            return
        counts = check_all(url)
        labels = dict(SourceLinkCheck.Status.choices)
        total = sum(counts.values())
        summary = ", ".join(
            f"{labels[status]}: {counts[status]}" for status in labels if counts.get(status)
        )
        self.stdout.write(
            _("Checked %(total)s source addresses.") % {"total": total}
            + (f" {summary}." if summary else "")
        )
