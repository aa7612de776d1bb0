"""The clinic on the public pages: the header, footer and contact card from the site's clinic
settings (read once per request), the care levels block, the privacy notice check (W007) and
the condition page's layout (linked therapies under their own heading, before a form placed in
"How we treat it"; "On this page" lists it all)."""

import re
from datetime import time

import jsonschema
import pytest
import wagtail_factories
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Site

from tests.builders.api import block, care_levels_value
from tests.builders.appointments import form_block
from tests.builders.pages import OURS, link_therapies
from wagtail_conditions import checks, contact
from wagtail_conditions.api.schemas import block_schema
from wagtail_conditions.blocks import CareLevelsBlock
from wagtail_conditions.models import AppointmentSettings, ClinicSettings, Practitioner

pytestmark = pytest.mark.django_db

HOURS = [
    {"type": "hours", "value": {"days": ["Saturday"], "opens": "09:00", "closes": "12:30"}},
    {
        "type": "hours",
        "value": {
            "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            "opens": "08:00",
            "closes": "18:00",
        },
    },
]


@pytest.fixture
def clinic(site_tree):
    return ClinicSettings.objects.create(
        site=site_tree.site,
        name="Riverside Clinic",
        phone="020 7946 0000",
        email="hello@riverside.example",
        street_address="1 River Lane\nUnit 4",
        address_locality="Riverton",
        postal_code="RV1 2AB",
        address_country="GB",
        map_url="https://maps.example/riverside",
        opening_hours=HOURS,
        urgent_phone="111",
        urgent_url="https://111.nhs.uk/",
        emergency_phone="999",
    )


def html_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def section(html, css_class):
    """The element with ``css_class`` (its opening tag up to the first tag that closes it)."""
    match = re.search(rf'<(\w+) class="{css_class}[" ].*?</\1>', html, re.S)
    assert match, css_class
    return match.group(0)


# --- Header, footer and contact card ---------------------------------------------------------


def test_header_and_footer_show_the_clinic(client, site_tree, clinic):
    condition = OURS.condition(parent=site_tree.conditions)
    html = html_of(client, condition)

    header = section(html, "wc-site-header")
    assert '<a class="wc-site-header__home" href="/">' in header
    assert "Riverside Clinic" in header
    assert '<a href="tel:02079460000">020 7946 0000</a>' in header

    footer = section(html, "wc-site-footer")
    # The country code is for the structured data, not a line of the address patients read.
    assert "1 River Lane<br>Unit 4<br>Riverton<br>RV1 2AB</" in footer
    assert '<a href="tel:02079460000">020 7946 0000</a>' in footer
    assert '<a href="mailto:hello@riverside.example">' in footer
    assert '<a href="https://maps.example/riverside">Map and directions</a>' in footer
    # The hours as a table, in week order, with machine-readable times.
    rows = re.findall(r'<th scope="row">(.*?)</th>', footer)
    assert rows == ["Monday to Friday", "Saturday"]
    assert '<time datetime="08:00">' in footer and '<time datetime="12:30">' in footer


def test_without_clinic_settings_there_is_no_header_footer_or_card(client, site_tree):
    Site.objects.filter(pk=site_tree.site.pk).update(site_name="")
    condition = OURS.condition(parent=site_tree.conditions)
    html = html_of(client, condition)

    assert "wc-site-header" not in html
    assert "wc-site-footer" not in html
    assert "wc-contact-card" not in html


def test_the_header_falls_back_to_the_site_name(client, site_tree):
    Site.objects.filter(pk=site_tree.site.pk).update(site_name="Our practice")
    html = html_of(client, OURS.condition(parent=site_tree.conditions))
    assert '<span class="wc-site-header__name">Our practice</span>' in section(
        html, "wc-site-header"
    )


def test_the_logo_is_alt_text_only_when_no_name_is_beside_it(client, site_tree, clinic):
    clinic.logo = wagtail_factories.ImageFactory(title="Riverside Clinic logo")
    clinic.save()
    condition = OURS.condition(parent=site_tree.conditions)

    header = section(html_of(client, condition), "wc-site-header")
    assert re.search(r'<img alt="" class="wc-site-header__logo"', header)

    clinic.name = ""
    clinic.save()
    Site.objects.filter(pk=site_tree.site.pk).update(site_name="")
    header = section(html_of(client, condition), "wc-site-header")
    assert re.search(r'<img alt="Riverside Clinic logo" class="wc-site-header__logo"', header)


