"""
Condition and therapy page types: where they may live, rendering, and the conditions a therapy
treats. Rendering and the conditions treated run on our pages and on a host's built on our
mixins and abstract pages with its own link model (``tests/testapp``). Creating them in the
admin is in ``test_admin.py``.
"""

from types import SimpleNamespace

import pytest
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed
from wagtail.models import Page

from tests.builders.pages import BodyAreaFactory, on_each_page_set, rolled_back
from tests.testapp.models import HostPage
from wagtail_conditions.models import (
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

pytestmark = pytest.mark.django_db

# --- Where each page type may live -------------------------------------------------------------


def test_condition_index_can_be_created_under_a_plain_page(page_asserts):
    page_asserts.assertCanCreateAt(Page, ConditionIndexPage)
    parents = set(ConditionIndexPage.allowed_parent_page_models())
    assert {Page, HostPage} <= parents
    assert not {ConditionPage, TherapyPage, ConditionIndexPage} & parents


def test_therapy_index_can_be_created_under_a_plain_page(page_asserts):
    page_asserts.assertCanCreateAt(Page, TherapyIndexPage)
    parents = set(TherapyIndexPage.allowed_parent_page_models())
    assert {Page, HostPage} <= parents
    assert not {ConditionPage, TherapyPage, ConditionIndexPage} & parents


def test_condition_index_only_holds_condition_pages(page_asserts):
    page_asserts.assertAllowedSubpageTypes(ConditionIndexPage, {ConditionPage})
    page_asserts.assertCanNotCreateAt(ConditionIndexPage, TherapyPage)
    page_asserts.assertCanNotCreateAt(ConditionIndexPage, ConditionIndexPage)


def test_therapy_index_only_holds_therapy_pages(page_asserts):
    page_asserts.assertAllowedSubpageTypes(TherapyIndexPage, {TherapyPage})
    page_asserts.assertCanNotCreateAt(TherapyIndexPage, ConditionPage)


def test_condition_page_lives_only_under_a_condition_index(page_asserts):
    page_asserts.assertAllowedParentPageTypes(ConditionPage, {ConditionIndexPage})
    page_asserts.assertCanNotCreateAt(Page, ConditionPage)
    page_asserts.assertCanNotCreateAt(TherapyIndexPage, ConditionPage)


def test_therapy_page_lives_only_under_a_therapy_index(page_asserts):
    page_asserts.assertAllowedParentPageTypes(TherapyPage, {TherapyIndexPage})
    page_asserts.assertCanNotCreateAt(Page, TherapyPage)


def test_condition_and_therapy_pages_have_no_children(page_asserts):
    page_asserts.assertAllowedSubpageTypes(ConditionPage, set())
    page_asserts.assertAllowedSubpageTypes(TherapyPage, set())


def test_index_pages_can_be_created_under_any_page_type_by_default(page_asserts):
    page_asserts.assertCanCreateAt(HostPage, ConditionIndexPage)
    page_asserts.assertCanCreateAt(HostPage, TherapyIndexPage)
    page_asserts.assertCanCreateAt(Page, ConditionIndexPage)


@override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["testapp.HostPage"]})
def test_index_parent_page_types_setting_changes_the_allowed_parents(page_asserts):
    page_asserts.assertAllowedParentPageTypes(ConditionIndexPage, {HostPage})
    page_asserts.assertAllowedParentPageTypes(TherapyIndexPage, {HostPage})
    page_asserts.assertCanCreateAt(HostPage, ConditionIndexPage)
    page_asserts.assertCanNotCreateAt(Page, ConditionIndexPage)
    page_asserts.assertCanNotCreateAt(Page, TherapyIndexPage)


def test_index_parent_page_types_setting_is_read_again_after_an_override_ends(page_asserts):
    with override_settings(WAGTAIL_CONDITIONS={"INDEX_PARENT_PAGE_TYPES": ["testapp.HostPage"]}):
        page_asserts.assertCanNotCreateAt(Page, ConditionIndexPage)
    page_asserts.assertCanCreateAt(Page, ConditionIndexPage)


def test_alternative_names_are_split_on_commas_and_trimmed():
    page = ConditionPage(alternative_names=" muscle spasm,muscle cramps , , back spasm ")
    assert page.alternative_names_list == ["muscle spasm", "muscle cramps", "back spasm"]


def test_no_alternative_names_gives_an_empty_list():
    assert ConditionPage(alternative_names="").alternative_names_list == []
    assert ConditionPage(alternative_names=" , ").alternative_names_list == []


