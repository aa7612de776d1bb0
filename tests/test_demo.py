"""The ``load_conditions_demo`` command: the Muscle spasms page and its six therapies."""

import html
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from wagtail.models import Page, Site

from wagtail_conditions import demo
from wagtail_conditions.models import (
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    TherapyIndexPage,
    TherapyPage,
)

THERAPY_TITLES = [therapy[0] for therapy in demo.THERAPIES]

# Every paragraph of the clinic's original page (shared/seed/muscle-spasms.txt), in its order.
# The list items of the seed are the six therapies, which the page lists from its therapy links.
SEED_PARAGRAPHS = [
    demo.SEED_OVERVIEW,
    demo.SEED_CTA,
    demo.SEED_TREATMENT_HEADING,
    demo.SEED_TREATMENT,
    demo.SEED_TREATMENT_LIST_INTRO,
    *THERAPY_TITLES,
    demo.SEED_TREATMENT_OUTRO,
    demo.SEED_ADVANTAGES_HEADING,
    demo.SEED_ADVANTAGES,
    demo.SEED_RESOURCES_HEADING,
]


def load_demo(*args):
    out = StringIO()
    call_command("load_conditions_demo", *args, stdout=out)
    return out.getvalue()


def page_counts():
    return {
        model.__name__: model.objects.count()
        for model in (ConditionIndexPage, TherapyIndexPage, TherapyPage, ConditionPage)
    } | {
        "links": ConditionTherapy.objects.count(),
        "areas": BodyArea.objects.count(),
        "pages": Page.objects.count(),
    }


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = Site.objects.get(is_default_site=True).root_page
        cls.output = load_demo()

    def test_both_indexes_are_created_and_published_under_the_site_root(self):
        conditions = ConditionIndexPage.objects.get()
        therapies = TherapyIndexPage.objects.get()
        for index in (conditions, therapies):
            with self.subTest(index=index.title):
                self.assertEqual(index.get_parent(), self.home)
                self.assertTrue(index.live)
                self.assertFalse(index.has_unpublished_changes)
        self.assertEqual(conditions.url, "/conditions/")
        self.assertEqual(therapies.url, "/therapies/")

    def test_six_therapies_are_published_under_the_therapy_index(self):
        therapies = TherapyPage.objects.child_of(TherapyIndexPage.objects.get())
        self.assertEqual(sorted(therapies.values_list("title", flat=True)), sorted(THERAPY_TITLES))
        for therapy in therapies:
            with self.subTest(therapy=therapy.title):
                self.assertTrue(therapy.live)
                self.assertTrue(therapy.summary)
                self.assertTrue(therapy.session_length)
                self.assertTrue(therapy.body and therapy.what_to_expect and therapy.contraindications)

    def test_muscle_spasms_links_the_six_therapies_in_seed_order(self):
        condition = ConditionPage.objects.get(slug="muscle-spasms")
        self.assertTrue(condition.live)
        links = list(condition.get_therapy_links())
        self.assertEqual([link.therapy.title for link in links], THERAPY_TITLES)
        self.assertEqual([link.note for link in links], [therapy[2] for therapy in demo.THERAPIES])
        self.assertEqual(
            set(condition.body_areas.values_list("slug", flat=True)), {"back", "arms-and-legs"}
        )

    def test_muscle_spasms_page_carries_every_paragraph_of_the_seed_in_order(self):
        condition = ConditionPage.objects.get(slug="muscle-spasms")
        response = self.client.get(condition.url)
        self.assertEqual(response.status_code, 200)
        text = html.unescape(response.content.decode())
        position = 0
        for paragraph in SEED_PARAGRAPHS:
            with self.subTest(paragraph=paragraph[:40]):
                found = text.lower().find(paragraph.lower(), position)
                self.assertGreater(found, -1, f"missing or out of order: {paragraph[:60]!r}")
                position = found + len(paragraph)

    def test_each_therapy_page_lists_muscle_spasms(self):
        for therapy in TherapyPage.objects.all():
            with self.subTest(therapy=therapy.title):
                self.assertEqual(
                    [c.title for c in therapy.get_conditions()], ["Muscle spasms"]
                )

    def test_every_demo_page_renders(self):
        for page in Page.objects.type(ConditionIndexPage, TherapyIndexPage, TherapyPage, ConditionPage):
            with self.subTest(page=page.title):
                self.assertEqual(self.client.get(page.url).status_code, 200)

    def test_command_reports_what_it_did(self):
        self.assertIn("Created condition “Muscle spasms”", self.output)
        self.assertIn("Demo content is ready.", self.output)

    def test_running_it_again_creates_nothing_new(self):
        before = page_counts()
        output = load_demo()
        self.assertEqual(page_counts(), before)
        self.assertIn("Kept condition “Muscle spasms”", output)
        self.assertIn("Kept therapy index", output)

    def test_running_it_again_keeps_editor_changes(self):
        condition = ConditionPage.objects.get(slug="muscle-spasms")
        condition.summary = "Edited by the clinic."
        condition.therapy_links.filter(therapy__slug="applied-kinesiology").delete()
        condition.save_revision().publish()
        therapy = TherapyPage.objects.get(slug="ultrasound-therapy")
        therapy.title = "Therapeutic ultrasound"
        therapy.save_revision().publish()
        area = BodyArea.objects.get(slug="back")
        area.name = "Lower back"
        area.save()

        load_demo()

        condition = ConditionPage.objects.get(slug="muscle-spasms")
        self.assertEqual(condition.summary, "Edited by the clinic.")
        self.assertEqual(condition.therapy_links.count(), 5)
        self.assertEqual(TherapyPage.objects.get(slug="ultrasound-therapy").title, "Therapeutic ultrasound")
        self.assertEqual(BodyArea.objects.get(slug="back").name, "Lower back")
        self.assertFalse(TherapyPage.objects.filter(title="Ultrasound therapy").exists())


class LoadDemoOptionsTests(TestCase):
    def test_parent_option_puts_the_indexes_under_that_page(self):
        home = Site.objects.get(is_default_site=True).root_page
        section = home.add_child(instance=Page(title="Clinic", slug="clinic"))
        load_demo("--parent", str(section.pk))
        self.assertEqual(ConditionIndexPage.objects.get().get_parent(), section)
        self.assertEqual(TherapyIndexPage.objects.get().get_parent(), section)
        self.assertEqual(ConditionPage.objects.get().url, "/clinic/conditions/muscle-spasms/")

    def test_parent_option_with_an_unknown_id_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "There is no page with ID 999999."):
            load_demo("--parent", "999999")
        self.assertFalse(ConditionPage.objects.exists())

    def test_parent_option_must_be_a_number(self):
        with self.assertRaises(CommandError):
            load_demo("--parent", "home")

    def test_without_a_default_site_it_is_an_error(self):
        Site.objects.update(is_default_site=False)
        with self.assertRaisesMessage(CommandError, "There is no default Wagtail site"):
            load_demo()
        self.assertFalse(BodyArea.objects.exists())
