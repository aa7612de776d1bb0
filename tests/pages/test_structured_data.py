"""
schema.org structured data (JSON-LD) on every page type, ours and the host's built on our mixins
(``tests/testapp``), with and without the clinic's settings: each document is checked against
the schema.org vocabulary itself (release 30.0, shipped in ``tests/schemaorg/``), its script
element is escaped, and the pages' API (v2, and v3 on Wagtail 8) gives the same object.
"""

import datetime
import json
import re

import pytest
import wagtail_factories
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.coreutils import get_dummy_request
from wagtail.models import Locale, Page

from tests.builders.api import block
from tests.builders.pages import BodyAreaFactory, on_each_page_set
from tests.schemaorg.vocabulary import GRAPH_SHA256, graph_fingerprint, vocabulary
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import ClinicSettings, Practitioner
from wagtail_conditions.structured_data import compact, page_structured_data
from wagtail_conditions.templatetags.wagtail_conditions_seo import json_ld_script

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
KINDS = ["condition_index", "condition", "therapy_index", "therapy"]
ROOT = "http://localhost"


def json_ld(client, url):
    """The one JSON-LD document of the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200
    scripts = SCRIPT.findall(response.content.decode())
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0])


def assert_valid(document):
    problems = vocabulary().problems(document)
    assert not problems, "\n".join(problems)
    assert_no_empty_values(document)


def assert_no_empty_values(value, where="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_empty_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        assert value, f"{where} is an empty list"
        for index, item in enumerate(value):
            assert_no_empty_values(item, f"{where}[{index}]")
    else:
        assert value not in ("", None), f"{where} is empty"


def nodes(document):
    return {node["@type"]: node for node in document["@graph"]}


@pytest.fixture
def site(page_set):
    """``page_set``'s indexes, a fully written condition reviewed by a practitioner and linked
    to two therapies (one with every section), and a bare therapy."""
    tree = page_set.make_tree()
    reviewer = Practitioner.objects.create(
        name="Dr Ana Ruiz", credentials="DC, MSc", job_title="Chiropractor"
    )
    massage = page_set.therapy(
        parent=tree.therapies,
        title="Massage",
        slug="massage",
        summary="Hands-on work on the muscles.",
        what_to_expect=[block("paragraph", "<p>You lie on a couch for <b>30 minutes</b>.</p>")],
        contraindications=[
            block("heading", {"text": "Not if", "level": "h2"}),
            block("paragraph", "<p>You have a fever or an open wound.</p>"),
        ],
        last_reviewed=datetime.date(2026, 3, 1),
        reviewed_by=reviewer,
    )
    bare = page_set.therapy(parent=tree.therapies, title="Advice", slug="advice", summary="Talk.")
    condition = page_set.condition(
        parent=tree.conditions,
        title="Back pain",
        slug="back-pain",
        summary="Pain in the lower back.",
        alternative_names="lumbago, sore back",
        causes=[block("paragraph", "<p>Lifting <i>heavy</i> things.</p>")],
        symptoms=[
            block(
                "callout",
                {"tone": "warning", "heading": "Watch for", "text": "<p>Numbness</p>"},
            ),
        ],
        last_reviewed=datetime.date(2026, 1, 15),
        reviewed_by=reviewer,
    )
    condition.body_areas.set([BodyAreaFactory(name="Lower back")])
    condition.save_revision().publish()
    page_set.link(condition, [massage], note="Loosens the muscles.")
    page_set.link(condition, [bare], note="")
    tree.condition, tree.massage, tree.bare, tree.reviewer = condition, massage, bare, reviewer
    tree.pages = {
        "condition_index": tree.conditions,
        "condition": condition,
        "therapy_index": tree.therapies,
        "therapy": massage,
    }
    return tree


@pytest.fixture
def clinic(site):
    """The default site's clinic settings, every field filled in."""
    return ClinicSettings.objects.create(
        site=site.site,
        name="Riverside Clinic",
        logo=wagtail_factories.ImageFactory(title="Logo"),
        phone="020 7946 0000",
        email="hello@riverside.example",
        street_address="Unit 4\nRiver Road",
        address_locality="Leeds",
        postal_code="LS1 4AB",
        address_country="GB",
        map_url="https://maps.example/riverside",
        opening_hours=[
            ("hours", {"days": ["Monday", "Friday"], "opens": "08:00", "closes": "18:00"}),
            ("hours", {"days": ["Saturday"], "opens": "09:30", "closes": "12:00"}),
        ],
        accepting_new_patients=False,
    )


# --- The vocabulary and the checker -------------------------------------------------------------