# --- Rendering, on our pages and on the host's -------------------------------------------------


@pytest.fixture(scope="module")
def clinic(page_set, module_transaction, django_db_blocker):
    """``page_set``'s indexes; Muscle spasms in the body area "Lower back", linked to Deep
    muscle massage; two therapies no condition links yet (Ultrasound therapy, Electrical
    stimulation). Tests must not change them."""
    with rolled_back(django_db_blocker):
        tree = page_set.make_tree()
        back = BodyAreaFactory(name="Lower back", slug="lower-back")
        massage = page_set.therapy(
            parent=tree.therapies,
            title="Deep muscle massage",
            summary="Firm, slow massage of the deeper layers of muscle.",
            session_length="30 to 60 minutes",
            body=[("paragraph", "<p>Slow strokes and sustained pressure.</p>")],
            what_to_expect=[("paragraph", "<p>You lie on a treatment table.</p>")],
            contraindications=[("paragraph", "<p>Not over blood clots.</p>")],
        )
        condition = page_set.condition(
            parent=tree.conditions,
            title="Muscle spasms",
            summary="Sudden, involuntary tightening of a muscle.",
            alternative_names="muscle cramps, back spasm",
            overview=[("paragraph", "<p>A common, painful ailment.</p>")],
            treatment=[("paragraph", "<p>Integrative care relaxes the muscle.</p>")],
        )
        condition.body_areas.add(back)
        condition.save()
        page_set.link(condition, [massage], note="Releases the knotted muscle.")
        yield SimpleNamespace(
            tree=tree,
            condition=condition,
            massage=massage,
            therapy=page_set.therapy(parent=tree.therapies, title="Ultrasound therapy"),
            other=page_set.therapy(parent=tree.therapies, title="Electrical stimulation"),
        )


@on_each_page_set
def test_every_page_type_renders(clinic, page_asserts, subtests, page_set):
    pages = (clinic.tree.conditions, clinic.tree.therapies, clinic.condition, clinic.massage)
    assert [type(page) for page in pages] == page_set.models[::2] + page_set.models[1::2]
    for page in pages:
        with subtests.test(page=page.specific_class.__name__):
            page_asserts.assertPageIsRenderable(page)


@on_each_page_set
def test_condition_page_shows_its_sections_therapies_and_body_areas(clinic, client, page_set):
    response = client.get(clinic.condition.url)
    assertTemplateUsed(response, "wagtail_conditions/condition_page.html")
    assertContains(response, "<h1>Muscle spasms</h1>", html=True)
    assertContains(
        response, '<p class="wc-alt-names">Also called: muscle cramps, back spasm</p>', html=True
    )
    assertContains(response, '<h2 id="overview-heading">Overview</h2>', html=True)
    assertContains(response, '<h2 id="treatment-heading">How we treat it</h2>', html=True)
    assertNotContains(response, 'id="causes"')
    assertContains(response, "A common, painful ailment.")
    assertContains(response, f'<a href="{clinic.massage.url}">Deep muscle massage</a>', html=True)
    assertContains(response, "Releases the knotted muscle.")
    assertContains(response, "Body areas: Lower back")
    assertContains(response, '<nav class="wc-contents" aria-label="On this page">')


@on_each_page_set
def test_condition_page_without_a_treatment_section_still_lists_its_therapies(
    clinic, client, page_set
):
    condition = page_set.condition(parent=clinic.tree.conditions, title="Cramp")
    page_set.link(condition, [clinic.massage])
    response = client.get(condition.url)
    assertContains(response, '<h2 id="therapies-heading">Therapies we use</h2>', html=True)
    assertContains(response, f'href="{clinic.massage.url}"')


@on_each_page_set
def test_condition_page_hides_unpublished_therapies(clinic, client, page_set):
    draft = page_set.therapy(parent=clinic.tree.therapies, title="Draft therapy", live=False)
    page_set.link(clinic.condition, [draft])
    response = client.get(clinic.condition.url)
    assertContains(response, "Deep muscle massage")
    assertNotContains(response, "Draft therapy")


@on_each_page_set
def test_therapy_page_shows_its_sections_and_the_conditions_it_helps(clinic, client, page_set):
    response = client.get(clinic.massage.url)
    assertTemplateUsed(response, "wagtail_conditions/therapy_page.html")
    assertContains(response, "<h1>Deep muscle massage</h1>", html=True)
    assertContains(
        response,
        '<p class="wc-meta"><strong>Typical session:</strong> 30 to 60 minutes</p>',
        html=True,
    )
    assertContains(response, '<h2 id="about-heading">About this therapy</h2>', html=True)
    assertContains(response, "Slow strokes and sustained pressure.")
    assertContains(response, "You lie on a treatment table.")
    assertContains(response, "Not over blood clots.")
    assertContains(response, f'<a href="{clinic.condition.url}">Muscle spasms</a>', html=True)


