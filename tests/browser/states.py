"""
Every public template and state, for the accessibility (axe-core) and HTML validity (Nu HTML
Checker) tests: the content they need, built once, and the list of states.

The content is what a clinic publishes: the demo in English and Spanish with localisation on
(so the pages carry their hreflang links and language switcher), its review dates, the
clinic's settings filled in (header, footer, contact card, care levels), and a condition whose
sections use every content block type (``make_every_block_condition``; the demo's condition has
the appointment form). A block added to ``SectionStreamBlock`` without being added to one of
them fails here by name, so that no block goes unchecked.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.cache import cache
from wagtail.fields import StreamField
from wagtail.models import Site

from tests.builders.api import make_every_block_condition
from tests.builders.i18n import multilingual_site
from wagtail_conditions import demo
from wagtail_conditions.blocks import SectionStreamBlock
from wagtail_conditions.models import (
    ClinicSettings,
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

# Settings of the live site while the states are visited: forms may be sent at once.
SETTINGS = {"APPOINTMENT_MIN_FILL_SECONDS": 0}
# ...and while the second page of the condition index is: one condition a page.
PAGINATED = {**SETTINGS, "CONDITIONS_PER_PAGE": 1}


@dataclass
class State:
    name: str
    url: str
    settings: dict = field(default_factory=lambda: SETTINGS)
    contains: str = ""  # text the page must show, so that a broken page cannot pass


def _reload_middleware(live_server):
    # The live server's handler loaded MIDDLEWARE when it started; reload it so that the
    # LocaleMiddleware of multilingual_site() (or its removal) takes effect there too.
    # (Django wraps its WSGIHandler in the static and media files handlers: reload each.)
    handler = live_server.thread.httpd.get_app()
    while handler is not None:
        handler.load_middleware()
        handler = getattr(handler, "application", None)


@contextmanager
def live_multilingual_site(live_server):
    """``multilingual_site()`` on the live server too."""
    with multilingual_site():
        _reload_middleware(live_server)
        try:
            yield
        finally:
            _reload_middleware(live_server)


def fill_clinic_settings(site):
    clinic = ClinicSettings.for_site(site)
    clinic.name = "Riverside Integrative Clinic"
    clinic.phone = "+44 20 7946 0000"
    clinic.email = "hello@clinic.example"
    clinic.street_address = "12 River Street"
    clinic.address_locality = "London"
    clinic.postal_code = "SE1 9AA"
    clinic.address_country = "GB"
    clinic.map_url = "https://www.openstreetmap.org/?mlat=51.5&mlon=-0.1"
    clinic.opening_hours = [
        (
            "hours",
            {
                "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                "opens": datetime.time(8),
                "closes": datetime.time(18),
            },
        ),
        ("hours", {"days": ["Saturday"], "opens": datetime.time(9), "closes": datetime.time(13)}),
    ]
    clinic.accepting_new_patients = True
    clinic.urgent_phone = "111"
    clinic.urgent_url = "https://111.nhs.uk/"
    clinic.emergency_phone = "999"
    clinic.save()


def block_types(page):
    """The block types used anywhere in the page's StreamFields (nested ones included)."""
    found = set()

    def walk(value):
        for child in value:
            found.add(child.block_type)

    for model_field in page._meta.get_fields():
        if isinstance(model_field, StreamField):
            walk(getattr(page, model_field.name))
    return found


def build_content():
    """Build the content (in the test's database, committed) and return the states. Call it
    inside ``multilingual_site()``."""
    cache.clear()
    site = Site.objects.get(is_default_site=True)
    condition = demo.load_demo(parent=site.root_page, languages=("es",))
    demo.review_demo()
    fill_clinic_settings(site)
    index = ConditionIndexPage.objects.get(locale=condition.locale)
    therapies = TherapyIndexPage.objects.get(locale=condition.locale)
    every_block = make_every_block_condition(
        SimpleNamespace(conditions=index, therapies=therapies)
    ).condition
    missing = (
        set(SectionStreamBlock.base_blocks) - block_types(every_block) - block_types(condition)
    )
    assert not missing, (
        f"Blocks no state shows: {sorted(missing)}. Add them to "
        "tests.builders.api.make_every_block_condition so that they are checked."
    )
    espasmos = ConditionPage.objects.get(locale__language_code="es", slug="espasmos-musculares")
    therapy = TherapyPage.objects.get(locale=condition.locale, slug="ultrasound-therapy")
    terapia = therapy.get_translation(espasmos.locale)
    area = condition.body_areas.first()
    return SimpleNamespace(
        condition=condition,
        get_states=[
            State("condition", condition.url, contains=condition.title),
            State("condition-every-block", every_block.url, contains="Does it hurt?"),
            State("condition-es", espasmos.url, contains=espasmos.title),
            State("condition-index", index.url, contains=condition.title),
            State("condition-index-area", f"{index.url}?area={area.slug}"),
            State("condition-index-letter", f"{index.url}?letter=M", contains=condition.title),
            State("condition-index-search", f"{index.url}?q=spasm", contains=condition.title),
            State("condition-index-no-results", f"{index.url}?q=zzzzz"),
            State("condition-index-page-2", f"{index.url}?page=2", settings=PAGINATED),
            State("condition-index-es", espasmos.get_parent().url, contains=espasmos.title),
            State("therapy-index", therapies.url, contains=therapy.title),
            State("therapy", therapy.url, contains=therapy.title),
            State("therapy-es", terapia.url, contains=terapia.title),
        ],
    )


__all__ = ["State", "build_content", "live_multilingual_site", "multilingual_site", "SETTINGS"]
