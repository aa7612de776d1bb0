"""
Condition and therapy pages, and every content block, through Wagtail's API v2: on our pages and
on a host's built on our mixins and abstract pages with its own link model (``tests/testapp``),
which must give the same fields, read through its own link model, at the same number of queries.
The demo's content through the API is in ``test_v2_demo.py``.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertRedirects
from wagtail.images import get_image_model

from tests.builders.api import (
    CONTENT_BLOCKS,
    blocks_by_type,
    make_every_block_condition,
    make_one_and_twenty,
)
from tests.builders.pages import (
    CONDITION_SECTIONS,
    BodyAreaFactory,
    assert_same_query_count,
    on_each_page_set,
    rolled_back,
)
from wagtail_conditions.models import Practitioner

pytestmark = [pytest.mark.django_db, on_each_page_set]

#: The API fields of each kind of page, in the order a detail gives them.
API_FIELDS = {
    "condition_index": ["intro", "structured_data"],
    "condition": [
        "summary",
        "alternative_names",
        "body_areas",
        "sections",
        *CONDITION_SECTIONS,
        "therapies",
        "sources",
        "last_reviewed",
        "next_review_due",
        "reviewed_by",
        "structured_data",
    ],
    "therapy_index": ["intro", "structured_data"],
    "therapy": [
        "summary",
        "session_length",
        "body",
        "what_to_expect",
        "contraindications",
        "conditions",
        "sources",
        "last_reviewed",
        "next_review_due",
        "reviewed_by",
        "structured_data",
    ],
}


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


def listing_url(model, **params):
    query = "".join(f"&{key}={value}" for key, value in params.items())
    return f"/api/v2/pages/?type={model._meta.label}&fields=*{query}"


@pytest.fixture(scope="module")
def clinic(page_set, module_transaction, django_db_blocker):
    """A condition using every content block (``make_every_block_condition``), in the body
    area "Back", linked to Massage, a draft therapy and Ultrasound, in that order."""
    with rolled_back(django_db_blocker):
        tree = page_set.make_tree()
        back = BodyAreaFactory(name="Back", slug="back")
        made = make_every_block_condition(tree, page_set, areas=[back])
        draft = page_set.therapy(parent=tree.therapies, title="Draft therapy", live=False)
        ultrasound = page_set.therapy(
            parent=tree.therapies, title="Ultrasound", slug="ultrasound", summary="Sound waves."
        )
        page_set.link(made.condition, [draft, ultrasound], note="Warms.")
        yield SimpleNamespace(
            tree=tree,
            back=back,
            draft=draft,
            ultrasound=ultrasound,
            pages={
                "condition_index": tree.conditions,
                "condition": made.condition,
                "therapy_index": tree.therapies,
                "therapy": made.therapy,
            },
            **vars(made),
        )


@pytest.fixture
def condition_data(clinic, get):
    return get(detail_url(clinic.condition))


@pytest.fixture
def blocks(condition_data):
    """The condition's blocks by type, from its detail."""
    return blocks_by_type(condition_data, *CONDITION_SECTIONS)


# --- Fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", API_FIELDS)
def test_every_page_type_declares_and_gives_its_api_fields_in_order(clinic, get, page_set, kind):
    page = clinic.pages[kind]
    fields = API_FIELDS[kind]
    assert [field.name for field in type(page).api_fields] == fields
    data = get(detail_url(page))
    assert data["meta"]["type"] == type(page)._meta.label
    assert [name for name in data if name in fields] == fields


@pytest.mark.parametrize("kind", API_FIELDS)
def test_every_page_type_has_a_listing_with_every_field(clinic, get, page_set, kind):
    model = type(clinic.pages[kind])
    data = get(listing_url(model))
    assert data["meta"]["total_count"] == {"therapy": 2}.get(kind, 1)
    assert [item["id"] for item in data["items"]] == list(
        model.objects.live().order_by("path").values_list("pk", flat=True)
    )
    for item in data["items"]:
        assert set(API_FIELDS[kind]) <= set(item)


