"""Condition and therapy page types: where they may live, creating them in the admin, rendering."""

from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.builders.pages import (
    HOST,
    OURS,
    BodyAreaFactory,
    TherapyPageFactory,
    make_site_tree,
)
from tests.testapp.models import HostPage
from wagtail_conditions.models import (
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

CONDITION_SECTIONS = [
    "overview",
    "causes",
    "symptoms",
    "urgent_care",
    "treatment",
    "approach_benefits",
    "resources",
]


class PageTypeRulesTests(WagtailPageTestCase):
    def test_condition_index_can_be_created_under_a_plain_page(self):
        self.assertCanCreateAt(Page, ConditionIndexPage)
        parents = set(ConditionIndexPage.allowed_parent_page_models())
        self.assertTrue({Page, HostPage} <= parents)
        self.assertFalse({ConditionPage, TherapyPage, ConditionIndexPage} & parents)

    def test_therapy_index_can_be_created_under_a_plain_page(self):
        self.assertCanCreateAt(Page, TherapyIndexPage)
        parents = set(TherapyIndexPage.allowed_parent_page_models())
        self.assertTrue({Page, HostPage} <= parents)
        self.assertFalse({ConditionPage, TherapyPage, ConditionIndexPage} & parents)

    def test_condition_index_only_holds_condition_pages(self):
        self.assertAllowedSubpageTypes(ConditionIndexPage, {ConditionPage})
        self.assertCanNotCreateAt(ConditionIndexPage, TherapyPage)
        self.assertCanNotCreateAt(ConditionIndexPage, ConditionIndexPage)

    def test_therapy_index_only_holds_therapy_pages(self):
        self.assertAllowedSubpageTypes(TherapyIndexPage, {TherapyPage})
        self.assertCanNotCreateAt(TherapyIndexPage, ConditionPage)

    def test_condition_page_lives_only_under_a_condition_index(self):
        self.assertAllowedParentPageTypes(ConditionPage, {ConditionIndexPage})
        self.assertCanNotCreateAt(Page, ConditionPage)
        self.assertCanNotCreateAt(TherapyIndexPage, ConditionPage)

    def test_therapy_page_lives_only_under_a_therapy_index(self):
        self.assertAllowedParentPageTypes(TherapyPage, {TherapyIndexPage})
        self.assertCanNotCreateAt(Page, TherapyPage)

    def test_condition_and_therapy_pages_have_no_children(self):
        self.assertAllowedSubpageTypes(ConditionPage, set())
        self.assertAllowedSubpageTypes(TherapyPage, set())

    def test_index_pages_can_be_created_under_any_page_type_by_default(self):
        self.assertCanCreateAt(HostPage, ConditionIndexPage)
        self.assertCanCreateAt(HostPage, TherapyIndexPage)
        self.assertCanCreateAt(Page, ConditionIndexPage)

    @override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["testapp.HostPage"]})
    def test_index_parent_page_types_setting_changes_the_allowed_parents(self):
        self.assertAllowedParentPageTypes(ConditionIndexPage, {HostPage})
        self.assertAllowedParentPageTypes(TherapyIndexPage, {HostPage})
        self.assertCanCreateAt(HostPage, ConditionIndexPage)
        self.assertCanNotCreateAt(Page, ConditionIndexPage)
        self.assertCanNotCreateAt(Page, TherapyIndexPage)

    def test_index_parent_page_types_setting_is_read_again_after_an_override_ends(self):
        with override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["testapp.HostPage"]}):
            self.assertCanNotCreateAt(Page, ConditionIndexPage)
        self.assertCanCreateAt(Page, ConditionIndexPage)


class AdminCreationTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_site_tree()
        cls.back = BodyAreaFactory(name="Back", slug="back")
        cls.legs = BodyAreaFactory(name="Arms and legs", slug="arms-and-legs")
        cls.massage = TherapyPageFactory(parent=cls.tree.therapies, title="Deep muscle massage")
        cls.ultrasound = TherapyPageFactory(parent=cls.tree.therapies, title="Ultrasound therapy")

    def setUp(self):
        self.login()

    def test_condition_index_page_can_be_created_in_the_admin(self):
        data = nested_form_data(
            {
                "title": "Conditions A to Z",
                "slug": "a-to-z",
                "intro": "Find a condition to learn how we can help.",
                "comments": inline_formset([]),
            }
        )
        self.assertCanCreate(self.tree.home, ConditionIndexPage, data)
        page = ConditionIndexPage.objects.get(slug="a-to-z")
        self.assertTrue(page.live)
        self.assertEqual(page.intro, "Find a condition to learn how we can help.")

    def test_therapy_index_page_can_be_created_in_the_admin(self):
        data = nested_form_data(
            {
                "title": "Our therapies",
                "slug": "our-therapies",
                "intro": "Hands-on treatments.",
                "comments": inline_formset([]),
            }
        )
        self.assertCanCreate(self.tree.home, TherapyIndexPage, data)
        self.assertEqual(TherapyIndexPage.objects.get(slug="our-therapies").intro, "Hands-on treatments.")

    def test_therapy_page_can_be_created_in_the_admin_with_its_streamfields(self):
        data = nested_form_data(
            {
                "title": "Trigger point therapy",
                "slug": "trigger-point-therapy",
                "summary": "Steady pressure on tight, tender knots in a muscle.",
                "session_length": "30 minutes",
                "body": streamfield(
                    [
                        ("heading", {"text": "How it works", "level": "h3"}),
                        ("paragraph", rich_text("<p>Holding pressure helps fibres release.</p>")),
                    ]
                ),
                "what_to_expect": streamfield(
                    [("paragraph", rich_text("<p>Your practitioner finds the tender points.</p>"))]
                ),
                "contraindications": streamfield(
                    [
                        (
                            "callout",
                            {
                                "tone": "warning",
                                "heading": "Not suitable if",
                                "text": rich_text(
                                    "<p>You have a bleeding disorder.</p>",
                                    features=["bold", "italic", "ul", "ol", "link"],
                                ),
                            },
                        )
                    ]
                ),
                "comments": inline_formset([]),
            }
        )
        self.assertCanCreate(self.tree.therapies, TherapyPage, data)

        page = TherapyPage.objects.get(slug="trigger-point-therapy")
        self.assertEqual(page.session_length, "30 minutes")
        self.assertEqual([block.block_type for block in page.body], ["heading", "paragraph"])
        self.assertEqual(page.body[0].value["text"], "How it works")
        self.assertIn("Holding pressure helps fibres release.", page.body[1].value.source)
        self.assertEqual(page.contraindications[0].value["tone"], "warning")

    def test_condition_page_can_be_created_with_two_linked_therapies_and_body_areas(self):
        sections = {name: streamfield([]) for name in CONDITION_SECTIONS}
        sections["overview"] = streamfield(
            [("paragraph", rich_text("<p>Sudden, involuntary contractions of a muscle.</p>"))]
        )
        sections["treatment"] = streamfield(
            [("heading", {"text": "Integrative care", "level": "h2"})]
        )
        data = nested_form_data(
            {
                "title": "Muscle spasms",
                "slug": "muscle-spasms",
                "summary": "Sudden, involuntary and painful tightening of a muscle.",
                "alternative_names": "muscle cramps, back spasm",
                **sections,
                "therapy_links": inline_formset(
                    [
                        {"therapy": self.ultrasound.pk, "note": "Warms the deep fibres."},
                        {"therapy": self.massage.pk, "note": "Releases the knotted muscle."},
                    ]
                ),
                "last_reviewed": "2025-01-15",
                "next_review_due": "2026-01-15",
                "comments": inline_formset([]),
            }
        )
        data["body_areas"] = [str(self.back.pk), str(self.legs.pk)]

        self.assertCanCreate(self.tree.conditions, ConditionPage, data)

        page = ConditionPage.objects.get(slug="muscle-spasms")
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().specific, self.tree.conditions)
        self.assertEqual(set(page.body_areas.all()), {self.back, self.legs})
        self.assertEqual(
            [(link.therapy, link.note) for link in page.get_therapy_links()],
            [
                (self.ultrasound, "Warms the deep fibres."),
                (self.massage, "Releases the knotted muscle."),
            ],
        )
        self.assertEqual(page.alternative_names_list, ["muscle cramps", "back spasm"])
        self.assertEqual(str(page.last_reviewed), "2025-01-15")
        self.assertEqual(list(self.massage.get_conditions()), [page])

    def test_condition_page_cannot_link_the_same_therapy_twice(self):
        data = nested_form_data(
            {
                "title": "Neck pain",
                "slug": "neck-pain",
                "summary": "Pain and stiffness in the neck.",
                **{name: streamfield([]) for name in CONDITION_SECTIONS},
                "therapy_links": inline_formset(
                    [{"therapy": self.massage.pk, "note": ""}, {"therapy": self.massage.pk, "note": ""}]
                ),
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        )
        add_url = reverse(
            "wagtailadmin_pages:add",
            args=["wagtail_conditions", "conditionpage", self.tree.conditions.pk],
        )
        response = self.client.post(add_url, data)

        self.assertEqual(response.status_code, 200)
        formset = response.context["form"].formsets["therapy_links"]
        self.assertFalse(formset.is_valid())
        self.assertFalse(ConditionPage.objects.filter(slug="neck-pain").exists())

    def test_condition_page_requires_a_summary(self):
        data = nested_form_data(
            {
                "title": "Neck pain",
                "summary": "",
                **{name: streamfield([]) for name in CONDITION_SECTIONS},
                "therapy_links": inline_formset([]),
                "comments": inline_formset([]),
            }
        )
        with self.assertRaisesMessage(AssertionError, "summary"):
            self.assertCanCreate(self.tree.conditions, ConditionPage, data)


class RenderingTests(WagtailPageTestCase):
    pages = OURS

    @classmethod
    def setUpTestData(cls):
        cls.tree = cls.pages.make_tree()
        cls.back = BodyAreaFactory(name="Lower back", slug="lower-back")
        cls.massage = cls.pages.therapy(
            parent=cls.tree.therapies,
            title="Deep muscle massage",
            summary="Firm, slow massage of the deeper layers of muscle.",
            session_length="30 to 60 minutes",
            body=[("paragraph", "<p>Slow strokes and sustained pressure.</p>")],
            what_to_expect=[("paragraph", "<p>You lie on a treatment table.</p>")],
            contraindications=[("paragraph", "<p>Not over blood clots.</p>")],
        )
        cls.condition = cls.pages.condition(
            parent=cls.tree.conditions,
            title="Muscle spasms",
            summary="Sudden, involuntary tightening of a muscle.",
            alternative_names="muscle cramps, back spasm",
            overview=[("paragraph", "<p>A common, painful ailment.</p>")],
            treatment=[("paragraph", "<p>Integrative care relaxes the muscle.</p>")],
        )
        cls.condition.body_areas.add(cls.back)
        cls.condition.save()
        cls.pages.link(cls.condition, [cls.massage], note="Releases the knotted muscle.")

    def test_every_page_type_renders(self):
        for page in (self.tree.conditions, self.tree.therapies, self.condition, self.massage):
            with self.subTest(page=page.specific_class.__name__):
                self.assertPageIsRenderable(page)

    def test_condition_page_shows_its_sections_therapies_and_body_areas(self):
        response = self.client.get(self.condition.url)
        self.assertTemplateUsed(response, "wagtail_conditions/condition_page.html")
        self.assertContains(response, "<h1>Muscle spasms</h1>", html=True)
        self.assertContains(
            response, '<p class="wc-alt-names">Also called: muscle cramps, back spasm</p>', html=True
        )
        self.assertContains(response, '<h2 id="overview-heading">Overview</h2>', html=True)
        self.assertContains(response, '<h2 id="treatment-heading">How we treat it</h2>', html=True)
        self.assertNotContains(response, 'id="causes"')
        self.assertContains(response, "A common, painful ailment.")
        self.assertContains(response, f'<a href="{self.massage.url}">Deep muscle massage</a>', html=True)
        self.assertContains(response, "Releases the knotted muscle.")
        self.assertContains(response, "Body areas: Lower back")
        self.assertContains(response, '<nav class="wc-contents" aria-label="On this page">')

    def test_condition_page_without_a_treatment_section_still_lists_its_therapies(self):
        condition = self.pages.condition(parent=self.tree.conditions, title="Cramp")
        self.pages.link(condition, [self.massage])
        response = self.client.get(condition.url)
        self.assertContains(response, '<h2 id="therapies-heading">Therapies we use</h2>', html=True)
        self.assertContains(response, f'href="{self.massage.url}"')

    def test_condition_page_hides_unpublished_therapies(self):
        draft = self.pages.therapy(parent=self.tree.therapies, title="Draft therapy", live=False)
        self.pages.link(self.condition, [draft])
        response = self.client.get(self.condition.url)
        self.assertContains(response, "Deep muscle massage")
        self.assertNotContains(response, "Draft therapy")

    def test_therapy_page_shows_its_sections_and_the_conditions_it_helps(self):
        response = self.client.get(self.massage.url)
        self.assertTemplateUsed(response, "wagtail_conditions/therapy_page.html")
        self.assertContains(response, "<h1>Deep muscle massage</h1>", html=True)
        self.assertContains(
            response, "<p class=\"wc-meta\"><strong>Typical session:</strong> 30 to 60 minutes</p>", html=True
        )
        self.assertContains(response, '<h2 id="about-heading">About this therapy</h2>', html=True)
        self.assertContains(response, "Slow strokes and sustained pressure.")
        self.assertContains(response, "You lie on a treatment table.")
        self.assertContains(response, "Not over blood clots.")
        self.assertContains(response, f'<a href="{self.condition.url}">Muscle spasms</a>', html=True)

    def test_therapy_index_lists_live_therapies_as_cards(self):
        self.pages.therapy(parent=self.tree.therapies, title="Hidden draft", live=False)
        response = self.client.get(self.tree.therapies.url)
        self.assertTemplateUsed(response, "wagtail_conditions/therapy_index_page.html")
        self.assertContains(response, f'<a href="{self.massage.url}">Deep muscle massage</a>', html=True)
        self.assertContains(response, "Firm, slow massage of the deeper layers of muscle.")
        self.assertNotContains(response, "Hidden draft")

    def test_pages_show_breadcrumbs_to_their_index(self):
        response = self.client.get(self.condition.url)
        self.assertContains(
            response, f'<a href="{self.tree.conditions.url}">{self.tree.conditions.title}</a>', html=True
        )

    def test_meta_description_falls_back_to_the_summary(self):
        response = self.client.get(self.condition.url)
        self.assertContains(
            response,
            '<meta name="description" content="Sudden, involuntary tightening of a muscle.">',
            html=True,
        )
        self.assertEqual(self.massage.get_meta_description(), self.massage.summary)

    def test_meta_description_prefers_the_search_description(self):
        self.condition.search_description = "Relief for muscle spasms."
        self.condition.save()
        self.massage.search_description = "Deep tissue massage at the clinic."
        self.assertEqual(self.condition.get_meta_description(), "Relief for muscle spasms.")
        self.assertEqual(self.massage.get_meta_description(), "Deep tissue massage at the clinic.")
        response = self.client.get(self.condition.url)
        self.assertContains(
            response, '<meta name="description" content="Relief for muscle spasms.">', html=True
        )


class DerivedConditionLinkTests(WagtailPageTestCase):
    pages = OURS

    @classmethod
    def setUpTestData(cls):
        cls.tree = cls.pages.make_tree()
        cls.therapy = cls.pages.therapy(parent=cls.tree.therapies, title="Ultrasound therapy")
        cls.other = cls.pages.therapy(parent=cls.tree.therapies, title="Electrical stimulation")

    def test_therapy_lists_the_live_conditions_that_link_it_in_title_order(self):
        spasms = self.pages.condition(parent=self.tree.conditions, title="Muscle spasms")
        ache = self.pages.condition(parent=self.tree.conditions, title="Back ache")
        self.pages.link(spasms, [self.therapy])
        self.pages.link(ache, [self.other, self.therapy])
        self.assertEqual(list(self.therapy.get_conditions()), [ache, spasms])
        self.assertEqual(list(self.other.get_conditions()), [ache])

    def test_therapy_does_not_list_draft_conditions(self):
        draft = self.pages.condition(parent=self.tree.conditions, title="Draft", live=False)
        self.pages.link(draft, [self.therapy])
        self.assertEqual(list(self.therapy.get_conditions()), [])
        response = self.client.get(self.therapy.url)
        self.assertNotContains(response, "Conditions it helps with")

    def test_therapy_lists_each_condition_once(self):
        spasms = self.pages.condition(parent=self.tree.conditions, title="Muscle spasms")
        cramp = self.pages.condition(parent=self.tree.conditions, title="Cramp")
        self.pages.link(spasms, [self.therapy])
        self.pages.link(cramp, [self.therapy, self.other])
        conditions = list(self.therapy.get_conditions())
        self.assertEqual(conditions, [cramp, spasms])
        response = self.client.get(self.therapy.url)
        self.assertContains(response, f'href="{spasms.url}"', count=1)

    def test_therapy_with_no_links_lists_no_conditions(self):
        self.pages.condition(parent=self.tree.conditions, title="Unrelated")
        self.assertEqual(list(self.therapy.get_conditions()), [])

    def test_deleting_a_condition_removes_it_from_the_therapy(self):
        spasms = self.pages.condition(parent=self.tree.conditions, title="Muscle spasms")
        self.pages.link(spasms, [self.therapy])
        spasms.delete()
        self.assertEqual(list(self.therapy.get_conditions()), [])
        self.assertFalse(self.pages.link_model.objects.filter(therapy=self.therapy).exists())


class HostRenderingTests(RenderingTests):
    """The same, on a host's pages built on our mixins and abstract pages (tests/testapp)."""

    pages = HOST


class HostDerivedConditionLinkTests(DerivedConditionLinkTests):
    """The same, through the host's own link model (tests/testapp)."""

    pages = HOST


class AlternativeNamesTests(WagtailPageTestCase):
    def test_alternative_names_are_split_on_commas_and_trimmed(self):
        page = ConditionPage(alternative_names=" muscle spasm,muscle cramps , , back spasm ")
        self.assertEqual(page.alternative_names_list, ["muscle spasm", "muscle cramps", "back spasm"])

    def test_no_alternative_names_gives_an_empty_list(self):
        self.assertEqual(ConditionPage(alternative_names="").alternative_names_list, [])
        self.assertEqual(ConditionPage(alternative_names=" , ").alternative_names_list, [])
