"""
A host site's own condition and therapy pages (``tests/testapp``), built on our mixins and
abstract pages with a link model of its own, do what ours do: page rules, admin editing,
rendering with our templates, the conditions a therapy treats, the A–Z index, Wagtail search
and appointment requests. Nothing here touches our concrete page models, except to show that
the two sets of pages never see each other.
"""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.builders.appointments import FormPage, configure, form_block, publish
from tests.builders.pages import (
    BodyAreaFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    link_therapies,
    make_site_tree,
)
from tests.testapp.factories import (
    HostConditionPageFactory,
    HostTherapyPageFactory,
    link_host_therapies,
    make_host_tree,
)
from tests.testapp.models import (
    HostConditionIndexPage,
    HostConditionPage,
    HostConditionTherapy,
    HostTherapyIndexPage,
    HostTherapyPage,
)
from wagtail_conditions.models import (
    AppointmentRequest,
    ConditionIndexPage,
    ConditionIndexPageMixin,
    ConditionPage,
    ConditionPageMixin,
    TherapyIndexPageMixin,
    TherapyPageMixin,
)
from wagtail_conditions.models.pages import single_model

SECTIONS = [name for name, _heading in ConditionPageMixin.sections]


class MixinTests(WagtailPageTestCase):
    def test_the_mixins_do_not_subclass_page_so_a_swapped_base_page_can_use_them(self):
        for mixin in (
            ConditionIndexPageMixin,
            ConditionPageMixin,
            TherapyIndexPageMixin,
            TherapyPageMixin,
        ):
            with self.subTest(mixin=mixin.__name__):
                self.assertFalse(issubclass(mixin, Page))
                self.assertTrue(mixin._meta.abstract)

    def test_each_page_type_finds_its_related_models_without_ours(self):
        self.assertIs(HostConditionIndexPage.get_condition_page_model(), HostConditionPage)
        self.assertIs(HostTherapyIndexPage.get_therapy_page_model(), HostTherapyPage)
        self.assertIs(HostConditionPage.get_therapy_link_model(), HostConditionTherapy)
        self.assertIs(HostTherapyPage.get_condition_link_model(), HostConditionTherapy)
        self.assertEqual(
            HostTherapyPage.get_condition_relations(),
            (HostConditionPage, "therapy_links", "condition_links"),
        )

    def test_an_explicit_model_setting_wins(self):
        with mock.patch.object(
            HostConditionIndexPage, "condition_page_model", "testapp.HostConditionPage"
        ):
            self.assertIs(HostConditionIndexPage.get_condition_page_model(), HostConditionPage)

    def test_an_index_that_could_list_two_page_types_asks_to_be_told_which(self):
        both = classmethod(lambda cls: [HostConditionPage, ConditionPage])
        with mock.patch.object(HostConditionIndexPage, "clean_subpage_models", both):
            with self.assertRaisesMessage(ImproperlyConfigured, "condition_page_model"):
                HostConditionIndexPage.get_condition_page_model()

    def test_no_candidate_is_a_configuration_error_naming_the_setting(self):
        class Owner:
            condition_link_model = None

        with pytest.raises(ImproperlyConfigured, match="Owner.condition_link_model"):
            single_model(Owner, "condition_link_model", [], "condition link model")

    def test_a_host_page_type_renders_its_own_template_first_then_ours(self):
        request = RequestFactory().get("/")
        self.assertEqual(
            HostConditionPage().get_template(request),
            ["testapp/host_condition_page.html", "wagtail_conditions/condition_page.html"],
        )
        self.assertEqual(
            ConditionPage().get_template(request), "wagtail_conditions/condition_page.html"
        )

    def test_condition_and_therapy_pages_give_their_title_as_the_appointment_topic(self):
        for page in (HostConditionPage(title="Cramp"), HostTherapyPage(title="Massage")):
            with self.subTest(page=type(page).__name__):
                self.assertEqual(page.get_appointment_topic(), page.title)


