"""The clinic's pages in a browser: the contact card beside the content on wide screens and
below it on phones, the care levels cards, the header and footer, with no axe-core violation
at either width. Screenshots go to ``tests/browser/artifacts/clinic/`` (git-ignored)."""

import os
from pathlib import Path

import pytest
from wagtail.models import Site

from tests.builders.api import block, care_levels_value
from wagtail_conditions.models import ClinicSettings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = (
    Path(os.environ.get("WAGTAIL_CONDITIONS_ARTIFACTS") or Path(__file__).parent / "artifacts")
    / "clinic"
)


@pytest.fixture
def clinic_condition(live_demo_condition):
    """The demo condition with a care levels block, on a site with full clinic settings."""
    ClinicSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "name": "Riverside Clinic",
            "phone": "020 7946 0000",
            "email": "hello@riverside.example",
            "street_address": "1 River Lane",
            "address_locality": "Riverton",
            "postal_code": "RV1 2AB",
            "map_url": "https://maps.example/riverside",
            "opening_hours": [
                {
                    "type": "hours",
                    "value": {
                        "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                        "opens": "08:00",
                        "closes": "18:00",
                    },
                },
                {
                    "type": "hours",
                    "value": {"days": ["Saturday"], "opens": "09:00", "closes": "12:30"},
                },
            ],
            "urgent_phone": "111",
            "urgent_url": "https://111.nhs.uk/",
            "emergency_phone": "999",
        },
    )
    page = live_demo_condition
    page.urgent_care = [*page.urgent_care.raw_data, block("care_levels", care_levels_value())]
    page.save_revision().publish()
    return page


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_wide_screens_put_the_contact_card_beside_the_content(page, clinic_condition, axe):
    page.goto(clinic_condition.url)
    article, card = box(page, ".wc-layout__content"), box(page, ".wc-contact-card")
    assert card["x"] >= article["x"] + article["width"]  # beside, not below
    assert card["y"] < article["y"] + 200  # at the top
    assert article["width"] > 700  # the content column uses the width
    cards = page.locator(".wc-care__card").all()
    assert [c.get_attribute("class").split("--")[1] for c in cards] == [
        "non_urgent",
        "urgent",
        "emergency",
    ]
    screenshot(page, "condition-1280.png")
    axe(page)


def test_phones_stack_the_contact_card_below_the_content(mobile_page, clinic_condition, axe):
    mobile_page.goto(clinic_condition.url)
    article, card = box(mobile_page, ".wc-layout__content"), box(mobile_page, ".wc-contact-card")
    assert card["y"] >= article["y"] + article["height"]
    assert card["width"] <= 390
    # Nothing wider than the screen.
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(mobile_page, "condition-390.png")
    axe(mobile_page)


def test_therapy_page_has_the_card_too(page, clinic_condition, axe):
    therapy = clinic_condition.therapy_links.first().therapy
    page.goto(therapy.url)
    assert page.locator(".wc-contact-card").count() == 1
    screenshot(page, "therapy-1280.png")
    axe(page)