def test_condition_has_structured_fields(clinic, condition_data, page_set):
    assert condition_data["summary"] == "Pain in the lower back."
    assert condition_data["alternative_names"] == ["lumbago", "sore back"]
    assert condition_data["body_areas"] == [{"id": clinic.back.pk, "name": "Back", "slug": "back"}]
    assert condition_data["last_reviewed"] is None
    assert condition_data["next_review_due"] is None
    assert condition_data["reviewed_by"] is None


def test_condition_lists_its_live_linked_therapies_in_editor_order_with_notes(
    clinic, condition_data, page_set
):
    therapies = clinic.tree.therapies.url
    assert condition_data["therapies"] == [
        {
            "id": clinic.therapy.pk,
            "title": "Massage",
            "slug": "massage",
            "url": f"{therapies}massage/",
            "summary": "A gentle, hands-on therapy.",
            "note": "Loosens the muscles.",
        },
        {
            "id": clinic.ultrasound.pk,
            "title": "Ultrasound",
            "slug": "ultrasound",
            "url": f"{therapies}ultrasound/",
            "summary": "Sound waves.",
            "note": "Warms.",
        },
    ]


def test_an_unpublished_therapy_is_left_out_of_a_condition(clinic, get, page_set):
    type(clinic.ultrasound).objects.get(pk=clinic.ultrasound.pk).unpublish()
    data = get(detail_url(clinic.condition))
    assert [item["id"] for item in data["therapies"]] == [clinic.therapy.pk]


def test_condition_sections_are_streams_of_blocks(condition_data, page_set):
    assert condition_data["sections"] == [
        {"name": "overview", "heading": "Overview"},
        {"name": "symptoms", "heading": "Symptoms"},
        {"name": "treatment", "heading": "How we treat it"},
        {"name": "approach_benefits", "heading": "Why our approach helps"},
        {"name": "resources", "heading": "Additional resources"},
    ]
    assert condition_data["causes"] == []
    assert [item["type"] for item in condition_data["overview"]] == [
        "heading",
        "paragraph",
        "image",
        "quote",
    ]
    first = condition_data["overview"][0]
    assert set(first) == {"type", "value", "id"}
    assert first["value"] == {"text": "What it is", "level": "h2"}


def test_therapy_lists_the_conditions_that_link_it(clinic, get, page_set):
    conditions = clinic.tree.conditions.url
    for therapy in (clinic.therapy, clinic.ultrasound):
        data = get(detail_url(therapy))
        assert data["conditions"] == [
            {
                "id": clinic.condition.pk,
                "title": "Back pain",
                "slug": "back-pain",
                "url": f"{conditions}back-pain/",
                "summary": "Pain in the lower back.",
            }
        ]
    assert get(detail_url(clinic.therapy))["session_length"] == "30 minutes"


def test_review_fields_give_the_dates_and_the_reviewer(clinic, get, page_set):
    ana = Practitioner.objects.create(name="Dr Ana Ruiz", credentials="DC")
    for page in (clinic.condition, clinic.therapy):
        type(page).objects.filter(pk=page.pk).update(
            last_reviewed=datetime.date(2026, 3, 3),
            next_review_due=datetime.date(2027, 3, 3),
            reviewed_by=ana,
        )
        data = get(detail_url(page))
        assert data["last_reviewed"] == "2026-03-03"
        assert data["next_review_due"] == "2027-03-03"
        assert data["reviewed_by"] == {"id": ana.pk, "name": "Dr Ana Ruiz", "credentials": "DC"}
    assert get(detail_url(clinic.ultrasound))["reviewed_by"] is None