class HostPageTypeRulesTests(WagtailPageTestCase):
    def test_host_indexes_hold_only_host_pages(self):
        self.assertAllowedSubpageTypes(HostConditionIndexPage, {HostConditionPage})
        self.assertAllowedSubpageTypes(HostTherapyIndexPage, {HostTherapyPage})
        self.assertCanNotCreateAt(ConditionIndexPage, HostConditionPage)
        self.assertCanNotCreateAt(HostConditionIndexPage, ConditionPage)

    def test_host_pages_live_under_host_indexes_and_have_no_children(self):
        self.assertAllowedParentPageTypes(HostConditionPage, {HostConditionIndexPage})
        self.assertAllowedParentPageTypes(HostTherapyPage, {HostTherapyIndexPage})
        self.assertAllowedSubpageTypes(HostConditionPage, set())
        self.assertAllowedSubpageTypes(HostTherapyPage, set())


class HostAdminTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.back = BodyAreaFactory(name="Lower back", slug="lower-back")
        cls.massage = HostTherapyPageFactory(parent=cls.tree.therapies, title="Massage")
        cls.ultrasound = HostTherapyPageFactory(parent=cls.tree.therapies, title="Ultrasound")

    def setUp(self):
        self.login()

    def test_host_condition_page_is_created_in_the_admin_with_linked_therapies(self):
        data = nested_form_data(
            {
                "title": "Muscle spasms",
                "slug": "muscle-spasms",
                "summary": "Sudden, involuntary and painful tightening of a muscle.",
                "alternative_names": "muscle cramps",
                "clinic_code": "MSK-1",
                **{name: streamfield([]) for name in SECTIONS},
                "overview": streamfield([("paragraph", rich_text("<p>Contractions.</p>"))]),
                "therapy_links": inline_formset(
                    [
                        {"therapy": self.ultrasound.pk, "note": "Warms the deep fibres."},
                        {"therapy": self.massage.pk, "note": "Releases the knotted muscle."},
                    ]
                ),
                "last_reviewed": "2025-01-15",
                "next_review_due": "",
                "comments": inline_formset([]),
            }
        )
        data["body_areas"] = [str(self.back.pk)]

        self.assertCanCreate(self.tree.conditions, HostConditionPage, data)

        page = HostConditionPage.objects.get(slug="muscle-spasms")
        self.assertEqual(page.clinic_code, "MSK-1")
        self.assertEqual(list(page.body_areas.all()), [self.back])
        self.assertEqual(
            [(link.therapy, link.note) for link in page.get_therapy_links()],
            [
                (self.ultrasound, "Warms the deep fibres."),
                (self.massage, "Releases the knotted muscle."),
            ],
        )
        self.assertEqual(list(self.massage.get_conditions()), [page])

    def test_host_therapy_page_is_created_in_the_admin(self):
        data = nested_form_data(
            {
                "title": "Cupping",
                "slug": "cupping",
                "summary": "Suction cups on the skin.",
                "session_length": "20 minutes",
                "body": streamfield([("paragraph", rich_text("<p>Cups lift the skin.</p>"))]),
                "what_to_expect": streamfield([]),
                "contraindications": streamfield([]),
                "comments": inline_formset([]),
            }
        )
        self.assertCanCreate(self.tree.therapies, HostTherapyPage, data)
        self.assertEqual(HostTherapyPage.objects.get(slug="cupping").session_length, "20 minutes")


class HostRenderingTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.back = BodyAreaFactory(name="Lower back", slug="lower-back")
        cls.massage = HostTherapyPageFactory(
            parent=cls.tree.therapies,
            title="Deep muscle massage",
            summary="Firm, slow massage of the deeper layers of muscle.",
            session_length="30 to 60 minutes",
            body=[("paragraph", "<p>Slow strokes and sustained pressure.</p>")],
            contraindications=[("paragraph", "<p>Not over blood clots.</p>")],
        )
        cls.condition = HostConditionPageFactory(
            parent=cls.tree.conditions,
            title="Muscle spasms",
            summary="Sudden, involuntary tightening of a muscle.",
            alternative_names="muscle cramps, back spasm",
            overview=[("paragraph", "<p>A common, painful ailment.</p>")],
            treatment=[("paragraph", "<p>Integrative care relaxes the muscle.</p>")],
        )
        cls.condition.body_areas.add(cls.back)
        cls.condition.save()
        link_host_therapies(cls.condition, [cls.massage], note="Releases the knotted muscle.")

    def test_every_host_page_type_renders(self):
        for page in (self.tree.conditions, self.tree.therapies, self.condition, self.massage):
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_host_condition_page_shows_its_sections_therapies_and_body_areas(self):
        response = self.client.get(self.condition.url)
        self.assertTemplateUsed(response, "wagtail_conditions/condition_page.html")
        self.assertContains(response, "<h1>Muscle spasms</h1>", html=True)
        self.assertContains(
            response, '<p class="wc-alt-names">Also called: muscle cramps, back spasm</p>', html=True
        )
        self.assertContains(response, '<h2 id="overview-heading">Overview</h2>', html=True)
        self.assertContains(response, '<h2 id="treatment-heading">How we treat it</h2>', html=True)
        self.assertContains(response, "A common, painful ailment.")
        self.assertContains(
            response, f'<a href="{self.massage.url}">Deep muscle massage</a>', html=True
        )
        self.assertContains(response, "Releases the knotted muscle.")
        self.assertContains(response, "Body areas: Lower back")
        self.assertContains(response, f'<a href="{self.tree.conditions.url}">Our conditions</a>')

    def test_host_condition_page_hides_unpublished_therapies(self):
        draft = HostTherapyPageFactory(parent=self.tree.therapies, title="Draft therapy", live=False)
        link_host_therapies(self.condition, [draft])
        response = self.client.get(self.condition.url)
        self.assertContains(response, "Deep muscle massage")
        self.assertNotContains(response, "Draft therapy")

    def test_host_therapy_page_shows_its_sections_and_the_conditions_it_helps(self):
        response = self.client.get(self.massage.url)
        self.assertTemplateUsed(response, "wagtail_conditions/therapy_page.html")
        self.assertContains(response, "<h1>Deep muscle massage</h1>", html=True)
        self.assertContains(response, "Slow strokes and sustained pressure.")
        self.assertContains(response, "Not over blood clots.")
        self.assertContains(
            response, '<h2 id="conditions-heading">Conditions it helps with</h2>', html=True
        )
        self.assertContains(response, f'<a href="{self.condition.url}">Muscle spasms</a>', html=True)

    def test_host_therapy_index_lists_live_therapies(self):
        HostTherapyPageFactory(parent=self.tree.therapies, title="Hidden draft", live=False)
        response = self.client.get(self.tree.therapies.url)
        self.assertTemplateUsed(response, "wagtail_conditions/therapy_index_page.html")
        self.assertContains(response, "Deep muscle massage")
        self.assertNotContains(response, "Hidden draft")

    def test_meta_description_falls_back_to_the_summary(self):
        self.assertEqual(
            self.condition.get_meta_description(), "Sudden, involuntary tightening of a muscle."
        )


class HostDerivedConditionTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.therapy = HostTherapyPageFactory(parent=cls.tree.therapies, title="Massage")
        cls.cramp = HostConditionPageFactory(parent=cls.tree.conditions, title="Cramp")
        cls.ache = HostConditionPageFactory(parent=cls.tree.conditions, title="Ache")
        cls.draft = HostConditionPageFactory(parent=cls.tree.conditions, title="Draft", live=False)
        for condition in (cls.cramp, cls.ache, cls.draft):
            link_host_therapies(condition, [cls.therapy])

    def test_therapy_lists_the_live_conditions_that_link_it_in_title_order(self):
        self.assertEqual(list(self.therapy.get_conditions()), [self.ache, self.cramp])

    def test_our_pages_and_the_hosts_never_list_each_other(self):
        ours = make_site_tree()
        our_therapy = TherapyPageFactory(parent=ours.therapies, title="Our massage")
        our_condition = ConditionPageFactory(parent=ours.conditions, title="Our cramp")
        link_therapies(our_condition, [our_therapy])

        self.assertEqual(list(our_therapy.get_conditions()), [our_condition])
        self.assertEqual(list(self.therapy.get_conditions()), [self.ache, self.cramp])
        self.assertEqual(list(ours.conditions.get_conditions()), [our_condition])
        self.assertNotIn(our_condition.title, self.client.get(self.tree.conditions.url).text)
        self.assertNotIn("Ache", self.client.get(ours.conditions.url).text)


class HostConditionIndexTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.index = cls.tree.conditions
        cls.back = BodyAreaFactory(name="Back", slug="back")
        cls.head = BodyAreaFactory(name="Head", slug="head")

        def condition(title, areas=(), **fields):
            page = HostConditionPageFactory(parent=cls.index, title=title, **fields)
            page.body_areas.set(areas)
            page.save()
            return page

        cls.back_pain = condition(
            "Back pain", [cls.back], summary="Pain along the spine.", alternative_names="lumbago"
        )
        cls.migraine = condition("Migraine", [cls.head], summary="A throbbing headache.")
        cls.epicondylitis = condition("Épicondylitis", summary="Pain outside the elbow.")
        cls.draft = HostConditionPageFactory(parent=cls.index, title="Meniscus tear", live=False)
        cls.private = condition("Whiplash", summary="A neck injury.")
        PageViewRestriction.objects.create(
            page=cls.private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    def titles(self, **params):
        response = self.client.get(self.index.url, params)
        self.assertEqual(response.status_code, 200)
        return [
            condition.title
            for _letter, conditions in response.context["letter_groups"]
            for condition in conditions
        ]

    def test_live_public_conditions_are_listed_a_to_z(self):
        self.assertEqual(self.titles(), ["Back pain", "Épicondylitis", "Migraine"])

    def test_a_letter_shows_only_the_conditions_filed_under_it(self):
        self.assertEqual(self.titles(letter="e"), ["Épicondylitis"])

    def test_the_body_area_filter_offers_and_applies_the_hosts_areas(self):
        response = self.client.get(self.index.url)
        self.assertEqual(response.context["body_areas"], [self.back, self.head])
        self.assertEqual(self.titles(area="head"), ["Migraine"])

    def test_search_matches_titles_alternative_names_and_summaries(self):
        self.assertEqual(self.titles(q="migraine"), ["Migraine"])
        self.assertEqual(self.titles(q="lumbago"), ["Back pain"])
        self.assertEqual(self.titles(q="elbow"), ["Épicondylitis"])
        self.assertEqual(self.titles(q="neck"), [])


class HostWagtailSearchTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.condition = HostConditionPageFactory(
            parent=cls.tree.conditions,
            title="Back pain",
            alternative_names="lumbago",
            symptoms=[("paragraph", "<p>Stiffness every morning.</p>")],
        )
        cls.therapy = HostTherapyPageFactory(
            parent=cls.tree.therapies,
            title="Cupping",
            contraindications=[("paragraph", "<p>Not on broken skin.</p>")],
        )

    def test_search_fields_are_ours_plus_the_base_pages(self):
        for model, mixin_fields in (
            (HostConditionPage, ConditionPageMixin.condition_search_fields),
            (HostTherapyPage, TherapyPageMixin.therapy_search_fields),
        ):
            with self.subTest(model=model.__name__):
                names = {field.field_name for field in model.get_search_fields()}
                self.assertIn("title", names)
                self.assertLessEqual({field.field_name for field in mixin_fields}, names)

    def test_wagtail_search_finds_host_pages_by_our_fields(self):
        self.assertEqual(list(HostConditionPage.objects.live().search("lumbago")), [self.condition])
        self.assertEqual(
            list(HostConditionPage.objects.live().search("stiffness")), [self.condition]
        )
        self.assertEqual(list(HostTherapyPage.objects.live().search("broken skin")), [self.therapy])


@pytest.mark.django_db
@pytest.mark.parametrize("model", [HostConditionPage, HostTherapyPage])
def test_an_appointment_request_from_a_host_page_records_its_topic(client, settings, model):
    configure(settings)
    tree = make_host_tree()
    if model is HostConditionPage:
        page = HostConditionPage(
            title="Frozen shoulder", slug="frozen-shoulder", summary="Stiff.", treatment=[form_block()]
        )
        parent = tree.conditions
    else:
        page = HostTherapyPage(
            title="Massage", slug="massage", summary="Hands-on.", what_to_expect=[form_block()]
        )
        parent = tree.therapies
    form_page = FormPage(publish(page, parent))

    rendered = client.get(page.url)
    assert b'name="block"' in rendered.content
    response = form_page.post(client)

    assert response.status_code == 303, response.content[:500]
    assert client.get(response["Location"]).status_code == 200
    row = AppointmentRequest.objects.get()
    assert (row.topic, row.source_page_id) == (page.title, page.pk)