@on_each_page_set
def test_therapy_index_lists_live_therapies_as_cards(clinic, client, page_set):
    page_set.therapy(parent=clinic.tree.therapies, title="Hidden draft", live=False)
    response = client.get(clinic.tree.therapies.url)
    assertTemplateUsed(response, "wagtail_conditions/therapy_index_page.html")
    assertContains(response, f'<a href="{clinic.massage.url}">Deep muscle massage</a>', html=True)
    assertContains(response, "Firm, slow massage of the deeper layers of muscle.")
    assertNotContains(response, "Hidden draft")


@on_each_page_set
def test_pages_show_breadcrumbs_to_their_index(clinic, client, page_set):
    response = client.get(clinic.condition.url)
    index = clinic.tree.conditions
    assertContains(response, f'<a href="{index.url}">{index.title}</a>', html=True)


@on_each_page_set
def test_meta_description_falls_back_to_the_summary(clinic, client, page_set):
    response = client.get(clinic.condition.url)
    assertContains(
        response,
        '<meta name="description" content="Sudden, involuntary tightening of a muscle.">',
        html=True,
    )
    assert clinic.massage.get_meta_description() == clinic.massage.summary


@on_each_page_set
def test_meta_description_prefers_the_search_description(clinic, client, page_set):
    condition = type(clinic.condition).objects.get(pk=clinic.condition.pk)
    condition.search_description = "Relief for muscle spasms."
    condition.save()
    massage = type(clinic.massage).objects.get(pk=clinic.massage.pk)
    massage.search_description = "Deep tissue massage at the clinic."
    assert condition.get_meta_description() == "Relief for muscle spasms."
    assert massage.get_meta_description() == "Deep tissue massage at the clinic."
    response = client.get(condition.url)
    assertContains(
        response, '<meta name="description" content="Relief for muscle spasms.">', html=True
    )


# --- The conditions a therapy treats, derived from the conditions' links -----------------------


@on_each_page_set
def test_therapy_lists_the_live_conditions_that_link_it_in_title_order(clinic, page_set):
    strain = page_set.condition(parent=clinic.tree.conditions, title="Muscle strain")
    ache = page_set.condition(parent=clinic.tree.conditions, title="Back ache")
    page_set.link(strain, [clinic.therapy])
    page_set.link(ache, [clinic.other, clinic.therapy])
    assert list(clinic.therapy.get_conditions()) == [ache, strain]
    assert list(clinic.other.get_conditions()) == [ache]


@on_each_page_set
def test_therapy_does_not_list_draft_conditions(clinic, client, page_set):
    draft = page_set.condition(parent=clinic.tree.conditions, title="Draft", live=False)
    page_set.link(draft, [clinic.therapy])
    assert list(clinic.therapy.get_conditions()) == []
    response = client.get(clinic.therapy.url)
    assertNotContains(response, "Conditions it helps with")


@on_each_page_set
def test_therapy_lists_each_condition_once(clinic, client, page_set):
    strain = page_set.condition(parent=clinic.tree.conditions, title="Muscle strain")
    cramp = page_set.condition(parent=clinic.tree.conditions, title="Cramp")
    page_set.link(strain, [clinic.therapy])
    page_set.link(cramp, [clinic.therapy, clinic.other])
    assert list(clinic.therapy.get_conditions()) == [cramp, strain]
    response = client.get(clinic.therapy.url)
    assertContains(response, f'href="{strain.url}"', count=1)


@on_each_page_set
def test_therapy_with_no_links_lists_no_conditions(clinic, page_set):
    page_set.condition(parent=clinic.tree.conditions, title="Unrelated")
    assert list(clinic.therapy.get_conditions()) == []


@on_each_page_set
def test_deleting_a_condition_removes_it_from_the_therapy(clinic, page_set):
    strain = page_set.condition(parent=clinic.tree.conditions, title="Muscle strain")
    page_set.link(strain, [clinic.therapy])
    assert list(clinic.therapy.get_conditions()) == [strain]
    strain.delete()
    assert list(clinic.therapy.get_conditions()) == []
    assert not page_set.link_model.objects.filter(therapy=clinic.therapy).exists()