def test_contact_card_links_the_pages_own_form(client, site_tree, clinic):
    condition = OURS.condition(
        parent=site_tree.conditions, resources=[form_block("form-1", anchor="book-now")]
    )
    card = section(html_of(client, condition), "wc-contact-card")

    assert '<h2 id="wc-contact-card-heading" class="wc-contact-card__heading">' in card
    assert '<a class="wc-button wc-contact-card__book" href="#book-now">' in card
    assert "We are accepting new patients." in card
    assert '<a href="tel:02079460000">020 7946 0000</a>' in card
    assert '<th scope="row">Monday to Friday</th>' in card


def test_therapy_page_card_links_the_clinics_appointment_page(client, site_tree, clinic):
    booking = OURS.therapy(parent=site_tree.therapies, title="Book", slug="book")
    clinic.appointment_page = booking
    clinic.accepting_new_patients = False
    clinic.save()
    therapy = OURS.therapy(parent=site_tree.therapies, title="Massage", slug="massage")

    card = section(html_of(client, therapy), "wc-contact-card")
    assert f'href="{booking.url}">Request an appointment</a>' in card
    assert "We are not accepting new patients at the moment." in card

    # The appointment page itself does not link to itself; unpublished, it is not linked.
    assert "wc-contact-card__book" not in html_of(client, booking)
    booking.unpublish()
    assert "wc-contact-card__book" not in html_of(client, therapy)


def test_the_clinic_settings_are_read_once_per_request(client, site_tree, clinic):
    condition = OURS.condition(
        parent=site_tree.conditions,
        urgent_care=[block("care_levels", care_levels_value())],
        resources=[form_block("form-1")],
    )
    client.get(condition.url)
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client, condition)
    clinic_queries = [q for q in queries.captured_queries if "clinicsettings" in q["sql"]]
    assert len(clinic_queries) == 1, clinic_queries
    assert "wc-site-header" in html and "wc-contact-card" in html and "wc-care__card" in html


def test_practitioners_are_snippets(admin_client):
    Practitioner.objects.create(name="Dr Ada Lee", credentials="DC", job_title="Chiropractor")
    response = admin_client.get("/admin/snippets/wagtail_conditions/practitioner/")
    assert response.status_code == 200
    assert "Dr Ada Lee" in response.content.decode()


# --- Helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, href",
    [
        ("020 7946 0000", "tel:02079460000"),
        ("+44 20 7946-0000", "tel:+442079460000"),
        ("111", "tel:111"),
        ("call us", ""),
        ("", ""),
    ],
)
def test_tel_href(number, href):
    assert contact.tel_href(number) == href


@pytest.mark.parametrize(
    "days, words",
    [
        (["Friday", "Monday", "Tuesday", "Wednesday", "Thursday"], "Monday to Friday"),
        (["Saturday"], "Saturday"),
        (["Saturday", "Sunday"], "Saturday and Sunday"),
        (["Monday", "Wednesday", "Friday"], "Monday, Wednesday and Friday"),
        (["Monday", "Tuesday", "Wednesday", "Saturday"], "Monday to Wednesday and Saturday"),
    ],
)
def test_days_label(days, words):
    assert contact.days_label(days) == words


# --- The privacy notice check -----------------------------------------------------------------


def test_w007_needs_the_database():
    assert checks.check_privacy_notice(None) == []


def test_w007_fires_while_the_privacy_notice_is_unset_and_clears_when_set(site_tree):
    warnings = checks.check_privacy_notice(None, databases=["default"])
    assert [w.id for w in warnings] == ["wagtail_conditions.W007"]
    assert "no privacy notice page" in warnings[0].msg
    assert "SILENCED_SYSTEM_CHECKS" in warnings[0].hint

    privacy = OURS.therapy(parent=site_tree.therapies, title="Privacy", slug="privacy")
    AppointmentSettings.objects.create(site=site_tree.site, privacy_notice=privacy)
    assert checks.check_privacy_notice(None, databases=["default"]) == []

    privacy.unpublish()
    warnings = checks.check_privacy_notice(None, databases=["default"])
    assert [w.id for w in warnings] == ["wagtail_conditions.W007"]
    assert "'Privacy'" in warnings[0].msg and "not published" in warnings[0].msg


