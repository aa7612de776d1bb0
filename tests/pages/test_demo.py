"""The ``load_conditions_demo`` command: the Muscle spasms page and its six therapies."""

import html
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from pytest_django.asserts import assertRaisesMessage
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

pytestmark = pytest.mark.django_db


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


# Options first: the tests below them share one loaded demo for the rest of the module.


def test_parent_option_puts_the_indexes_under_that_page():
    home = Site.objects.get(is_default_site=True).root_page
    section = home.add_child(instance=Page(title="Clinic", slug="clinic"))
    load_demo("--parent", str(section.pk))
    assert ConditionIndexPage.objects.get().get_parent() == section
    assert TherapyIndexPage.objects.get().get_parent() == section
    assert ConditionPage.objects.get().url == "/clinic/conditions/muscle-spasms/"


def test_parent_option_with_an_unknown_id_is_an_error():
    with assertRaisesMessage(CommandError, "There is no page with ID 999999."):
        load_demo("--parent", "999999")
    assert not ConditionPage.objects.exists()


def test_parent_option_must_be_a_number():
    with pytest.raises(CommandError):
        load_demo("--parent", "home")


def test_without_a_default_site_it_is_an_error():
    Site.objects.update(is_default_site=False)
    with assertRaisesMessage(CommandError, "There is no default Wagtail site"):
        load_demo()
    assert not BodyArea.objects.exists()


@pytest.fixture(scope="module")
def loaded_demo(module_transaction):
    made = SimpleNamespace()
    made.home = Site.objects.get(is_default_site=True).root_page
    made.output = load_demo()
    return made


def test_both_indexes_are_created_and_published_under_the_site_root(subtests, loaded_demo):
    conditions = ConditionIndexPage.objects.get()
    therapies = TherapyIndexPage.objects.get()
    for index in (conditions, therapies):
        with subtests.test(index=index.title):
            assert index.get_parent() == loaded_demo.home
            assert index.live
            assert not index.has_unpublished_changes
    assert conditions.url == "/conditions/"
    assert therapies.url == "/therapies/"


def test_six_therapies_are_published_under_the_therapy_index(subtests, loaded_demo):
    therapies = TherapyPage.objects.child_of(TherapyIndexPage.objects.get())
    assert sorted(therapies.values_list("title", flat=True)) == sorted(THERAPY_TITLES)
    for therapy in therapies:
        with subtests.test(therapy=therapy.title):
            assert therapy.live
            assert therapy.summary
            assert therapy.session_length
            assert therapy.body and therapy.what_to_expect and therapy.contraindications


def test_muscle_spasms_links_the_six_therapies_in_seed_order(loaded_demo):
    condition = ConditionPage.objects.get(slug="muscle-spasms")
    assert condition.live
    links = list(condition.get_therapy_links())
    assert [link.therapy.title for link in links] == THERAPY_TITLES
    assert [link.note for link in links] == [therapy[2] for therapy in demo.THERAPIES]
    assert set(condition.body_areas.values_list("slug", flat=True)) == {"back", "arms-and-legs"}


def test_muscle_spasms_page_carries_every_paragraph_of_the_seed_in_order(
    client, subtests, loaded_demo
):
    condition = ConditionPage.objects.get(slug="muscle-spasms")
    response = client.get(condition.url)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    position = 0
    for paragraph in SEED_PARAGRAPHS:
        with subtests.test(paragraph=paragraph[:40]):
            found = text.lower().find(paragraph.lower(), position)
            assert found > -1, f"missing or out of order: {paragraph[:60]!r}"
            position = found + len(paragraph)


def test_each_therapy_page_lists_muscle_spasms(subtests, loaded_demo):
    for therapy in TherapyPage.objects.all():
        with subtests.test(therapy=therapy.title):
            assert [c.title for c in therapy.get_conditions()] == ["Muscle spasms"]


def test_every_demo_page_renders(client, subtests, loaded_demo):
    for page in Page.objects.type(ConditionIndexPage, TherapyIndexPage, TherapyPage, ConditionPage):
        with subtests.test(page=page.title):
            assert client.get(page.url).status_code == 200


def test_command_reports_what_it_did(loaded_demo):
    assert "Created condition “Muscle spasms”" in loaded_demo.output
    assert "Demo content is ready." in loaded_demo.output


def test_running_it_again_creates_nothing_new(loaded_demo):
    before = page_counts()
    output = load_demo()
    assert page_counts() == before
    assert "Kept condition “Muscle spasms”" in output
    assert "Kept therapy index" in output


def test_running_it_again_keeps_editor_changes(loaded_demo):
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
    assert condition.summary == "Edited by the clinic."
    assert condition.therapy_links.count() == 5
    assert TherapyPage.objects.get(slug="ultrasound-therapy").title == "Therapeutic ultrasound"
    assert BodyArea.objects.get(slug="back").name == "Lower back"
    assert not TherapyPage.objects.filter(title="Ultrasound therapy").exists()
