"""Rendering a page costs the same number of queries however many items it lists, on our pages
and on a host's built on our mixins (``tests/testapp``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from tests.builders.pages import assert_same_query_count, on_each_page_set

pytestmark = [pytest.mark.django_db, on_each_page_set]


@pytest.fixture
def site_tree(db, page_set):
    return page_set.make_tree()


def test_condition_page_with_twenty_therapies_costs_the_same_as_with_one(
    client, site_tree, make_condition, page_set
):
    therapies = page_set.therapy.create_batch(20, parent=site_tree.therapies)
    one = make_condition(site_tree.conditions, therapies[:1])
    twenty = make_condition(site_tree.conditions, therapies)
    response = client.get(twenty.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, one.url, twenty.url)


def test_condition_index_with_twenty_conditions_costs_the_same_as_with_one(
    client, site_tree, make_condition, page_set
):
    therapy = page_set.therapy(parent=site_tree.therapies)
    small = page_set.condition_index(parent=site_tree.home, slug="small", title="Small")
    large = page_set.condition_index(parent=site_tree.home, slug="large", title="Large")
    make_condition(small, [therapy])
    for _ in range(20):
        make_condition(large, [therapy])
    response = client.get(large.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, small.url, large.url)


def test_condition_index_filtered_by_area_and_search_costs_the_same(
    client, site_tree, areas, make_condition, page_set
):
    small = page_set.condition_index(parent=site_tree.home, slug="small", title="Small")
    large = page_set.condition_index(parent=site_tree.home, slug="large", title="Large")
    make_condition(small, [])
    for _ in range(20):
        make_condition(large, [])
    query = f"?area={areas[0].slug}&q=Condition&letter=C"

    assert_same_query_count(client, small.url + query, large.url + query)


def test_therapy_page_with_twenty_conditions_costs_the_same_as_with_one(
    client, site_tree, make_condition, page_set
):
    one = page_set.therapy(parent=site_tree.therapies)
    twenty = page_set.therapy(parent=site_tree.therapies)
    make_condition(site_tree.conditions, [one, twenty])
    for _ in range(19):
        make_condition(site_tree.conditions, [twenty])
    response = client.get(twenty.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, one.url, twenty.url)


def test_therapy_index_with_twenty_therapies_costs_the_same_as_with_one(
    client, site_tree, page_set
):
    small = page_set.therapy_index(parent=site_tree.home, slug="small", title="Small")
    large = page_set.therapy_index(parent=site_tree.home, slug="large", title="Large")
    page_set.therapy(parent=small)
    page_set.therapy.create_batch(20, parent=large)

    assert_same_query_count(client, small.url, large.url)


def test_condition_page_reads_its_body_areas_once(client, site_tree, make_condition):
    condition = make_condition(site_tree.conditions, [])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(condition.url)
    assertContains(response, "Body areas:")
    area_queries = [q["sql"] for q in queries.captured_queries if "_bodyarea" in q["sql"]]
    assert len(area_queries) == 1, area_queries
