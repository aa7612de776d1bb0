"""
A host site's own condition and therapy pages (``tests/testapp``), built on our mixins and
abstract pages with a link model of its own: how they find their related models, page rules,
the host's own field in the admin, Wagtail search and appointment requests, and that they and
ours never list each other. Rendering, the conditions a therapy treats, admin creation, the A–Z
index, the query counts and the API run on both sets of pages in ``test_pages.py``,
``test_admin.py``, ``test_condition_index.py``, ``test_query_counts.py`` and ``tests/api``
(``tests.builders.pages.on_each_page_set``).
"""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from wagtail.models import Page

from tests.builders.appointments import FormPage, configure, form_block, publish
from tests.builders.pages import HOST, OURS, condition_form_data
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

pytestmark = pytest.mark.django_db


# --- The mixins, and how a host's page type finds its related models ---------------------------


@pytest.mark.parametrize(
    "mixin",
    [ConditionIndexPageMixin, ConditionPageMixin, TherapyIndexPageMixin, TherapyPageMixin],
    ids=lambda mixin: mixin.__name__,
)
def test_the_mixins_do_not_subclass_page_so_a_swapped_base_page_can_use_them(mixin):
    assert not issubclass(mixin, Page)
    assert mixin._meta.abstract


def test_each_page_type_finds_its_related_models_without_ours():
    assert HostConditionIndexPage.get_condition_page_model() is HostConditionPage
    assert HostTherapyIndexPage.get_therapy_page_model() is HostTherapyPage
    assert HostConditionPage.get_therapy_link_model() is HostConditionTherapy
    assert HostTherapyPage.get_condition_link_model() is HostConditionTherapy
    assert HostTherapyPage.get_condition_relations() == (
        HostConditionPage,
        "therapy_links",
        "condition_links",
    )


def test_an_explicit_model_setting_wins():
    with mock.patch.object(
        HostConditionIndexPage, "condition_page_model", "testapp.HostConditionPage"
    ):
        assert HostConditionIndexPage.get_condition_page_model() is HostConditionPage


def test_an_index_that_could_list_two_page_types_asks_to_be_told_which():
    both = classmethod(lambda cls: [HostConditionPage, ConditionPage])
    with mock.patch.object(HostConditionIndexPage, "clean_subpage_models", both):
        with pytest.raises(ImproperlyConfigured, match="condition_page_model"):
            HostConditionIndexPage.get_condition_page_model()


def test_no_candidate_is_a_configuration_error_naming_the_setting():
    class Owner:
        condition_link_model = None

    with pytest.raises(ImproperlyConfigured, match="Owner.condition_link_model"):
        single_model(Owner, "condition_link_model", [], "condition link model")


def test_a_host_page_type_renders_its_own_template_first_then_ours():
    request = RequestFactory().get("/")
    assert HostConditionPage().get_template(request) == [
        "testapp/host_condition_page.html",
        "wagtail_conditions/condition_page.html",
    ]
    assert ConditionPage().get_template(request) == "wagtail_conditions/condition_page.html"


@pytest.mark.parametrize("model", [HostConditionPage, HostTherapyPage], ids=lambda m: m.__name__)
def test_condition_and_therapy_pages_give_their_title_as_the_appointment_topic(model):
    assert model(title="Cramp").get_appointment_topic() == "Cramp"


# --- Page rules --------------------------------------------------------------------------------


def test_host_indexes_hold_only_host_pages(page_asserts):
    page_asserts.assertAllowedSubpageTypes(HostConditionIndexPage, {HostConditionPage})
    page_asserts.assertAllowedSubpageTypes(HostTherapyIndexPage, {HostTherapyPage})
    page_asserts.assertCanNotCreateAt(ConditionIndexPage, HostConditionPage)
    page_asserts.assertCanNotCreateAt(HostConditionIndexPage, ConditionPage)


