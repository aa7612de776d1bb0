"""
An API listing costs a fixed number of queries however many pages it lists, with every block
type (an appointment form and links to pages among them) on every page: the response's stream
blocks fetch what they reference once for all its pages (wagtail_conditions/blocks/batch.py).
"""

import copy

import pytest
import wagtail
import wagtail_factories
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.builders.api import block
from tests.builders.appointments import form_block
from tests.builders.pages import (
    BodyAreaFactory,
    ConditionIndexPageFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    link_therapies,
    make_site_tree,
)
from wagtail_conditions.blocks import SectionStreamBlock
from wagtail_conditions.models import AppointmentSettings, ConditionPage

WAGTAIL_8 = wagtail.VERSION >= (8,)

# The queries of a listing of condition pages with every field, whatever the number of pages.
# API v2: 8 for the listing itself (Wagtail's view-restriction checks, the site, the parent
# page, the count, the pages), 2 for body areas and therapy links, 1 image, 2 page choosers
# (links list, call to action), 1 document chooser, 3 for the rich text's links (pages, their
# specific types, documents), 1 for the embeds, 2 for the site's appointment settings and their
# privacy page.
V2_LISTING_QUERIES = 20
# API v3 lists pages with their base fields only (id, title, meta): no block is serialized.
V3_LISTING_QUERIES = 6


def every_block_condition(parent, number, refs):
    """A condition using every block a section offers, a form and links to pages among them."""
    rich = (
        f'<p>Try <a linktype="page" id="{refs.therapy.pk}">massage</a> or read the '
        f'<a linktype="document" id="{refs.document.pk}">leaflet</a>.</p>'
    )
    condition = ConditionPageFactory(
        parent=parent,
        title=f"Condition {number}",
        slug=f"condition-{number}",
        overview=[
            block("heading", {"text": "What it is", "level": "h2"}),
            block("paragraph", rich),
            block("image", {"image": refs.image.pk, "alt_text": "A stretch", "caption": ""}),
            block("quote", {"quote": "It helped.", "attribution": "A patient"}),
        ],
        symptoms=[block("callout", {"tone": "info", "heading": "Note", "text": rich})],
        treatment=[
            block(
                "embed",
                {"embed": "https://video.example/stretches", "title": "Video", "caption": ""},
            ),
            block("faq", {"heading": "Questions", "items": [{"question": "Why?", "answer": rich}]}),
        ],
        approach_benefits=[
            block(
                "call_to_action",
                {
                    "heading": "Book",
                    "text": "",
                    "button_label": "Go",
                    "page": refs.therapy.pk,
                    "url": "",
                },
            )
        ],
        resources=[
            block(
                "links",
                {
                    "heading": "Read more",
                    "links": [
                        block("page", {"page": refs.therapy.pk, "label": ""}),
                        block("page", {"page": refs.privacy.pk, "label": "Privacy"}),
                        block("document", {"document": refs.document.pk, "label": ""}),
                        block("external", {"url": "https://nhs.example/", "label": "NHS"}),
                    ],
                },
            ),
            form_block(f"form-{number}"),
        ],
    )
    condition.body_areas.set([refs.area])
    condition.save_revision().publish()
    link_therapies(condition, [refs.therapy])
    return condition


class _Refs:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


@pytest.fixture(scope="module")
def listings(module_transaction):
    """Two condition indexes: one with 1 every-block condition, one with 20."""
    tree = make_site_tree()
    refs = _Refs(
        image=wagtail_factories.ImageFactory(title="Stretch", file__width=1200, file__height=900),
        document=wagtail_factories.DocumentFactory(title="Leaflet", file__filename="leaflet.pdf"),
        therapy=TherapyPageFactory(parent=tree.therapies, title="Massage", slug="massage"),
        privacy=TherapyPageFactory(parent=tree.therapies, title="Privacy", slug="privacy"),
        area=BodyAreaFactory(),
    )
    AppointmentSettings.objects.create(site=tree.site, privacy_notice=refs.privacy)
    one = ConditionIndexPageFactory(parent=tree.home, slug="one", title="One")
    twenty = ConditionIndexPageFactory(parent=tree.home, slug="twenty", title="Twenty")
    every_block_condition(one, 0, refs)
    for number in range(1, 21):
        every_block_condition(twenty, number, refs)
    return _Refs(one=one, twenty=twenty)


def v2_listing(index):
    return f"/api/v2/pages/?type=wagtail_conditions.ConditionPage&child_of={index.pk}&fields=*"


def v3_listing(index):
    return f"/api/v3/pages/?type=wagtail_conditions.ConditionPage&child_of={index.pk}"


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def test_the_pages_use_every_block_type(listings, client, db):
    item = get_json(client, v2_listing(listings.one))["items"][0]
    used = {child["type"] for name, _heading in ConditionPage.sections for child in item[name]}
    assert used == set(SectionStreamBlock().child_blocks)


@pytest.mark.parametrize("index", ["one", "twenty"])
def test_api_v2_listing_costs_a_fixed_number_of_queries(
    listings, client, db, index, django_assert_num_queries
):
    url = v2_listing(getattr(listings, index))
    get_json(client, url)  # Warms the caches (site root paths, renditions).
    with django_assert_num_queries(V2_LISTING_QUERIES):
        body = get_json(client, url)
    assert len(body["items"]) == (1 if index == "one" else 20)


@pytest.mark.skipif(not WAGTAIL_8, reason="API v3 comes with Wagtail 8")
@pytest.mark.parametrize("index", ["one", "twenty"])
def test_api_v3_listing_costs_a_fixed_number_of_queries(
    listings, client, db, index, django_assert_num_queries
):
    url = v3_listing(getattr(listings, index))
    get_json(client, url)
    with django_assert_num_queries(V3_LISTING_QUERIES):
        body = get_json(client, url)
    assert body["count"] == (1 if index == "one" else 20)


@pytest.mark.skipif(not WAGTAIL_8, reason="API v3 comes with Wagtail 8")
def test_api_v3_detail_costs_no_more_than_a_v2_detail(listings, client, db):
    page = ConditionPage.objects.child_of(listings.twenty).first()
    costs = []
    for url in (f"/api/v2/pages/{page.pk}/", f"/api/v3/pages/{page.pk}/"):
        get_json(client, url)
        with CaptureQueriesContext(connection) as captured:
            get_json(client, url)
        costs.append(len(captured.captured_queries))
    v2, v3 = costs
    assert v3 <= v2


def test_batched_blocks_say_what_each_block_alone_says(listings, client, db):
    """The listing's blocks, fetched together, read as each block does on its own."""
    body = get_json(client, v2_listing(listings.twenty))
    request = RequestFactory().get("/api/v2/pages/")
    for item in body["items"][:3]:
        page = ConditionPage.objects.get(pk=item["id"])
        for name, _heading in ConditionPage.sections:
            value = getattr(page, name)
            alone = value.stream_block.get_api_representation(
                value, context={"page": page, "request": request}
            )
            assert _without_tokens(item[name]) == _without_tokens(alone), name


def _without_tokens(stream):
    stream = copy.deepcopy(stream)
    for child in stream:
        if child["type"] == "appointment_form" and child["value"]["submit"]:
            submit = child["value"]["submit"]
            submit.pop("token")
            submit.pop("token_expires_at")
            submit["url"] = submit["url"].rsplit("/api/", 1)[-1]
    return stream