def test_the_consent_statement_cites_the_privacy_notice_only_when_set(
    client, site_tree, appointment_settings
):
    condition = OURS.condition(parent=site_tree.conditions, resources=[form_block("form-1")])
    assert "Read our privacy notice" not in html_of(client, condition)
    privacy = OURS.therapy(parent=site_tree.therapies, title="Privacy", slug="privacy")
    AppointmentSettings.objects.update_or_create(
        site=site_tree.site, defaults={"privacy_notice": privacy}
    )
    assert f'<a href="{privacy.url}">Read our privacy notice</a>' in html_of(client, condition)


# --- Care levels ------------------------------------------------------------------------------


def cards(html):
    return re.findall(
        r'<div class="wc-care__card wc-care__card--(\w+)">(.*?)\n    </div>', html, re.S
    )


def test_care_levels_render_three_distinct_cards_with_the_clinics_numbers(
    client, site_tree, clinic
):
    condition = OURS.condition(
        parent=site_tree.conditions,
        urgent_care=[block("care_levels", care_levels_value(emergency_phone="112"))],
    )
    found = dict(cards(html_of(client, condition)))
    assert list(found) == ["non_urgent", "urgent", "emergency"]

    # Each card says its level in words, not by its colour alone.
    assert (
        '<h3 class="wc-care__heading"><span class="wc-care__level">Non-urgent advice:</span> Contact the clinic if</h3>'
        in found["non_urgent"]
    )
    assert '<span class="wc-care__level">Urgent advice:</span>' in found["urgent"]
    assert '<span class="wc-care__level">Immediate action required:</span>' in found["emergency"]

    assert (
        '<a class="wc-care__call" href="tel:02079460000">Call 020 7946 0000</a>'
        in found["non_urgent"]
    )
    assert '<a class="wc-care__call" href="tel:111">Call 111</a>' in found["urgent"]
    assert '<a class="wc-care__online" href="https://111.nhs.uk/">' in found["urgent"]
    # The editor's number wins over the settings' 999.
    assert '<a class="wc-care__call" href="tel:112">Call 112</a>' in found["emergency"]
    # The editor's "what to do", else the standard advice.
    assert "<p>Ask for advice <b>today</b>.</p>" in found["urgent"]
    assert "Call the emergency number now, or go to the nearest A&amp;E." in found["emergency"]
    assert "<li>you cannot feel your legs</li>" in found["emergency"]


def test_a_level_left_blank_is_left_out_and_a_missing_number_is_not_linked(client, site_tree):
    value = care_levels_value()
    value["non_urgent"]["when"] = ""
    condition = OURS.condition(
        parent=site_tree.conditions, urgent_care=[block("care_levels", value)]
    )
    found = dict(cards(html_of(client, condition)))
    assert list(found) == ["urgent", "emergency"]
    assert "tel:" not in found["emergency"]  # no settings, no number entered


def test_care_levels_need_at_least_one_level():
    care = CareLevelsBlock()
    empty = care_levels_value()
    for name in ("non_urgent", "urgent", "emergency"):
        empty[name]["when"] = ""
    with pytest.raises(StructBlockValidationError) as raised:
        care.clean(care.to_python(empty))
    assert "at least one level" in str(raised.value.non_block_errors)

    cleaned = care.clean(care.to_python(care_levels_value()))
    assert cleaned["urgent"]["heading"] == "Get urgent medical advice if"


def test_an_invalid_urgent_website_is_refused():
    care = CareLevelsBlock()
    value = care_levels_value(urgent_url="not a url")
    with pytest.raises((StructBlockValidationError, StreamBlockValidationError)):
        care.clean(care.to_python(value))


