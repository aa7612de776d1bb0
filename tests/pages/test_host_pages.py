"""
A host site's own condition and therapy pages (``tests/testapp``), built on our mixins and
abstract pages with a link model of its own: how they find their related models, page rules,
admin editing, Wagtail search and appointment requests, and that they and ours never list each
other. Rendering, the conditions a therapy treats and the A–Z index run on both sets of pages in
``test_pages.py`` and ``test_condition_index.py`` (``tests.builders.pages.PAGE_SETS``).
"""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from wagtail.models import Page
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


class HostAndOurPagesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = make_host_tree()
        cls.therapy = HostTherapyPageFactory(parent=cls.tree.therapies, title="Massage")
        cls.cramp = HostConditionPageFactory(parent=cls.tree.conditions, title="Cramp")
        cls.ache = HostConditionPageFactory(parent=cls.tree.conditions, title="Ache")
        cls.draft = HostConditionPageFactory(parent=cls.tree.conditions, title="Draft", live=False)
        for condition in (cls.cramp, cls.ache, cls.draft):
            link_host_therapies(condition, [cls.therapy])

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
