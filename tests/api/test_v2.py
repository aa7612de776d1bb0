"""Condition and therapy pages, and every content block, through Wagtail's API v2."""

from django.test import TestCase

from tests.builders.api import (
    CONTENT_BLOCKS,
    blocks_by_type,
    make_condition,
    make_every_block_condition,
)
from tests.builders.pages import (
    BodyAreaFactory,
    ConditionIndexPageFactory,
    TherapyIndexPageFactory,
    TherapyPageFactory,
    assert_same_query_count,
    make_site_tree,
)
from wagtail_conditions import demo
from wagtail_conditions.models import (
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

PAGE_TYPES = {
    ConditionIndexPage: ["intro"],
    ConditionPage: [
        "summary",
        "alternative_names",
        "body_areas",
        "sections",
        "overview",
        "causes",
        "symptoms",
        "urgent_care",
        "treatment",
        "approach_benefits",
        "resources",
        "therapies",
        "last_reviewed",
        "next_review_due",
    ],
    TherapyIndexPage: ["intro"],
    TherapyPage: [
        "summary",
        "session_length",
        "body",
        "what_to_expect",
        "contraindications",
        "conditions",
    ],
}


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


def listing_url(model, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v2/pages/?type={model._meta.label}&fields=*" + (f"&{query}" if query else "")


class DemoContentTests(TestCase):
    """The demo clinic's pages, as a headless front end reads them."""

    @classmethod
    def setUpTestData(cls):
        cls.condition = demo.load_demo()
        cls.therapies = list(TherapyPage.objects.order_by("path"))

    def get(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.json()

    def test_every_page_type_has_a_detail_with_its_api_fields(self):
        for model, fields in PAGE_TYPES.items():
            with self.subTest(model=model.__name__):
                page = model.objects.live().first()
                data = self.get(detail_url(page))
                self.assertEqual(data["meta"]["type"], model._meta.label)
                self.assertEqual([name for name in data if name in fields], fields)

    def test_every_page_type_has_a_listing_with_its_api_fields(self):
        for model, fields in PAGE_TYPES.items():
            with self.subTest(model=model.__name__):
                data = self.get(listing_url(model))
                self.assertEqual(data["meta"]["total_count"], model.objects.live().count())
                for item in data["items"]:
                    self.assertLessEqual(set(fields), set(item))

    def test_condition_has_structured_fields(self):
        data = self.get(detail_url(self.condition))
        self.assertEqual(data["summary"], self.condition.summary)
        self.assertEqual(data["alternative_names"], ["muscle spasm", "muscle cramps", "back spasm"])
        self.assertEqual(
            [(area["name"], area["slug"]) for area in data["body_areas"]],
            [("Back", "back"), ("Arms and legs", "arms-and-legs")],
        )
        self.assertEqual(set(data["body_areas"][0]), {"id", "name", "slug"})
        self.assertIsNone(data["last_reviewed"])
        self.assertIsNone(data["next_review_due"])

    def test_condition_lists_linked_therapies_in_editor_order_with_notes(self):
        data = self.get(detail_url(self.condition))
        self.assertEqual(
            [(item["title"], item["note"]) for item in data["therapies"]],
            [(title, note) for title, _summary, note, *_rest in demo.THERAPIES],
        )
        massage = next(t for t in self.therapies if t.title == "Deep muscle massage")
        self.assertIn(
            {
                "id": massage.pk,
                "title": massage.title,
                "slug": "deep-muscle-massage",
                "url": "/therapies/deep-muscle-massage/",
                "summary": massage.summary,
                "note": "Releases the knotted muscle and brings blood flow back to it.",
            },
            data["therapies"],
        )

    def test_unpublished_therapy_is_left_out_of_a_condition(self):
        self.therapies[0].unpublish()
        data = self.get(detail_url(self.condition))
        self.assertEqual(len(data["therapies"]), len(self.therapies) - 1)
        self.assertNotIn(self.therapies[0].pk, [item["id"] for item in data["therapies"]])

    def test_condition_sections_are_streams_of_blocks(self):
        data = self.get(detail_url(self.condition))
        self.assertEqual(
            [section["name"] for section in data["sections"]],
            ["overview", "urgent_care", "treatment", "approach_benefits", "resources"],
        )
        self.assertEqual(data["sections"][1]["heading"], "When to seek urgent care")
        self.assertEqual(data["causes"], [])
        self.assertEqual(
            [item["type"] for item in data["treatment"]], ["heading", "paragraph", "paragraph"]
        )
        first = data["treatment"][0]
        self.assertEqual(set(first), {"type", "value", "id"})
        self.assertEqual(first["value"], {"text": demo.SEED_TREATMENT_HEADING, "level": "h3"})
        self.assertEqual(data["overview"][0]["value"], f"<p>{demo.SEED_OVERVIEW}</p>")

    def test_demo_blocks_are_resolved(self):
        data = self.get(detail_url(self.condition))
        blocks = blocks_by_type(data, *(name for name, _heading in ConditionPage.sections))
        self.assertEqual(blocks["call_to_action"][0]["href"], "#appointment")
        self.assertIsNone(blocks["call_to_action"][0]["page"])
        self.assertEqual(blocks["callout"][0]["tone"], "urgent")
        self.assertTrue(blocks["callout"][0]["text"].startswith("<ul><li>"))
        therapy_index = TherapyIndexPage.objects.get()
        self.assertEqual(
            [link["value"] for link in blocks["links"][0]["links"]],
            [
                {"page": therapy_index.pk, "url": "/therapies/", "text": "Therapies we offer"},
                {
                    "url": "https://medlineplus.gov/musclecramps.html",
                    "text": "MedlinePlus: Muscle cramps",
                },
            ],
        )

    def test_therapy_lists_the_conditions_that_link_it(self):
        for therapy in self.therapies:
            with self.subTest(therapy=therapy.title):
                data = self.get(detail_url(therapy))
                self.assertEqual(
                    data["conditions"],
                    [
                        {
                            "id": self.condition.pk,
                            "title": "Muscle spasms",
                            "slug": "muscle-spasms",
                            "url": "/conditions/muscle-spasms/",
                            "summary": self.condition.summary,
                        }
                    ],
                )
                self.assertEqual(data["session_length"], therapy.session_length)
                self.assertEqual(data["body"][0]["type"], "paragraph")

    def test_index_pages_give_their_introduction(self):
        for model in (ConditionIndexPage, TherapyIndexPage):
            with self.subTest(model=model.__name__):
                page = model.objects.get()
                self.assertEqual(self.get(detail_url(page))["intro"], page.intro)

    def test_children_of_an_index_are_listed_with_their_fields(self):
        therapy_index = TherapyIndexPage.objects.get()
        data = self.get(listing_url(TherapyPage, child_of=therapy_index.pk, order="title"))
        self.assertEqual(
            [item["title"] for item in data["items"]],
            sorted(title for title, *_rest in demo.THERAPIES),
        )
        self.assertEqual(data["items"][0]["conditions"][0]["title"], "Muscle spasms")

    def test_find_by_html_path_redirects_to_the_detail(self):
        response = self.client.get("/api/v2/pages/find/?html_path=/conditions/muscle-spasms/")
        self.assertRedirects(
            response, f"http://localhost{detail_url(self.condition)}", fetch_redirect_response=False
        )


class BlockRepresentationTests(TestCase):
    """Each block of the content library as API v2 returns it."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.made = make_every_block_condition(cls.tree)

    def setUp(self):
        response = self.client.get(detail_url(self.made.condition))
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.data = response.json()
        self.blocks = blocks_by_type(self.data, *(name for name, _h in ConditionPage.sections))

    def test_the_content_covers_every_block(self):
        self.assertEqual(set(self.blocks), CONTENT_BLOCKS)

    def test_rich_text_links_point_at_urls(self):
        paragraph = self.blocks["paragraph"][0]
        self.assertIn('<a href="/therapies/massage/">massage</a>', paragraph)
        self.assertIn(f'href="{self.made.document.url}"', paragraph)
        self.assertNotIn("linktype", paragraph)
        self.assertEqual(self.blocks["faq"][0]["items"][0]["answer"], paragraph)
        self.assertEqual(self.blocks["callout"][0]["text"], "<p><b>Numbness</b></p>")

    def test_image_is_given_as_renditions_with_alt_text(self):
        image = self.blocks["image"][0]
        self.assertEqual(image["id"], self.made.image.pk)
        self.assertEqual((image["alt"], image["caption"]), ("A therapist at work", "Stretching"))
        self.assertEqual((image["width"], image["height"]), (800, 600))
        self.assertIn(".width-800", image["url"])
        self.assertEqual(
            {name: (r["width"], r["height"]) for name, r in image["renditions"].items()},
            {"thumbnail": (400, 300), "large": (1200, 900)},
        )

    def test_deleted_image_is_null(self):
        self.made.image.delete()
        data = self.client.get(detail_url(self.made.condition)).json()
        self.assertIsNone(blocks_by_type(data, "overview")["image"][0])

    def test_embed_gives_its_html_and_title(self):
        self.assertEqual(
            self.blocks["embed"][0],
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
            },
        )

    def test_links_are_resolved_and_dead_ones_left_out(self):
        links = self.blocks["links"][0]
        self.assertEqual(links["heading"], "Read more")
        self.assertEqual(
            [(link["type"], link["value"]) for link in links["links"]],
            [
                (
                    "page",
                    {"page": self.made.therapy.pk, "url": "/therapies/massage/", "text": "Massage"},
                ),
                (
                    "document",
                    {
                        "document": self.made.document.pk,
                        "url": self.made.document.url,
                        "text": "Leaflet",
                        "file_extension": "pdf",
                    },
                ),
                ("external", {"url": "https://nhs.example/back", "text": "NHS"}),
            ],
        )

    def test_call_to_action_gives_a_resolved_href(self):
        to_page, to_phone = self.blocks["call_to_action"]
        self.assertEqual(
            to_page,
            {
                "heading": "Book",
                "text": "",
                "button_label": "See massage",
                "href": "/therapies/massage/",
                "page": self.made.therapy.pk,
            },
        )
        self.assertEqual((to_phone["href"], to_phone["page"]), ("tel:+441234567890", None))

    def test_plain_blocks_keep_wagtails_representation(self):
        self.assertEqual(self.blocks["heading"], [{"text": "What it is", "level": "h2"}])
        self.assertEqual(
            self.blocks["quote"], [{"quote": "It helped.\nA lot.", "attribution": "A patient"}]
        )
        self.assertEqual(self.blocks["callout"][0]["tone"], "warning")
        self.assertEqual(self.blocks["faq"][0]["items"][0]["question"], "Does it hurt?")

    def test_the_listing_gives_the_same_blocks_as_the_detail(self):
        listing = self.client.get(
            listing_url(ConditionPage, child_of=self.tree.conditions.pk)
        ).json()
        (item,) = listing["items"]
        for name, _heading in ConditionPage.sections:
            self.assertEqual(item[name], self.data[name], name)
        self.assertEqual(item["therapies"], self.data["therapies"])

    def test_alternative_names_are_a_clean_list(self):
        self.assertEqual(self.data["alternative_names"], ["lumbago", "sore back"])

    def test_the_html_page_still_renders_the_blocks(self):
        response = self.client.get(self.made.condition.url)
        self.assertContains(response, 'href="/therapies/massage/"')
        self.assertContains(response, 'class="wc-figure__img"')
        self.assertContains(response, 'alt="A therapist at work"')
        self.assertContains(response, 'class="wc-button" href="tel:+441234567890"')


class QueryCountTests(TestCase):
    """A response costs the same number of queries for 1 linked or listed item as for 20."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.areas = [BodyAreaFactory(), BodyAreaFactory()]

    def test_condition_detail_with_twenty_therapies_costs_the_same_as_with_one(self):
        therapies = TherapyPageFactory.create_batch(20, parent=self.tree.therapies)
        one = make_condition(self.tree.conditions, therapies[:1], self.areas)
        twenty = make_condition(self.tree.conditions, therapies, self.areas)
        self.assertEqual(len(self.client.get(detail_url(twenty)).json()["therapies"]), 20)

        assert_same_query_count(self.client, detail_url(one), detail_url(twenty))

    def test_therapy_detail_with_twenty_conditions_costs_the_same_as_with_one(self):
        one, twenty = TherapyPageFactory.create_batch(2, parent=self.tree.therapies)
        make_condition(self.tree.conditions, [one, twenty], self.areas)
        for _ in range(19):
            make_condition(self.tree.conditions, [twenty], self.areas)
        self.assertEqual(len(self.client.get(detail_url(twenty)).json()["conditions"]), 20)

        assert_same_query_count(self.client, detail_url(one), detail_url(twenty))

    def test_condition_listing_of_twenty_costs_the_same_as_of_one(self):
        therapies = TherapyPageFactory.create_batch(3, parent=self.tree.therapies)
        small = ConditionIndexPageFactory(parent=self.tree.home, slug="small", title="Small")
        large = ConditionIndexPageFactory(parent=self.tree.home, slug="large", title="Large")
        make_condition(small, therapies, self.areas)
        for _ in range(20):
            make_condition(large, therapies, self.areas)
        large_url = listing_url(ConditionPage, child_of=large.pk)
        items = self.client.get(large_url).json()["items"]
        self.assertEqual([len(item["therapies"]) for item in items], [3] * 20)

        assert_same_query_count(self.client, listing_url(ConditionPage, child_of=small.pk), large_url)

    def test_therapy_listing_of_twenty_costs_the_same_as_of_one(self):
        more = TherapyIndexPageFactory(parent=self.tree.home, slug="more", title="More")
        one = TherapyPageFactory(parent=self.tree.therapies)
        twenty = TherapyPageFactory.create_batch(20, parent=more)
        for therapy in [one, *twenty]:
            make_condition(self.tree.conditions, [therapy], self.areas)
        large_url = listing_url(TherapyPage, child_of=more.pk)
        items = self.client.get(large_url).json()["items"]
        self.assertEqual([len(item["conditions"]) for item in items], [1] * 20)

        assert_same_query_count(self.client,
            listing_url(TherapyPage, child_of=self.tree.therapies.pk), large_url
        )
