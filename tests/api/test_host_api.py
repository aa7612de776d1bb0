"""
A host site's own condition and therapy pages (``tests/testapp``) through API v2 and, on
Wagtail 8, API v3: the same fields as ours, read through the host's link model, at a fixed
number of queries, typed in the OpenAPI document by the same components.
"""

from importlib.util import find_spec

import pytest
from django.test import TestCase

from tests.builders.api import SameQueryCountMixin
from tests.builders.pages import BodyAreaFactory
from tests.testapp.factories import (
    HostConditionPageFactory,
    HostTherapyPageFactory,
    link_host_therapies,
    make_host_tree,
)
from tests.testapp.models import (
    HostConditionIndexPage,
    HostConditionPage,
    HostTherapyIndexPage,
    HostTherapyPage,
)
from wagtail_conditions.models import ConditionPage, TherapyPage

HOST_MODELS = [HostConditionIndexPage, HostConditionPage, HostTherapyIndexPage, HostTherapyPage]


def api_field_names(model):
    return [field.name for field in model.api_fields]


def listing_url(model, version="v2"):
    if version == "v2":
        return f"/api/v2/pages/?type={model._meta.label}&fields=*"
    return f"/api/v3/pages/?type={model._meta.label}"


class HostAPITestCase(SameQueryCountMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.back = BodyAreaFactory(name="Back", slug="back")
        cls.massage = HostTherapyPageFactory(
            parent=cls.tree.therapies, title="Massage", slug="massage", summary="Hands-on."
        )
        cls.ultrasound = HostTherapyPageFactory(
            parent=cls.tree.therapies, title="Ultrasound", slug="ultrasound"
        )
        cls.draft_therapy = HostTherapyPageFactory(parent=cls.tree.therapies, live=False)
        cls.condition = HostConditionPageFactory(
            parent=cls.tree.conditions,
            title="Back pain",
            slug="back-pain",
            summary="Pain in the lower back.",
            alternative_names="lumbago, sore back",
            overview=[("paragraph", "<p>Very common.</p>")],
        )
        cls.condition.body_areas.add(cls.back)
        cls.condition.save()
        link_host_therapies(cls.condition, [cls.massage, cls.draft_therapy], note="Loosens.")
        link_host_therapies(cls.condition, [cls.ultrasound], note="Warms.")

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.json()


class HostAPIv2Tests(HostAPITestCase):
    def test_host_page_types_have_our_api_fields(self):
        self.assertEqual(api_field_names(HostConditionPage), api_field_names(ConditionPage))
        self.assertEqual(api_field_names(HostTherapyPage), api_field_names(TherapyPage))
        for model in HOST_MODELS:
            with self.subTest(model=model.__name__):
                page = model.objects.live().first()
                data = self.get(f"/api/v2/pages/{page.pk}/")
                self.assertEqual(data["meta"]["type"], model._meta.label)
                self.assertLessEqual(set(api_field_names(model)), set(data))

    def test_host_condition_lists_live_linked_therapies_with_notes_body_areas_and_sections(self):
        data = self.get(f"/api/v2/pages/{self.condition.pk}/")
        self.assertEqual(
            data["therapies"],
            [
                {
                    "id": self.massage.pk,
                    "title": "Massage",
                    "slug": "massage",
                    "url": "/our-therapies/massage/",
                    "summary": "Hands-on.",
                    "note": "Loosens.",
                },
                {
                    "id": self.ultrasound.pk,
                    "title": "Ultrasound",
                    "slug": "ultrasound",
                    "url": "/our-therapies/ultrasound/",
                    "summary": self.ultrasound.summary,
                    "note": "Warms.",
                },
            ],
        )
        self.assertEqual(data["body_areas"], [{"id": self.back.pk, "name": "Back", "slug": "back"}])
        self.assertEqual(data["alternative_names"], ["lumbago", "sore back"])
        self.assertEqual(data["sections"], [{"name": "overview", "heading": "Overview"}])
        self.assertEqual(data["overview"][0]["type"], "paragraph")

    def test_host_therapy_lists_the_conditions_that_link_it(self):
        data = self.get(f"/api/v2/pages/{self.massage.pk}/")
        self.assertEqual(
            [(item["id"], item["title"]) for item in data["conditions"]],
            [(self.condition.pk, "Back pain")],
        )

    def test_listings_cost_the_same_for_one_page_or_several(self):
        more = [
            HostConditionPageFactory(parent=self.tree.conditions, title=f"Extra {n}")
            for n in range(3)
        ]
        for page in more:
            link_host_therapies(page, [self.massage, self.ultrasound])
        one = "&limit=1"
        for model in (HostConditionPage, HostTherapyPage):
            with self.subTest(model=model.__name__):
                self.assertSameQueryCount(listing_url(model) + one, listing_url(model))


@pytest.mark.skipif(find_spec("wagtail.api.v3") is None, reason="API v3 is new in Wagtail 8")
class HostAPIv3Tests(HostAPITestCase):
    def openapi(self):
        return self.get("/api/v3/openapi.json")

    def test_host_page_schemas_use_our_typed_components(self):
        schemas = self.openapi()["components"]["schemas"]
        condition = schemas["HostConditionPageSchema"]["properties"]
        therapy = schemas["HostTherapyPageSchema"]["properties"]
        ours = schemas["ConditionPageSchema"]["properties"]
        for schema, name in (
            (condition["therapies"], "WagtailConditionsLinkedTherapy"),
            (condition["body_areas"], "WagtailConditionsBodyArea"),
            (condition["sections"], "WagtailConditionsSection"),
            (therapy["conditions"], "WagtailConditionsLinkedCondition"),
        ):
            with self.subTest(component=name):
                array = next(item for item in schema["anyOf"] if item != {"type": "null"})
                self.assertEqual(array["items"]["$ref"], f"#/components/schemas/{name}")
        self.assertEqual(condition["overview"], ours["overview"])

    def test_v3_returns_what_v2_returns_for_host_pages(self):
        for page in (self.condition, self.massage):
            with self.subTest(page=page.title):
                v3 = self.get(f"/api/v3/pages/{page.pk}/")
                v2 = self.get(f"/api/v2/pages/{page.pk}/")
                for name in api_field_names(type(page)):
                    self.assertEqual(v3[name], v2[name], name)

    def test_v3_host_condition_detail_costs_the_same_with_more_therapies(self):
        few = HostConditionPageFactory(parent=self.tree.conditions, title="Few")
        link_host_therapies(few, [self.massage])
        many = HostConditionPageFactory(parent=self.tree.conditions, title="Many")
        link_host_therapies(
            many, HostTherapyPageFactory.create_batch(5, parent=self.tree.therapies)
        )
        self.assertSameQueryCount(f"/api/v3/pages/{few.pk}/", f"/api/v3/pages/{many.pk}/")
