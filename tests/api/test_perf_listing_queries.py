"""
An API listing costs a fixed number of queries however many pages it lists, with every block
type (an appointment form and links to pages among them) on every page: the response's stream
blocks fetch what they reference once for all its pages (wagtail_conditions/blocks/batch.py).
"""

import copy
from types import SimpleNamespace

import pytest
import wagtail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.builders.api import every_block_condition, make_every_block_refs
from tests.builders.pages import on_each_page_set, rolled_back
from wagtail_conditions.blocks import SectionStreamBlock

pytestmark = on_each_page_set

WAGTAIL_8 = wagtail.VERSION >= (8,)

# The queries of a listing of condition pages with every field, whatever the number of pages,
# on our pages and on the host's alike.
# API v2: 8 for the listing itself (Wagtail's view-restriction checks, the site, the parent
# page, the count, the pages), 2 for body areas and therapy links, 1 image, 2 page choosers
# (links list, call to action), 1 document chooser, 3 for the rich text's links (pages, their
# specific types, documents), 1 for the embeds, 2 for the site's appointment settings and their
# privacy page, 2 for the structured data (the pages' ancestors for their breadcrumbs, the
# request's clinic settings, which the care levels blocks' numbers read too: blocks/batch.py and
# structured_data.py both take them from Wagtail's cache on the request).
V2_LISTING_QUERIES = 22
# API v3 lists pages with their base fields only (id, title, meta): no block is serialized.
V3_LISTING_QUERIES = 6


@pytest.fixture(scope="module")
def listings(page_set, module_transaction, django_db_blocker):
    """Two condition indexes of ``page_set``: one with 1 every-block condition, one with 20."""
    with rolled_back(django_db_blocker):
        tree = page_set.make_tree()
        refs = make_every_block_refs(tree, page_set)
        one = page_set.condition_index(parent=tree.home, slug="one", title="One")
        twenty = page_set.condition_index(parent=tree.home, slug="twenty", title="Twenty")
        every_block_condition(one, 0, refs, page_set)
        for number in range(1, 21):
            every_block_condition(twenty, number, refs, page_set)
        yield SimpleNamespace(one=one, twenty=twenty, model=page_set.condition._meta.model)


def v2_listing(listings, index):
    return (
        f"/api/v2/pages/?type={listings.model._meta.label}"
        f"&child_of={getattr(listings, index).pk}&fields=*"
    )


def v3_listing(listings, index):
    return (
        f"/api/v3/pages/?type={listings.model._meta.label}&child_of={getattr(listings, index).pk}"
    )


def test_the_pages_use_every_block_type(listings, get, db):
    item = get(v2_listing(listings, "one"))["items"][0]
    used = {child["type"] for name, _heading in listings.model.sections for child in item[name]}
    assert used == set(SectionStreamBlock().child_blocks)


@pytest.mark.parametrize("index", ["one", "twenty"])
def test_api_v2_listing_costs_a_fixed_number_of_queries(
    listings, get, db, index, django_assert_num_queries
):
    url = v2_listing(listings, index)
    get(url)  # Warms the caches (site root paths, renditions).
    with django_assert_num_queries(V2_LISTING_QUERIES):
        body = get(url)
    assert len(body["items"]) == (1 if index == "one" else 20)


@pytest.mark.skipif(not WAGTAIL_8, reason="API v3 comes with Wagtail 8")
@pytest.mark.parametrize("index", ["one", "twenty"])
def test_api_v3_listing_costs_a_fixed_number_of_queries(
    listings, get, db, index, django_assert_num_queries
):
    url = v3_listing(listings, index)
    get(url)
    with django_assert_num_queries(V3_LISTING_QUERIES):
        body = get(url)
    assert body["count"] == (1 if index == "one" else 20)


@pytest.mark.skipif(not WAGTAIL_8, reason="API v3 comes with Wagtail 8")
def test_api_v3_detail_costs_no_more_than_a_v2_detail(listings, get, db):
    page = listings.model.objects.child_of(listings.twenty).first()
    costs = []
    for url in (f"/api/v2/pages/{page.pk}/", f"/api/v3/pages/{page.pk}/"):
        get(url)
        with CaptureQueriesContext(connection) as captured:
            get(url)
        costs.append(len(captured.captured_queries))
    v2, v3 = costs
    assert v3 <= v2


def test_batched_blocks_say_what_each_block_alone_says(listings, get, db):
    """The listing's blocks, fetched together, read as each block does on its own."""
    body = get(v2_listing(listings, "twenty"))
    request = RequestFactory().get("/api/v2/pages/")
    for item in body["items"][:3]:
        page = listings.model.objects.get(pk=item["id"])
        for name, _heading in listings.model.sections:
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
