"""The demo clinic's pages (our page types), as a headless front end reads them through API v2."""

import pytest
from pytest_django.asserts import assertRedirects

from tests.builders.api import blocks_by_type
from tests.builders.pages import CONDITION_SECTIONS
from wagtail_conditions import demo
from wagtail_conditions.models import (
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

pytestmark = pytest.mark.django_db


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


@pytest.fixture
def condition(shared_demo, db):
    """The demo's condition page, Muscle spasms (loaded once for the module, read-only)."""
    return shared_demo


@pytest.fixture
def therapies(condition):
    return list(TherapyPage.objects.order_by("path"))


@pytest.fixture
def condition_data(condition, get):
    return get(detail_url(condition))


@pytest.mark.parametrize(
    "model",
    [ConditionIndexPage, ConditionPage, TherapyIndexPage, TherapyPage],
    ids=lambda model: model.__name__,
)
def test_every_page_type_has_a_detail_and_a_listing_with_its_api_fields(condition, get, model):
    fields = [field.name for field in model.api_fields]
    detail = get(detail_url(model.objects.live().first()))
    assert detail["meta"]["type"] == model._meta.label
    assert [name for name in detail if name in fields] == fields
    listing = get(f"/api/v2/pages/?type={model._meta.label}&fields=*")
    assert listing["meta"]["total_count"] == model.objects.live().count()
    for item in listing["items"]:
        assert set(fields) <= set(item)


def test_index_pages_give_their_introduction(condition, get):
    for model in (ConditionIndexPage, TherapyIndexPage):
        page = model.objects.get()
        assert get(detail_url(page))["intro"] == page.intro


def test_condition_has_structured_fields(condition, condition_data):
    assert condition_data["summary"] == condition.summary
    assert condition_data["alternative_names"] == ["muscle spasm", "muscle cramps", "back spasm"]
    assert [(area["name"], area["slug"]) for area in condition_data["body_areas"]] == [
        ("Back", "back"),
        ("Arms and legs", "arms-and-legs"),
    ]
    assert set(condition_data["body_areas"][0]) == {"id", "name", "slug"}
    assert condition_data["last_reviewed"] is None
    assert condition_data["next_review_due"] is None


def test_condition_lists_linked_therapies_in_editor_order_with_notes(condition_data, therapies):
    assert [(item["title"], item["note"]) for item in condition_data["therapies"]] == [
        (title, note) for title, _summary, note, *_rest in demo.THERAPIES
    ]
    massage = next(t for t in therapies if t.title == "Deep muscle massage")
    assert {
        "id": massage.pk,
        "title": massage.title,
        "slug": "deep-muscle-massage",
        "url": "/therapies/deep-muscle-massage/",
        "summary": massage.summary,
        "note": "Releases the knotted muscle and brings blood flow back to it.",
    } in condition_data["therapies"]


def test_unpublished_therapy_is_left_out_of_a_condition(condition, therapies, get):
    therapies[0].unpublish()
    data = get(detail_url(condition))
    assert len(data["therapies"]) == len(therapies) - 1 == 5
    assert therapies[0].pk not in [item["id"] for item in data["therapies"]]


def test_condition_sections_are_streams_of_blocks(condition_data):
    assert [section["name"] for section in condition_data["sections"]] == [
        "overview",
        "urgent_care",
        "treatment",
        "approach_benefits",
        "resources",
    ]
    assert condition_data["sections"][1]["heading"] == "When to seek urgent care"
    assert condition_data["causes"] == []
    assert [item["type"] for item in condition_data["treatment"]] == [
        "heading",
        "paragraph",
        "paragraph",
    ]
    first = condition_data["treatment"][0]
    assert set(first) == {"type", "value", "id"}
    assert first["value"] == {"text": demo.SEED_TREATMENT_HEADING, "level": "h3"}
    assert condition_data["overview"][0]["value"] == f"<p>{demo.SEED_OVERVIEW}</p>"


def test_demo_blocks_are_resolved(condition_data):
    blocks = blocks_by_type(condition_data, *CONDITION_SECTIONS)
    assert blocks["call_to_action"][0]["href"] == "#appointment"
    assert blocks["call_to_action"][0]["page"] is None
    assert blocks["callout"][0]["tone"] == "urgent"
    assert blocks["callout"][0]["text"].startswith("<ul><li>")
    therapy_index = TherapyIndexPage.objects.get()
    assert [link["value"] for link in blocks["links"][0]["links"]] == [
        {"page": therapy_index.pk, "url": "/therapies/", "text": "Therapies we offer"},
        {
            "url": "https://medlineplus.gov/musclecramps.html",
            "text": "MedlinePlus: Muscle cramps",
        },
    ]


def test_therapy_lists_the_conditions_that_link_it(condition, therapies, get, subtests):
    assert len(therapies) == 6
    for therapy in therapies:
        with subtests.test(therapy=therapy.title):
            data = get(detail_url(therapy))
            assert data["conditions"] == [
                {
                    "id": condition.pk,
                    "title": "Muscle spasms",
                    "slug": "muscle-spasms",
                    "url": "/conditions/muscle-spasms/",
                    "summary": condition.summary,
                }
            ]
            assert data["session_length"] == therapy.session_length
            assert data["body"][0]["type"] == "paragraph"


def test_children_of_an_index_are_listed_with_their_fields(condition, get):
    therapy_index = TherapyIndexPage.objects.get()
    data = get(
        f"/api/v2/pages/?type=wagtail_conditions.TherapyPage&fields=*"
        f"&child_of={therapy_index.pk}&order=title"
    )
    assert [item["title"] for item in data["items"]] == sorted(
        title for title, *_rest in demo.THERAPIES
    )
    assert data["items"][0]["conditions"][0]["title"] == "Muscle spasms"


def test_find_by_html_path_redirects_to_the_detail(condition, client):
    response = client.get("/api/v2/pages/find/?html_path=/conditions/muscle-spasms/")
    assertRedirects(
        response, f"http://localhost{detail_url(condition)}", fetch_redirect_response=False
    )