def test_the_vocabulary_is_schema_org_release_30_as_published():
    vocab = vocabulary()
    assert graph_fingerprint(vocab.data) == GRAPH_SHA256
    assert {"MedicalWebPage", "MedicalCondition", "MedicalTherapy", "MedicalClinic"} <= set(
        vocab.classes
    )
    assert vocab.properties["cause"] == ({"MedicalCondition"}, {"MedicalCause"})


def document(*graph):
    return {"@context": "https://schema.org", "@graph": list(graph)}


@pytest.mark.parametrize(
    "node,problem",
    [
        ({"@type": "MedicalPage"}, "'MedicalPage' is not a schema.org type"),
        ({"@type": "MedicalWebPage", "reviewer": "x"}, "'reviewer' is not a schema.org property"),
        (
            {"@type": "MedicalTherapy", "cause": {"@type": "MedicalCause"}},
            "'cause' is not a property of MedicalTherapy",
        ),
        (
            {"@type": "MedicalCondition", "possibleTreatment": {"@type": "Person"}},
            "a Person is not in Drug, DrugClass, LifestyleModification, MedicalTherapy",
        ),
        ({"@type": "MedicalWebPage", "lastReviewed": "last May"}, "is not a valid value for Date"),
        ({"@type": "MedicalClinic", "isAcceptingNewPatients": "yes"}, "not a valid value"),
        (
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": "https://schema.org/Patient",
                "opens": "8am",
            },
            "'8am' is not a valid value for Time",
        ),
        (
            {"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Male"},
            "https://schema.org/Male is not a member of DayOfWeek",
        ),
        ({"@type": "WebPage", "breadcrumb": {"@id": "#nowhere"}}, "unknown reference"),
        ({"@type": "MedicalWebPage", "audience": {"@type": "Audience"}, "url": "x"}, "'x'"),
    ],
)
def test_the_checker_finds_what_the_vocabulary_forbids(node, problem):
    problems = vocabulary().problems(document(node))
    assert any(problem in found for found in problems), problems


def test_the_checker_accepts_a_subtype_where_its_supertype_is_expected():
    clinic = {"@type": "MedicalClinic", "@id": "#clinic", "name": "A"}
    page = {
        "@type": "MedicalWebPage",
        "publisher": {"@id": "#clinic"},
        "audience": {"@type": "Patient"},
    }
    assert vocabulary().problems(document(page, clinic)) == []


# --- Every page type ------------------------------------------------------------------------------


@on_each_page_set
@pytest.mark.parametrize("with_clinic", [False, True], ids=["no-clinic", "clinic"])
def test_every_page_type_carries_valid_json_ld(client, site, page_set, with_clinic, request):
    if with_clinic:
        request.getfixturevalue("clinic")
    for kind in KINDS:
        page = site.pages[kind]
        data = json_ld(client, page.url)
        assert_valid(data)
        graph = nodes(data)
        web_page = graph["MedicalWebPage"]
        assert web_page["url"] == page.get_full_url()
        assert web_page["name"] == page.title
        assert web_page["inLanguage"] == "en"
        assert web_page["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
        assert web_page["breadcrumb"] == {"@id": graph["BreadcrumbList"]["@id"]}
        assert ("MedicalClinic" in graph) is with_clinic
        assert ("publisher" in web_page) is with_clinic
        if with_clinic:
            assert web_page["publisher"] == {"@id": f"{ROOT}/#clinic"}


@on_each_page_set
def test_a_condition_is_a_medical_condition_with_its_therapies(client, site, page_set):
    web_page = nodes(json_ld(client, site.condition.url))["MedicalWebPage"]

    assert web_page["description"] == "Pain in the lower back."
    assert web_page["lastReviewed"] == "2026-01-15"
    assert web_page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Ana Ruiz",
        "jobTitle": "Chiropractor",
        "honorificSuffix": "DC, MSc",
    }
    assert web_page["about"] == {
        "@type": "MedicalCondition",
        "name": "Back pain",
        "alternateName": ["lumbago", "sore back"],
        "description": "Pain in the lower back.",
        "associatedAnatomy": [{"@type": "AnatomicalStructure", "name": "Lower back"}],
        "cause": [{"@type": "MedicalCause", "description": "Lifting heavy things."}],
        "signOrSymptom": [{"@type": "MedicalSignOrSymptom", "description": "Watch for Numbness"}],
        "possibleTreatment": [
            {
                "@type": "MedicalTherapy",
                "name": "Massage",
                "url": site.massage.get_full_url(),
                "description": "Loosens the muscles.",
            },
            {
                "@type": "MedicalTherapy",
                "name": "Advice",
                "url": site.bare.get_full_url(),
                "description": "Talk.",
            },
        ],
    }


