"""Prepare the example site: a home page in English and Spanish, the package's demo content
with its Spanish translation, the clinic's details and a demo superuser."""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from home import demo
from home.models import HomePage

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "changeme"  # documented in the README; for the local demo only


class Command(BaseCommand):
    help = (
        "Set up the example site with demo content in English and Spanish and a demo superuser "
        "(admin / changeme). Safe to run again: what exists is kept as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="Where the demo is served (default: %(default)s). The site's hostname and "
            "port are set from it, so canonical links and full URLs point there.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        address = urlsplit(options["address"])
        try:
            port = address.port or (443 if address.scheme == "https" else 80)
        except ValueError as error:
            raise CommandError(f"--address {options['address']!r}: {error}") from None
        if address.scheme not in ("http", "https") or not address.hostname:
            raise CommandError(f"--address must be an http(s) URL, not {options['address']!r}")
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port = address.hostname, port
        site.save()
        demo.default_locale()
        home = demo.home_page()
        if home is None:
            root = Page.get_first_root_node()
            home = HomePage(slug="home-clinic", **demo.HOME["en"])
            root.add_child(instance=home)
            home.save_revision().publish()
            old_root = site.root_page
            site.root_page = home
            site.save()
            if old_root.depth == 2 and not old_root.get_children().exists():
                old_root.delete()
            self.stdout.write("Created the home page.")
        # The Spanish home first: the Spanish indexes are made under it.
        demo.translate_home(home, "es", self.stdout)
        call_command("load_conditions_demo", parent=home.pk, translate=["es"], stdout=self.stdout)
        demo.load_clinic(site, self.stdout)

        User = get_user_model()
        if not User.objects.filter(username=DEMO_USERNAME).exists():
            User.objects.create_superuser(DEMO_USERNAME, "admin@example.com", DEMO_PASSWORD)
            self.stdout.write(f"Created the demo superuser {DEMO_USERNAME} / {DEMO_PASSWORD}.")
