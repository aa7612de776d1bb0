"""Creating condition and therapy pages in Wagtail's admin: ours, and a host's built on our
mixins and abstract pages with its own link model (``tests/testapp``)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.builders.pages import (
    CONDITION_SECTIONS,
    BodyAreaFactory,
    condition_form_data,
    on_each_page_set,
    rolled_back,
)

pytestmark = [pytest.mark.django_db, on_each_page_set]


@pytest.fixture(scope="module")
def shared(page_set, module_transaction, django_db_blocker):
    """``page_set``'s indexes, two body areas and two therapies, built once for the module."""
    with rolled_back(django_db_blocker):
        tree = page_set.make_tree()
        yield SimpleNamespace(
            tree=tree,
            back=BodyAreaFactory(name="Back", slug="back"),
            legs=BodyAreaFactory(name="Arms and legs", slug="arms-and-legs"),
            massage=page_set.therapy(parent=tree.therapies, title="Deep muscle massage"),
            ultrasound=page_set.therapy(parent=tree.therapies, title="Ultrasound therapy"),
        )


@pytest.fixture
def made(shared, db):
    return shared


@pytest.fixture
def admin(page_asserts):
    """Wagtail's page assertions, logged in as a superuser."""
    page_asserts.login()
    return page_asserts


def test_condition_index_page_can_be_created_in_the_admin(admin, made, page_set):
    model = page_set.condition_index._meta.model
    data = nested_form_data(
        {
            "title": "Conditions A to Z",
            "slug": "a-to-z",
            "intro": "Find a condition to learn how we can help.",
            "comments": inline_formset([]),
        }
    )
    admin.assertCanCreate(made.tree.home, model, data)
    page = model.objects.get(slug="a-to-z")
    assert page.live
    assert page.intro == "Find a condition to learn how we can help."


def test_therapy_index_page_can_be_created_in_the_admin(admin, made, page_set):
    model = page_set.therapy_index._meta.model
    data = nested_form_data(
        {
            "title": "Hands-on therapies",
            "slug": "hands-on",
            "intro": "Hands-on treatments.",
            "comments": inline_formset([]),
        }
    )
    admin.assertCanCreate(made.tree.home, model, data)
    assert model.objects.get(slug="hands-on").intro == "Hands-on treatments."


def test_therapy_page_can_be_created_in_the_admin_with_its_streamfields(admin, made, page_set):
    model = page_set.therapy._meta.model
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
            "sources": streamfield(
                [
                    (
                        "source",
                        {
                            "title": "Myofascial trigger points",
                            "authors": "",
                            "publisher": "",
                            "url": "",
                            "doi": "",
                            "pmid": "PMID: 22962985",
                            "date_published": "",
                            "last_checked": "2026-11-02",
                        },
                    )
                ]
            ),
            "comments": inline_formset([]),
        }
    )
    admin.assertCanCreate(made.tree.therapies, model, data)
    created = model.objects.get(slug="trigger-point-therapy")
    assert created.sources[0].value["pmid"] == "22962985"  # stored bare

    page = model.objects.get(slug="trigger-point-therapy")
    assert page.session_length == "30 minutes"
    assert [block.block_type for block in page.body] == ["heading", "paragraph"]
    assert page.body[0].value["text"] == "How it works"
    assert "Holding pressure helps fibres release." in page.body[1].value.source
    assert page.contraindications[0].value["tone"] == "warning"


def test_condition_page_can_be_created_with_two_linked_therapies_and_body_areas(
    admin, made, page_set
):
    model = page_set.condition._meta.model
    data = condition_form_data(
        therapy_links=[
            {"therapy": made.ultrasound.pk, "note": "Warms the deep fibres."},
            {"therapy": made.massage.pk, "note": "Releases the knotted muscle."},
        ],
        body_areas=[made.back, made.legs],
    )

    admin.assertCanCreate(made.tree.conditions, model, data)

    page = model.objects.get(slug="muscle-spasms")
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


def test_condition_page_cannot_link_the_same_therapy_twice(admin, made, page_set):
    model = page_set.condition._meta.model
    data = nested_form_data(
        {
            "title": "Neck pain",
            "slug": "neck-pain",
            "summary": "Pain and stiffness in the neck.",
            **{name: streamfield([]) for name in CONDITION_SECTIONS},
            "sources": streamfield([]),
            "therapy_links": inline_formset(
                [{"therapy": made.massage.pk, "note": ""}, {"therapy": made.massage.pk, "note": ""}]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, made.tree.conditions.pk],
    )
    response = admin.client.post(add_url, data)

    assert response.status_code == 200
    formset = response.context["form"].formsets["therapy_links"]
    assert not formset.is_valid()
    assert not model.objects.filter(slug="neck-pain").exists()


def test_condition_page_requires_a_summary(admin, made, page_set):
    data = nested_form_data(
        {
            "title": "Neck pain",
            "summary": "",
            **{name: streamfield([]) for name in CONDITION_SECTIONS},
            "sources": streamfield([]),
            "therapy_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    with pytest.raises(AssertionError, match="summary"):
        admin.assertCanCreate(made.tree.conditions, page_set.condition._meta.model, data)