@on_each_page_set
def test_a_therapy_is_a_medical_therapy_with_its_contraindications(client, site, page_set):
    web_page = nodes(json_ld(client, site.massage.url))["MedicalWebPage"]

    assert web_page["about"] == {
        "@type": "MedicalTherapy",
        "name": "Massage",
        "description": "Hands-on work on the muscles.",
        "contraindication": "Not if You have a fever or an open wound.",
        "howPerformed": "You lie on a couch for 30 minutes.",
    }
    assert web_page["lastReviewed"] == "2026-03-01"


@on_each_page_set
def test_empty_values_are_left_out(client, site, page_set):
    data = json_ld(client, site.bare.url)

    assert_valid(data)
    web_page = nodes(data)["MedicalWebPage"]
    assert web_page["about"] == {
        "@type": "MedicalTherapy",
        "name": "Advice",
        "description": "Talk.",
    }
    assert not {"lastReviewed", "reviewedBy", "publisher"} & set(web_page)


def test_compact_keeps_false_and_zero():
    assert compact(
        {"a": "", "b": [], "c": {}, "d": None, "e": False, "f": 0, "g": [{"h": ""}]}
    ) == {
        "e": False,
        "f": 0,
    }


@on_each_page_set
def test_the_breadcrumb_runs_from_the_site_root_to_the_page(client, site, page_set):
    trail = nodes(json_ld(client, site.condition.url))["BreadcrumbList"]["itemListElement"]

    assert trail == [
        {"@type": "ListItem", "position": 1, "name": site.home.title, "item": {"@id": f"{ROOT}/"}},
        {
            "@type": "ListItem",
            "position": 2,
            "name": site.conditions.title,
            "item": {"@id": site.conditions.get_full_url()},
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Back pain",
            "item": {"@id": site.condition.get_full_url()},
        },
    ]


@on_each_page_set
def test_an_index_lists_the_pages_it_shows(client, site, page_set):
    therapies = nodes(json_ld(client, site.therapies.url))["MedicalWebPage"]["mainEntity"]
    assert therapies == {
        "@type": "ItemList",
        "numberOfItems": 2,
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "url": site.bare.get_full_url(), "name": "Advice"},
            {
                "@type": "ListItem",
                "position": 2,
                "url": site.massage.get_full_url(),
                "name": "Massage",
            },
        ],
    }


@override_settings(WAGTAIL_CONDITIONS={"CONDITIONS_PER_PAGE": 2})
def test_an_index_page_of_results_numbers_its_items_from_its_place_in_the_list(
    client, site, page_set
):
    for title in ("Ankle sprain", "Cramp", "Disc problems"):
        page_set.condition(parent=site.conditions, title=title)
    data = json_ld(client, site.conditions.url + "?page=2")

    assert_valid(data)
    items = nodes(data)["MedicalWebPage"]["mainEntity"]["itemListElement"]
    assert [(item["position"], item["name"]) for item in items] == [
        (3, "Cramp"),
        (4, "Disc problems"),
    ]


def test_the_clinic_is_a_medical_clinic(client, site, clinic):
    data = json_ld(client, site.condition.url)
    assert_valid(data)
    node = nodes(data)["MedicalClinic"]

    assert node == {
        "@type": "MedicalClinic",
        "@id": f"{ROOT}/#clinic",
        "name": "Riverside Clinic",
        "url": f"{ROOT}/",
        "logo": ROOT + clinic.logo.file.url,
        "telephone": "020 7946 0000",
        "email": "hello@riverside.example",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Unit 4, River Road",
            "addressLocality": "Leeds",
            "postalCode": "LS1 4AB",
            "addressCountry": "GB",
        },
        "hasMap": "https://maps.example/riverside",
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["https://schema.org/Monday", "https://schema.org/Friday"],
                "opens": "08:00",
                "closes": "18:00",
            },
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": ["https://schema.org/Saturday"],
                "opens": "09:30",
                "closes": "12:00",
            },
        ],
        "isAcceptingNewPatients": False,
    }


def test_a_clinic_without_a_name_is_left_out(client, site):
    ClinicSettings.objects.create(site=site.site, phone="020 7946 0000")

    data = json_ld(client, site.condition.url)

    assert "MedicalClinic" not in nodes(data)
    assert_valid(data)


def test_a_page_type_that_is_not_ours_has_none(rf, site):
    assert page_structured_data(site.home, rf.get("/")) is None
    assert page_structured_data(Page.get_first_root_node(), None) is None


# --- The script element ---------------------------------------------------------------------------


