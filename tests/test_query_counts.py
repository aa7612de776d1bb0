"""Rendering a page costs the same number of queries however many items it lists."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BodyAreaFactory,
    ConditionIndexPageFactory,
    ConditionPageFactory,
    TherapyIndexPageFactory,
    TherapyPageFactory,
    link_therapies,
    make_site_tree,
)


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.areas = [BodyAreaFactory(), BodyAreaFactory()]

    def assertSameQueryCount(self, small_url, large_url):
        """Render both URLs once to warm caches, then compare the cost of rendering them again."""
        self.assertEqual(self.client.get(small_url).status_code, 200)
        self.assertEqual(self.client.get(large_url).status_code, 200)
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.client.get(small_url).status_code, 200)
        with self.assertNumQueries(len(small.captured_queries)):
            self.assertEqual(self.client.get(large_url).status_code, 200)

    def make_condition(self, parent, therapies):
        condition = ConditionPageFactory(
            parent=parent,
            overview=[("paragraph", "<p>Overview.</p>")],
            treatment=[("paragraph", "<p>Treatment.</p>")],
        )
        condition.body_areas.set(self.areas)
        condition.save()
        link_therapies(condition, therapies)
        return condition

    def test_condition_page_with_twenty_therapies_costs_the_same_as_with_one(self):
        therapies = TherapyPageFactory.create_batch(20, parent=self.tree.therapies)
        one = self.make_condition(self.tree.conditions, therapies[:1])
        twenty = self.make_condition(self.tree.conditions, therapies)
        response = self.client.get(twenty.url)
        self.assertContains(response, 'class="wc-card"', count=20)

        self.assertSameQueryCount(one.url, twenty.url)

    def test_condition_index_with_twenty_conditions_costs_the_same_as_with_one(self):
        therapy = TherapyPageFactory(parent=self.tree.therapies)
        small = ConditionIndexPageFactory(parent=self.tree.home, slug="small", title="Small")
        large = ConditionIndexPageFactory(parent=self.tree.home, slug="large", title="Large")
        self.make_condition(small, [therapy])
        for _ in range(20):
            self.make_condition(large, [therapy])
        response = self.client.get(large.url)
        self.assertContains(response, 'class="wc-card"', count=20)

        self.assertSameQueryCount(small.url, large.url)

    def test_condition_index_filtered_by_area_and_search_costs_the_same(self):
        small = ConditionIndexPageFactory(parent=self.tree.home, slug="small", title="Small")
        large = ConditionIndexPageFactory(parent=self.tree.home, slug="large", title="Large")
        self.make_condition(small, [])
        for _ in range(20):
            self.make_condition(large, [])
        query = f"?area={self.areas[0].slug}&q=Condition&letter=C"

        self.assertSameQueryCount(small.url + query, large.url + query)

    def test_therapy_page_with_twenty_conditions_costs_the_same_as_with_one(self):
        one = TherapyPageFactory(parent=self.tree.therapies)
        twenty = TherapyPageFactory(parent=self.tree.therapies)
        self.make_condition(self.tree.conditions, [one, twenty])
        for _ in range(19):
            self.make_condition(self.tree.conditions, [twenty])
        response = self.client.get(twenty.url)
        self.assertContains(response, 'class="wc-card"', count=20)

        self.assertSameQueryCount(one.url, twenty.url)

    def test_therapy_index_with_twenty_therapies_costs_the_same_as_with_one(self):
        small = TherapyIndexPageFactory(parent=self.tree.home, slug="small", title="Small")
        large = TherapyIndexPageFactory(parent=self.tree.home, slug="large", title="Large")
        TherapyPageFactory(parent=small)
        TherapyPageFactory.create_batch(20, parent=large)

        self.assertSameQueryCount(small.url, large.url)

    def test_condition_page_reads_its_body_areas_once(self):
        condition = self.make_condition(self.tree.conditions, [])
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(condition.url)
        self.assertContains(response, "Body areas:")
        area_queries = [q["sql"] for q in queries.captured_queries if "_bodyarea" in q["sql"]]
        self.assertEqual(len(area_queries), 1, area_queries)