def test_care_levels_api_representation_has_the_resolved_numbers(site_tree, clinic):
    care = CareLevelsBlock()
    value = care.to_python(care_levels_value(emergency_phone="112"))
    request = RequestFactory().get("/", SERVER_NAME="localhost")

    representation = care.get_api_representation(value, {"request": request})

    assert representation["non_urgent"]["phone"] == "020 7946 0000"
    assert representation["non_urgent"]["phone_href"] == "tel:02079460000"
    assert representation["urgent"] == {
        "heading": "Get urgent medical advice if",
        "when": "<ul><li>you have a high temperature</li></ul>",
        "what_to_do": "<p>Ask for advice <b>today</b>.</p>",
        "phone": "111",
        "phone_href": "tel:111",
        "url": "https://111.nhs.uk/",
    }
    assert representation["emergency"]["phone"] == "112"
    jsonschema.validate(representation, block_schema(care))


def test_care_levels_api_representation_in_a_page_listing(client, site_tree, clinic):
    condition = OURS.condition(
        parent=site_tree.conditions, urgent_care=[block("care_levels", care_levels_value())]
    )
    data = client.get(f"/api/v2/pages/{condition.pk}/").json()
    care = data["urgent_care"][0]
    assert care["type"] == "care_levels"
    assert care["value"]["emergency"]["phone_href"] == "tel:999"


# --- Layout -----------------------------------------------------------------------------------


def test_linked_therapies_have_their_own_heading_before_a_form_in_the_treatment_section(
    client, site_tree
):
    therapy = OURS.therapy(parent=site_tree.therapies, title="Massage", slug="massage")
    condition = OURS.condition(
        parent=site_tree.conditions,
        overview=[block("paragraph", "<p>About it.</p>")],
        treatment=[block("paragraph", "<p>We treat it.</p>"), form_block("form-1")],
    )
    link_therapies(condition, [therapy])
    html = html_of(client, condition)

    treatment = html[html.index('id="treatment"') :]
    order = [
        treatment.index("We treat it."),
        treatment.index('<h3 id="therapies-heading">Therapies we use</h3>'),
        treatment.index("Massage"),
        treatment.index('id="appointment"'),
    ]
    assert order == sorted(order)

    contents = section(html, "wc-contents")
    links = re.findall(r'<a href="#([\w-]+)">', contents)
    assert links == ["overview", "treatment", "therapies", "appointment"]
    assert re.search(
        r'<a href="#treatment">How we treat it</a><ol><li><a href="#therapies">', contents
    )


def test_without_a_treatment_section_the_therapies_come_where_it_would_be(client, site_tree):
    therapy = OURS.therapy(parent=site_tree.therapies, title="Massage", slug="massage")
    condition = OURS.condition(
        parent=site_tree.conditions,
        overview=[block("paragraph", "<p>About it.</p>")],
        resources=[block("paragraph", "<p>Read more.</p>")],
    )
    link_therapies(condition, [therapy])
    html = html_of(client, condition)

    links = re.findall(r'<a href="#([\w-]+)">', section(html, "wc-contents"))
    assert links == ["overview", "therapies", "resources"]
    assert html.index('<h2 id="therapies-heading">') < html.index('id="resources"')


def test_the_page_and_its_card_sit_in_the_layout_grid(client, site_tree, clinic):
    condition = OURS.condition(parent=site_tree.conditions)
    html = html_of(client, condition)
    layout = html[html.index('<div class="wc-layout">') :]
    assert layout.index('<article class="wc-article wc-layout__content">') < layout.index(
        '<aside class="wc-contact-card"'
    )


def test_opening_hours_rows_skip_incomplete_rows(site_tree):
    clinic = ClinicSettings(site=site_tree.site, opening_hours=HOURS)
    rows = contact.opening_hours_rows(clinic)
    assert [(row.days, row.opens, row.closes) for row in rows] == [
        ("Monday to Friday", time(8), time(18)),
        ("Saturday", time(9), time(12, 30)),
    ]


def test_a_country_written_as_a_name_is_an_address_line():
    from types import SimpleNamespace

    from wagtail_conditions.contact import address_lines

    clinic = SimpleNamespace(
        street_address="1 River Lane\n\n",
        address_locality="Riverton",
        address_region="",
        postal_code="RV1 2AB",
        address_country="United Kingdom",
    )
    assert address_lines(clinic) == ["1 River Lane", "Riverton", "RV1 2AB", "United Kingdom"]
    clinic.address_country = "gb"
    assert address_lines(clinic) == ["1 River Lane", "Riverton", "RV1 2AB"]