def test_a_listing_fetches_every_reviewer_in_one_query(clinic, client, get, page_set):
    model = type(clinic.therapy)
    url = listing_url(model)
    pages = [clinic.therapy, clinic.ultrasound]

    def queries_with(*reviewers):
        for page, reviewer in zip(pages, reviewers, strict=True):
            model.objects.filter(pk=page.pk).update(reviewed_by=reviewer)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            data = client.get(url).json()
        assert [item["reviewed_by"] and item["reviewed_by"]["id"] for item in data["items"]] == [
            reviewer and reviewer.pk for reviewer in reviewers
        ]
        return len(queries)

    ana, ben = (Practitioner.objects.create(name=name) for name in ("Ana", "Ben"))
    none = queries_with(None, None)
    assert queries_with(ana, ana) == none + 1
    assert queries_with(ana, ben) == none + 1


def test_index_pages_give_their_introduction(clinic, get, page_set):
    for kind in ("condition_index", "therapy_index"):
        page = clinic.pages[kind]
        assert get(detail_url(page))["intro"] == page.intro


def test_children_of_an_index_are_listed_with_their_fields(clinic, get, page_set):
    model = type(clinic.therapy)
    data = get(listing_url(model, child_of=clinic.tree.therapies.pk, order="title"))
    assert [item["title"] for item in data["items"]] == ["Massage", "Ultrasound"]
    assert [item["conditions"][0]["title"] for item in data["items"]] == ["Back pain"] * 2


def test_find_by_html_path_redirects_to_the_detail(clinic, client, page_set):
    response = client.get(f"/api/v2/pages/find/?html_path={clinic.condition.url}")
    assertRedirects(
        response,
        f"http://localhost{detail_url(clinic.condition)}",
        fetch_redirect_response=False,
    )


# --- Each block of the content library ---------------------------------------------------------


def test_the_content_covers_every_block(blocks, page_set):
    assert set(blocks) == CONTENT_BLOCKS


def test_rich_text_links_point_at_urls(clinic, blocks, page_set):
    paragraph = blocks["paragraph"][0]
    assert f'<a href="{clinic.therapy.url}">massage</a>' in paragraph
    assert f'href="{clinic.document.url}"' in paragraph
    assert "linktype" not in paragraph
    assert blocks["faq"][0]["items"][0]["answer"] == paragraph
    assert blocks["callout"][0]["text"] == "<p><b>Numbness</b></p>"


def test_image_is_given_as_renditions_with_alt_text(clinic, blocks, page_set):
    image = blocks["image"][0]
    assert image["id"] == clinic.image.pk
    assert (image["alt"], image["caption"]) == ("A therapist at work", "Stretching")
    assert (image["width"], image["height"]) == (800, 600)
    assert ".width-800" in image["url"]
    assert {name: (r["width"], r["height"]) for name, r in image["renditions"].items()} == {
        "thumbnail": (400, 300),
        "large": (1200, 900),
    }


def test_deleted_image_is_null(clinic, get, page_set):
    get_image_model().objects.get(pk=clinic.image.pk).delete()
    data = get(detail_url(clinic.condition))
    assert blocks_by_type(data, "overview")["image"] == [None]


def test_embed_gives_its_html_and_title(blocks, page_set):
    assert blocks["embed"] == [
        {
            "url": "https://video.example/stretches",
            "title": "Stretches",
            "caption": "",
            "html": '<iframe title="Stretching for back pain" '
            'src="https://video.example/stretches/embed"></iframe>',
            "provider_name": "Example video",
            "thumbnail_url": "https://video.example/thumb.jpg",
            "width": 640,
            "height": 360,
        }
    ]


def test_links_are_resolved_and_dead_ones_left_out(clinic, blocks, page_set):
    links = blocks["links"][0]
    assert links["heading"] == "Read more"
    assert [(link["type"], link["value"]) for link in links["links"]] == [
        ("page", {"page": clinic.therapy.pk, "url": clinic.therapy.url, "text": "Massage"}),
        (
            "document",
            {
                "document": clinic.document.pk,
                "url": clinic.document.url,
                "text": "Leaflet",
                "file_extension": "pdf",
            },
        ),
        ("external", {"url": "https://nhs.example/back", "text": "NHS"}),
    ]


