"""Rendering a page costs the same number of queries however many items it lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from tests.builders.pages import (
    ConditionIndexPageFactory,
    TherapyIndexPageFactory,
    TherapyPageFactory,
    assert_same_query_count,
)

pytestmark = pytest.mark.django_db


def test_condition_page_with_twenty_therapies_costs_the_same_as_with_one(
    client, site_tree, make_condition
):
    therapies = TherapyPageFactory.create_batch(20, parent=site_tree.therapies)
    one = make_condition(site_tree.conditions, therapies[:1])
    twenty = make_condition(site_tree.conditions, therapies)
    response = client.get(twenty.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, one.url, twenty.url)


def test_condition_index_with_twenty_conditions_costs_the_same_as_with_one(
    client, site_tree, make_condition
):
    therapy = TherapyPageFactory(parent=site_tree.therapies)
    small = ConditionIndexPageFactory(parent=site_tree.home, slug="small", title="Small")
    large = ConditionIndexPageFactory(parent=site_tree.home, slug="large", title="Large")
    make_condition(small, [therapy])
    for _ in range(20):
        make_condition(large, [therapy])
    response = client.get(large.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, small.url, large.url)


def test_condition_index_filtered_by_area_and_search_costs_the_same(
    client, site_tree, areas, make_condition
):
    small = ConditionIndexPageFactory(parent=site_tree.home, slug="small", title="Small")
    large = ConditionIndexPageFactory(parent=site_tree.home, slug="large", title="Large")
    make_condition(small, [])
    for _ in range(20):
        make_condition(large, [])
    query = f"?area={areas[0].slug}&q=Condition&letter=C"

    assert_same_query_count(client, small.url + query, large.url + query)


def test_therapy_page_with_twenty_conditions_costs_the_same_as_with_one(
    client, site_tree, make_condition
):
    one = TherapyPageFactory(parent=site_tree.therapies)
    twenty = TherapyPageFactory(parent=site_tree.therapies)
    make_condition(site_tree.conditions, [one, twenty])
    for _ in range(19):
        make_condition(site_tree.conditions, [twenty])
    response = client.get(twenty.url)
    assertContains(response, 'class="wc-card"', count=20)

    assert_same_query_count(client, one.url, twenty.url)


def test_therapy_index_with_twenty_therapies_costs_the_same_as_with_one(client, site_tree):
    small = TherapyIndexPageFactory(parent=site_tree.home, slug="small", title="Small")
    large = TherapyIndexPageFactory(parent=site_tree.home, slug="large", title="Large")
    TherapyPageFactory(parent=small)
    TherapyPageFactory.create_batch(20, parent=large)

    assert_same_query_count(client, small.url, large.url)


def test_condition_page_reads_its_body_areas_once(client, site_tree, make_condition):
    condition = make_condition(site_tree.conditions, [])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(condition.url)
    assertContains(response, "Body areas:")
    area_queries = [q["sql"] for q in queries.captured_queries if "_bodyarea" in q["sql"]]
    assert len(area_queries) == 1, area_queries
