from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from wagtail.models import Page

from wagtail_conditions.demo import TRANSLATIONS, load_demo


class Command(BaseCommand):
    help = (
        "Create and publish the demo condition and therapy pages (Muscle spasms and its six "
        "therapies). Safe to run again: existing pages are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parent",
            type=int,
            help="ID of the page to add the two index pages under (default: the site root page).",
        )
        parser.add_argument(
            "--translate",
            action="append",
            default=[],
            choices=sorted(TRANSLATIONS),
            metavar="LANGUAGE",
            help="Also translate the demo pages into this language (%(choices)s); repeatable. "
            "Wagtail's localisation must list it in WAGTAIL_CONTENT_LANGUAGES.",
        )

    def handle(self, *args, parent=None, translate=(), **options):
        parent_page = None
        if parent is not None:
            parent_page = Page.objects.filter(pk=parent).first()
            if parent_page is None:
                raise CommandError(_("There is no page with ID %(id)s.") % {"id": parent})
        try:
            load_demo(parent_page, stdout=self.stdout, languages=translate)
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(_("Demo content is ready.")))