def test_call_to_action_gives_a_resolved_href(clinic, blocks, page_set):
    to_page, to_phone = blocks["call_to_action"]
    assert to_page == {
        "heading": "Book",
        "text": "",
        "button_label": "See massage",
        "href": clinic.therapy.url,
        "page": clinic.therapy.pk,
    }
    assert (to_phone["href"], to_phone["page"]) == ("tel:+441234567890", None)


def test_plain_blocks_keep_wagtails_representation(blocks, page_set):
    assert blocks["heading"] == [{"text": "What it is", "level": "h2"}]
    assert blocks["quote"] == [{"quote": "It helped.\nA lot.", "attribution": "A patient"}]
    assert blocks["callout"][0]["tone"] == "warning"
    assert blocks["faq"][0]["items"][0]["question"] == "Does it hurt?"


def test_the_listing_gives_the_same_fields_as_the_detail(clinic, get, condition_data, page_set):
    listing = get(listing_url(type(clinic.condition), child_of=clinic.tree.conditions.pk))
    (item,) = listing["items"]
    for name in API_FIELDS["condition"]:
        assert item[name] == condition_data[name], name


def test_the_html_page_still_renders_the_blocks(clinic, client, page_set):
    response = client.get(clinic.condition.url)
    assertContains(response, f'href="{clinic.therapy.url}"')
    assertContains(response, 'class="wc-figure__img"')
    assertContains(response, 'alt="A therapist at work"')
    assertContains(response, 'class="wc-button" href="tel:+441234567890"')


# --- A response costs the same for 1 linked or listed item as for 20 ----------------------------


@pytest.fixture(scope="module")
def counted(clinic, page_set, django_db_blocker):
    """Pages listing 1 item and pages listing 20 (``make_one_and_twenty``)."""
    with rolled_back(django_db_blocker):
        yield make_one_and_twenty(clinic.tree, page_set, [clinic.back, BodyAreaFactory()])


def test_condition_detail_with_twenty_therapies_costs_the_same_as_with_one(
    counted, client, get, page_set
):
    one, twenty = counted.one_condition, counted.twenty_conditions[0]
    assert len(get(detail_url(one))["therapies"]) == 1
    twenty_data = get(detail_url(twenty))
    assert len(twenty_data["therapies"]) == 20
    assert len(twenty_data["body_areas"]) == 2
    assert "Back" in [area["name"] for area in twenty_data["body_areas"]]

    assert_same_query_count(client, detail_url(one), detail_url(twenty))


def test_therapy_detail_with_twenty_conditions_costs_the_same_as_with_one(
    counted, client, get, page_set
):
    one, twenty = counted.one_therapy, counted.twenty_therapies[0]
    assert len(get(detail_url(one))["conditions"]) == 1
    assert len(get(detail_url(twenty))["conditions"]) == 20

    assert_same_query_count(client, detail_url(one), detail_url(twenty))


def test_condition_listing_of_twenty_costs_the_same_as_of_one(counted, client, get, page_set):
    model = type(counted.one_condition)
    small_url = listing_url(model, child_of=counted.small.pk)
    large_url = listing_url(model, child_of=counted.large.pk)
    assert [len(item["therapies"]) for item in get(small_url)["items"]] == [1]
    assert [len(item["therapies"]) for item in get(large_url)["items"]] == [20] * 20

    assert_same_query_count(client, small_url, large_url)


def test_therapy_listing_of_twenty_costs_the_same_as_of_one(counted, client, get, page_set):
    model = type(counted.one_therapy)
    small_url = listing_url(model, child_of=counted.few.pk)
    large_url = listing_url(model, child_of=counted.more.pk)
    assert [len(item["conditions"]) for item in get(small_url)["items"]] == [1]
    assert [len(item["conditions"]) for item in get(large_url)["items"]] == [20] * 20

    assert_same_query_count(client, small_url, large_url)