def test_host_pages_live_under_host_indexes_and_have_no_children(page_asserts):
    page_asserts.assertAllowedParentPageTypes(HostConditionPage, {HostConditionIndexPage})
    page_asserts.assertAllowedParentPageTypes(HostTherapyPage, {HostTherapyIndexPage})
    page_asserts.assertAllowedSubpageTypes(HostConditionPage, set())
    page_asserts.assertAllowedSubpageTypes(HostTherapyPage, set())


# --- Admin editing (creating each page type, on both sets of pages: test_admin.py) --------------


def test_the_hosts_own_field_is_edited_next_to_ours(page_asserts):
    tree = HOST.make_tree()
    massage = HOST.therapy(parent=tree.therapies, title="Massage")
    page_asserts.login()
    data = condition_form_data(
        therapy_links=[{"therapy": massage.pk, "note": "Loosens."}], clinic_code="MSK-1"
    )

    page_asserts.assertCanCreate(tree.conditions, HostConditionPage, data)

    page = HostConditionPage.objects.get(slug="muscle-spasms")
    assert page.clinic_code == "MSK-1"
    assert [(link.therapy, link.note) for link in page.get_therapy_links()] == [
        (massage, "Loosens.")
    ]


# --- Ours and the host's side by side ----------------------------------------------------------


def test_our_pages_and_the_hosts_never_list_each_other(client):
    host = HOST.make_tree()
    therapy = HOST.therapy(parent=host.therapies, title="Massage")
    cramp = HOST.condition(parent=host.conditions, title="Cramp")
    ache = HOST.condition(parent=host.conditions, title="Ache")
    draft = HOST.condition(parent=host.conditions, title="Draft", live=False)
    for condition in (cramp, ache, draft):
        HOST.link(condition, [therapy])
    ours = OURS.make_tree()
    our_therapy = OURS.therapy(parent=ours.therapies, title="Our massage")
    our_condition = OURS.condition(parent=ours.conditions, title="Our cramp")
    OURS.link(our_condition, [our_therapy])

    assert list(our_therapy.get_conditions()) == [our_condition]
    assert list(therapy.get_conditions()) == [ache, cramp]
    assert list(ours.conditions.get_conditions()) == [our_condition]
    assert list(host.conditions.get_conditions()) == [ache, cramp]
    assert our_condition.title not in client.get(host.conditions.url).text
    assert "Ache" not in client.get(ours.conditions.url).text


# --- Wagtail search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "mixin_fields"),
    [
        (HostConditionPage, ConditionPageMixin.condition_search_fields),
        (HostTherapyPage, TherapyPageMixin.therapy_search_fields),
    ],
    ids=["condition", "therapy"],
)
def test_search_fields_are_ours_plus_the_base_pages(model, mixin_fields):
    names = {field.field_name for field in model.get_search_fields()}
    assert "title" in names
    assert {field.field_name for field in mixin_fields} <= names


def test_wagtail_search_finds_host_pages_by_our_fields():
    tree = HOST.make_tree()
    condition = HOST.condition(
        parent=tree.conditions,
        title="Back pain",
        alternative_names="lumbago",
        symptoms=[("paragraph", "<p>Stiffness every morning.</p>")],
    )
    therapy = HOST.therapy(
        parent=tree.therapies,
        title="Cupping",
        contraindications=[("paragraph", "<p>Not on broken skin.</p>")],
    )
    assert list(HostConditionPage.objects.live().search("lumbago")) == [condition]
    assert list(HostConditionPage.objects.live().search("stiffness")) == [condition]
    assert list(HostTherapyPage.objects.live().search("broken skin")) == [therapy]


@pytest.mark.parametrize("model", [HostConditionPage, HostTherapyPage])
def test_an_appointment_request_from_a_host_page_records_its_topic(client, settings, model):
    configure(settings)
    tree = HOST.make_tree()
    if model is HostConditionPage:
        page = HostConditionPage(
            title="Frozen shoulder",
            slug="frozen-shoulder",
            summary="Stiff.",
            treatment=[form_block()],
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
