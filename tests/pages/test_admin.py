"""Creating our condition and therapy pages in Wagtail's admin (a host's: ``test_host_pages.py``)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.builders.pages import (
    CONDITION_SECTIONS,
    BodyAreaFactory,
    TherapyPageFactory,
    make_site_tree,
)
from wagtail_conditions.models import (
    ConditionIndexPage,
    ConditionPage,
    TherapyIndexPage,
    TherapyPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(module_transaction):
    """Our indexes, two body areas and two therapies, built once for the module."""
    tree = make_site_tree()
    return SimpleNamespace(
        tree=tree,
        back=BodyAreaFactory(name="Back", slug="back"),
        legs=BodyAreaFactory(name="Arms and legs", slug="arms-and-legs"),
        massage=TherapyPageFactory(parent=tree.therapies, title="Deep muscle massage"),
        ultrasound=TherapyPageFactory(parent=tree.therapies, title="Ultrasound therapy"),
    )


@pytest.fixture
def made(shared, db):
    return shared


@pytest.fixture
def admin(page_asserts):
    """Wagtail's page assertions, logged in as a superuser."""
    page_asserts.login()
    return page_asserts


def test_condition_index_page_can_be_created_in_the_admin(admin, made):
    data = nested_form_data(
        {
            "title": "Conditions A to Z",
            "slug": "a-to-z",
            "intro": "Find a condition to learn how we can help.",
            "comments": inline_formset([]),
        }
    )
    admin.assertCanCreate(made.tree.home, ConditionIndexPage, data)
    page = ConditionIndexPage.objects.get(slug="a-to-z")
    assert page.live
    assert page.intro == "Find a condition to learn how we can help."


def test_therapy_index_page_can_be_created_in_the_admin(admin, made):
    data = nested_form_data(
        {
            "title": "Our therapies",
            "slug": "our-therapies",
            "intro": "Hands-on treatments.",
            "comments": inline_formset([]),
        }
    )
    admin.assertCanCreate(made.tree.home, TherapyIndexPage, data)
    assert TherapyIndexPage.objects.get(slug="our-therapies").intro == "Hands-on treatments."


def test_therapy_page_can_be_created_in_the_admin_with_its_streamfields(admin, made):
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
    admin.assertCanCreate(made.tree.therapies, TherapyPage, data)

    page = TherapyPage.objects.get(slug="trigger-point-therapy")
    assert page.session_length == "30 minutes"
    assert [block.block_type for block in page.body] == ["heading", "paragraph"]
    assert page.body[0].value["text"] == "How it works"
    assert "Holding pressure helps fibres release." in page.body[1].value.source
    assert page.contraindications[0].value["tone"] == "warning"


def test_condition_page_can_be_created_with_two_linked_therapies_and_body_areas(admin, made):
    sections = {name: streamfield([]) for name in CONDITION_SECTIONS}
    sections["overview"] = streamfield(
        [("paragraph", rich_text("<p>Sudden, involuntary contractions of a muscle.</p>"))]
    )
    sections["treatment"] = streamfield([("heading", {"text": "Integrative care", "level": "h2"})])
    data = nested_form_data(
        {
            "title": "Muscle spasms",
            "slug": "muscle-spasms",
            "summary": "Sudden, involuntary and painful tightening of a muscle.",
            "alternative_names": "muscle cramps, back spasm",
            **sections,
            "therapy_links": inline_formset(
                [
                    {"therapy": made.ultrasound.pk, "note": "Warms the deep fibres."},
                    {"therapy": made.massage.pk, "note": "Releases the knotted muscle."},
                ]
            ),
            "last_reviewed": "2025-01-15",
            "next_review_due": "2026-01-15",
            "comments": inline_formset([]),
        }
    )
    data["body_areas"] = [str(made.back.pk), str(made.legs.pk)]

    admin.assertCanCreate(made.tree.conditions, ConditionPage, data)

    page = ConditionPage.objects.get(slug="muscle-spasms")
    assert page.live
    assert page.get_parent().specific == made.tree.conditions
    assert set(page.body_areas.all()) == {made.back, made.legs}
    assert [(link.therapy, link.note) for link in page.get_therapy_links()] == [
        (made.ultrasound, "Warms the deep fibres."),
        (made.massage, "Releases the knotted muscle."),
    ]
    assert page.alternative_names_list == ["muscle cramps", "back spasm"]
    assert str(page.last_reviewed) == "2025-01-15"
    assert list(made.massage.get_conditions()) == [page]


def test_condition_page_cannot_link_the_same_therapy_twice(admin, made):
    data = nested_form_data(
        {
            "title": "Neck pain",
            "slug": "neck-pain",
            "summary": "Pain and stiffness in the neck.",
            **{name: streamfield([]) for name in CONDITION_SECTIONS},
            "therapy_links": inline_formset(
                [{"therapy": made.massage.pk, "note": ""}, {"therapy": made.massage.pk, "note": ""}]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=["wagtail_conditions", "conditionpage", made.tree.conditions.pk],
    )
    response = admin.client.post(add_url, data)

    assert response.status_code == 200
    formset = response.context["form"].formsets["therapy_links"]
    assert not formset.is_valid()
    assert not ConditionPage.objects.filter(slug="neck-pain").exists()


def test_condition_page_requires_a_summary(admin, made):
    data = nested_form_data(
        {
            "title": "Neck pain",
            "summary": "",
            **{name: streamfield([]) for name in CONDITION_SECTIONS},
            "therapy_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    with pytest.raises(AssertionError, match="summary"):
        admin.assertCanCreate(made.tree.conditions, ConditionPage, data)
