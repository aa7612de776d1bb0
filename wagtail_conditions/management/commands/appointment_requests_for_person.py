import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail_conditions.inbox import actions, audit, exports
from wagtail_conditions.models import AppointmentRequest


def _day(value):
    return timezone.localtime(value).date().isoformat()


class Command(BaseCommand):
    help = (
        "Find one person's appointment requests by email address (case-insensitive), for a "
        "subject access or erasure request. --export FILE.csv writes every field of their "
        "requests (and only theirs) to a new file; --erase deletes them all (asks first "
        "unless --yes). Both are written to the audit log, without the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument(
            "--export",
            metavar="FILE",
            help="Write their requests to this new CSV file (“-” for standard output).",
        )
        parser.add_argument("--erase", action="store_true", help="Delete all their requests.")
        parser.add_argument(
            "--yes", action="store_true", help="Erase without asking for confirmation."
        )

    def handle(self, *args, email, export=None, erase=False, yes=False, **options):
        email = email.strip()
        if "@" not in email:
            raise CommandError(_("Give the person's email address."))
        requests = AppointmentRequest.objects.for_email(email).order_by("created_at", "pk")
        count = requests.count()
        if not count:
            self.stderr.write(_("No appointment requests for that email address."))
            return
        dates = requests.aggregate(first=Min("created_at"), last=Max("created_at"))
        # Requests are named by their reference, the number staff and the patient know.
        references = list(requests.values_list("reference", flat=True))
        self.stderr.write(
            ngettext(
                "Found %(count)s appointment request for that email address, received "
                "%(first)s to %(last)s: %(references)s.",
                "Found %(count)s appointment requests for that email address, received "
                "%(first)s to %(last)s: %(references)s.",
                count,
            )
            % {
                "count": count,
                "first": _day(dates["first"]),
                "last": _day(dates["last"]),
                "references": ", ".join(references),
            }
        )
        if export:
            written = self._export(requests, export)
            audit.log_many(audit.PERSON_EXPORT, count=written, format="csv")
            if export != "-":
                self.stderr.write(
                    ngettext(
                        "Wrote %(count)s request to %(file)s.",
                        "Wrote %(count)s requests to %(file)s.",
                        written,
                    )
                    % {"count": written, "file": export}
                )
        if erase:
            if not yes and not self._confirm(count):
                raise CommandError(_("Nothing deleted."))
            deleted = actions.erase_person(email)
            remaining = set(
                AppointmentRequest.objects.filter(reference__in=references).values_list(
                    "reference", flat=True
                )
            )
            gone = [reference for reference in references if reference not in remaining]
            self.stderr.write(
                self.style.SUCCESS(
                    ngettext(
                        "Deleted %(count)s appointment request: %(references)s.",
                        "Deleted %(count)s appointment requests: %(references)s.",
                        deleted,
                    )
                    % {"count": deleted, "references": ", ".join(gone)}
                )
            )
            if deleted > len(gone):
                # Requests that arrived after the list above was printed went too.
                self.stderr.write(
                    ngettext(
                        "%(count)s of them arrived while the command ran.",
                        "%(count)s of them arrived while the command ran.",
                        deleted - len(gone),
                    )
                    % {"count": deleted - len(gone)}
                )

    def _export(self, requests, path):
        if path == "-":
            return exports.write_csv(requests, self.stdout, exports.FULL_COLUMNS)
        try:
            # A new file readable by its owner only: it holds health data. Never overwrite.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(_("%(file)s already exists.") % {"file": path}) from None
        except OSError as error:
            raise CommandError(str(error)) from None
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as file:
            return exports.write_csv(requests, file, exports.FULL_COLUMNS)

    def _confirm(self, count):
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(_("Add --yes to erase without a prompt."))
        answer = input(
            ngettext(
                "Delete the %(count)s appointment request of this person? This cannot be undone. "
                "Type “yes” to continue: ",
                "Delete all %(count)s appointment requests of this person? This cannot be undone. "
                "Type “yes” to continue: ",
                count,
            )
            % {"count": count}
        )
        return answer.strip().lower() == "yes"