def test_the_script_is_escaped_as_json_script_escapes(client, site):
    title = 'Back </script><script>alert("x")</script> & <!-- pain'
    site.condition.title = title
    site.condition.save_revision().publish()

    html = client.get(site.condition.url).content.decode()

    (script,) = SCRIPT.findall(html)
    assert "<" not in script and ">" not in script and "&" not in script
    assert "\\u003C/script\\u003E" in script
    assert nodes(json.loads(script))["MedicalWebPage"]["name"] == title


def test_json_ld_script_escapes_line_separators():
    script = str(json_ld_script({"name": "a\u2028b<>&"}))
    assert script == (
        '<script type="application/ld+json">{"name":"a\\u2028b\\u003C\\u003E\\u0026"}</script>'
    )


# --- The language ---------------------------------------------------------------------------------


def test_in_language_is_the_page_locale_with_localisation_on(rf, site, settings):
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    Page.objects.filter(pk=site.massage.pk).update(locale=spanish)
    massage = type(site.massage).objects.get(pk=site.massage.pk)

    settings.WAGTAIL_I18N_ENABLED = True
    assert page_structured_data(massage, None)["@graph"][0]["inLanguage"] == "es"
    settings.WAGTAIL_I18N_ENABLED = False
    settings.LANGUAGE_CODE = "en-gb"
    massage = type(site.massage).objects.get(pk=site.massage.pk)
    assert page_structured_data(massage, None)["@graph"][0]["inLanguage"] == "en-GB"


# --- The API ----------------------------------------------------------------------------------


@on_each_page_set
def test_the_api_gives_the_same_object_as_the_page(client, site, clinic, page_set):
    for page in (site.condition, site.massage):
        html = json_ld(client, page.url)
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["structured_data"] == html
        if HAS_API_V3:
            assert client.get(f"/api/v3/pages/{page.pk}/").json()["structured_data"] == html


@on_each_page_set
def test_an_api_listing_gives_each_page_its_own_valid_object(client, site, clinic, page_set):
    model = type(site.massage)
    url = f"/api/v2/pages/?type={model._meta.label}&fields=structured_data"
    items = client.get(url).json()["items"]

    assert len(items) == 2
    for item in items:
        assert_valid(item["structured_data"])
        web_page = nodes(item["structured_data"])["MedicalWebPage"]
        assert web_page["name"] == item["title"]
        assert nodes(item["structured_data"])["MedicalClinic"]["name"] == "Riverside Clinic"


def test_a_preview_shows_the_drafts_own_body_areas_and_review(site):
    condition = type(site.condition).objects.get(pk=site.condition.pk)
    condition.body_areas = [BodyAreaFactory(name="Neck")]  # unsaved, as in a preview
    condition.last_reviewed = datetime.date(2026, 6, 1)

    # As Wagtail's preview serves it (our pages' headless preview mixin sends previews to the
    # front end instead): the page instance, unsaved changes and all.
    response = condition.serve(get_dummy_request(path=condition.url, site=site.site)).render()

    (script,) = SCRIPT.findall(response.content.decode())
    web_page = nodes(json.loads(script))["MedicalWebPage"]
    assert web_page["about"]["associatedAnatomy"] == [
        {"@type": "AnatomicalStructure", "name": "Neck"}
    ]
    assert web_page["lastReviewed"] == "2026-06-01"


@on_each_page_set
def test_the_api_gives_an_index_the_same_object_as_its_unfiltered_page(
    client, site, clinic, page_set
):
    for index in (site.conditions, site.therapies):
        html = json_ld(client, index.url)
        data = client.get(f"/api/v2/pages/{index.pk}/").json()
        assert data["structured_data"] == html
        if HAS_API_V3:
            assert client.get(f"/api/v3/pages/{index.pk}/").json()["structured_data"] == html


def test_an_api_listing_of_indexes_fetches_their_items_together(client, site, page_set):
    other = page_set.therapy_index(parent=site.home, slug="more", title="More therapies")
    page_set.therapy.create_batch(3, parent=other)
    url = f"/api/v2/pages/?type={type(other)._meta.label}&fields=structured_data"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        items = client.get(url).json()["items"]

    lists = {item["title"]: nodes(item["structured_data"])["MedicalWebPage"] for item in items}
    assert [entry["name"] for entry in lists["Therapies"]["mainEntity"]["itemListElement"]] == [
        "Advice",
        "Massage",
    ]
    assert lists["More therapies"]["mainEntity"]["numberOfItems"] == 3
    therapy_table = type(site.massage)._meta.db_table
    listed = [q for q in queries.captured_queries if f'FROM "{therapy_table}"' in q["sql"]]
    assert len(listed) == 1, listed
