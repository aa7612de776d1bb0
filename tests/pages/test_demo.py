"""The ``load_conditions_demo`` command: the Muscle spasms page and its six therapies."""

import datetime
import html
import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify
from pytest_django.asserts import assertRaisesMessage
from wagtail.models import Locale, Page, Site

from tests.builders.i18n import multilingual_site
from wagtail_conditions import demo
from wagtail_conditions.models import (
    BodyArea,
    ConditionIndexPage,
    ConditionPage,
    ConditionTherapy,
    Practitioner,
    TherapyIndexPage,
    TherapyPage,
)
from wagtail_conditions.sources import attention

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


def test_muscle_spasms_cites_its_sources_with_dates(client, loaded_demo):
    condition = ConditionPage.objects.get(slug="muscle-spasms")
    sources = [child.value for child in condition.get_sources()]
    assert [(s["publisher"], s.href) for s in sources] == [
        ("NHS", "https://www.nhs.uk/conditions/leg-cramps/"),
        (
            "MedlinePlus, U.S. National Library of Medicine",
            "https://medlineplus.gov/musclecramps.html",
        ),
        ("Practical Neurology", "https://doi.org/10.1136/pn-2022-003574"),
    ]
    assert all(s["last_checked"] for s in sources)
    # Only the article has a publication date of record; the web pages' are left blank.
    assert [bool(s["date_published"]) for s in sources] == [False, False, True]
    # One is due for a check, so the review report has something to show.
    assert attention.summaries([condition.pk])[condition.pk].check_due == 1
    html = client.get(condition.url).content.decode()
    assert html.count('<li class="wc-source"') == 3


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


# --- The Spanish translation (``--translate es``) ------------------------------------------------
# Last in the module: from here on the module's shared demo holds Spanish pages as well.

SPANISH = demo.TRANSLATIONS["es"]


@pytest.fixture(scope="module")
def spanish_demo(loaded_demo):
    loaded_demo.spanish_output = load_demo("--translate", "es")
    loaded_demo.es = Locale.objects.get(language_code="es")
    return loaded_demo


@pytest.fixture
def i18n_site():
    """Wagtail's localisation on, pages under ``i18n_patterns`` (Spanish ones at /es/)."""
    with multilingual_site():
        yield


def spanish(model, slug):
    return model.objects.get(locale__language_code="es", slug=slug)


def test_spanish_pages_are_published_translations_of_the_english_ones(subtests, spanish_demo):
    english = {
        "therapies": TherapyIndexPage.objects.get(slug="therapies"),
        "conditions": ConditionIndexPage.objects.get(slug="conditions"),
        "muscle-spasms": ConditionPage.objects.get(slug="muscle-spasms"),
        **{t.slug: t for t in TherapyPage.objects.filter(locale=Locale.get_default())},
    }
    expected = {
        "therapies": (TherapyIndexPage, SPANISH["therapy_index"]),
        "conditions": (ConditionIndexPage, SPANISH["condition_index"]),
        "muscle-spasms": (ConditionPage, SPANISH["condition"]),
        **{slug: (TherapyPage, text) for slug, text in SPANISH["therapies"].items()},
    }
    assert set(english) == set(expected)
    for slug, (model, text) in expected.items():
        with subtests.test(page=text["title"]):
            page = spanish(model, text["slug"])
            assert page.title == text["title"]
            assert page.translation_key == english[slug].translation_key
            assert page.get_translation(Locale.get_default()) == english[slug]
            assert page.live and not page.has_unpublished_changes
            assert page.alias_of is None
            assert page.get_parent().locale == spanish_demo.es


def test_spanish_condition_links_the_spanish_therapies_in_order(spanish_demo):
    condition = spanish(ConditionPage, "espasmos-musculares")
    links = list(condition.get_therapy_links())
    therapies = [SPANISH["therapies"][slugify(title)] for title in THERAPY_TITLES]
    assert [link.therapy.title for link in links] == [t["title"] for t in therapies]
    assert [link.note for link in links] == [t["note"] for t in therapies]
    assert {link.therapy.locale for link in links} == {spanish_demo.es}
    # The English page keeps its English links.
    english = ConditionPage.objects.get(slug="muscle-spasms")
    assert [link.therapy.title for link in english.get_therapy_links()] == THERAPY_TITLES


def test_spanish_condition_has_the_translated_body_areas(spanish_demo):
    condition = spanish(ConditionPage, "espasmos-musculares")
    assert sorted(condition.body_areas.values_list("name", flat=True)) == [
        "Brazos y piernas",
        "Espalda",
    ]
    for area in BodyArea.objects.filter(locale=spanish_demo.es):
        assert area.get_translation(Locale.get_default()).slug in dict(demo.BODY_AREAS).values()
    assert BodyArea.objects.filter(locale=spanish_demo.es).count() == len(demo.BODY_AREAS)


def test_spanish_condition_page_reads_in_spanish(client, i18n_site, spanish_demo):
    condition = spanish(ConditionPage, "espasmos-musculares")
    assert condition.url == "/es/dolencias/espasmos-musculares/"
    response = client.get(condition.url)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for key in ("overview", "treatment", "treatment_outro", "advantages"):
        assert SPANISH["condition"][key] in text
    assert SPANISH["condition"]["appointment_form"]["heading"] in text
    assert '<h2 id="sources-heading">Fuentes</h2>' in text
    assert "Última comprobación:" in text
    for therapy in SPANISH["therapies"].values():
        assert f'href="/es/terapias/{therapy["slug"]}/"' in text
    assert "/therapies/" not in text
    # The English page is where it was.
    assert client.get("/conditions/muscle-spasms/").status_code == 200


def test_every_spanish_demo_page_renders(client, subtests, i18n_site, spanish_demo):
    pages = Page.objects.type(ConditionIndexPage, TherapyIndexPage, TherapyPage, ConditionPage)
    for page in pages.filter(locale=spanish_demo.es):
        with subtests.test(page=page.title):
            assert page.url.startswith("/es/")
            response = client.get(page.url)
            assert response.status_code == 200
            assert page.title in html.unescape(response.content.decode())


def test_translating_again_creates_nothing_new_and_keeps_edits(spanish_demo):
    therapy = spanish(TherapyPage, "electroestimulacion")
    therapy.title = "Electroterapia"
    therapy.save_revision().publish()
    before = page_counts()
    output = load_demo("--translate", "es")
    assert page_counts() == before
    assert "Kept condition “Espasmos musculares”" in output
    assert spanish(TherapyPage, "electroestimulacion").title == "Electroterapia"


def test_command_reports_the_translations(spanish_demo):
    assert "Created condition “Espasmos musculares”" in spanish_demo.spanish_output
    assert "Created therapy index “Terapias”" in spanish_demo.spanish_output


def test_translate_refuses_a_language_the_demo_has_no_text_for():
    with pytest.raises(CommandError):
        load_demo("--translate", "de")


def test_review_dates_every_demo_page_in_both_languages(subtests, spanish_demo):
    today = datetime.date(2026, 11, 30)
    practitioners = demo.review_demo(today=today)
    assert [p.name for p in practitioners] == [p[0] for p in demo.PRACTITIONERS]
    # Translated into Spanish with copy_for_translation: the same person in Spanish.
    for practitioner in practitioners:
        espanol = practitioner.get_translation(spanish_demo.es)
        name, job_title, bio = SPANISH["practitioners"][practitioner.name]
        assert (espanol.name, espanol.job_title, espanol.bio) == (name, job_title, bio)
        assert espanol.credentials == practitioner.credentials
        assert espanol.sort_order == practitioner.sort_order
    pages = Page.objects.type(TherapyPage, ConditionPage).specific()
    assert len(pages) == 14
    for page in pages:
        with subtests.test(page=page.title):
            # Each page is reviewed by the practitioner in its own language.
            assert page.reviewed_by.get_translation(Locale.get_default()) in practitioners
            assert page.reviewed_by.locale_id == page.locale_id
            assert page.last_reviewed < today
            assert page.next_review_due == page.last_reviewed + demo.REVIEW_INTERVAL
            assert page.live and not page.has_unpublished_changes
    # A page already reviewed keeps its review; the practitioners are not duplicated.
    condition = ConditionPage.objects.get(slug="muscle-spasms")
    condition.last_reviewed = today
    condition.save_revision().publish()
    demo.review_demo(today=today)
    assert ConditionPage.objects.get(slug="muscle-spasms").last_reviewed == today
    assert Practitioner.objects.count() == 2 * len(demo.PRACTITIONERS)
    # Translating again keeps the Spanish practitioners too.
    output = load_demo("--translate", "es")
    assert "Kept practitioner “Dra. Amara Okafor”" in output
    assert Practitioner.objects.count() == 2 * len(demo.PRACTITIONERS)


def reviewed_by(client, url):
    """The ``reviewedBy`` of the page's JSON-LD ``MedicalWebPage``."""
    script = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', client.get(url).content.decode(), re.S
    )
    graph = json.loads(script.group(1))["@graph"]
    return next(node for node in graph if node["@type"] == "MedicalWebPage")["reviewedBy"]


def test_the_spanish_pages_name_the_spanish_practitioner(client, i18n_site, spanish_demo):
    """After ``review_demo``: the review line and the structured data read in Spanish."""
    demo.review_demo()
    condition = spanish(ConditionPage, "espasmos-musculares")
    text = html.unescape(client.get(condition.url).content.decode())
    assert "Dra. Amara Okafor, DC, MSc" in text
    reviewer = reviewed_by(client, condition.url)
    assert (reviewer["name"], reviewer["jobTitle"]) == ("Dra. Amara Okafor", "Quiropráctica")
    english = reviewed_by(client, "/conditions/muscle-spasms/")
    assert (english["name"], english["jobTitle"]) == ("Dr Amara Okafor", "Chiropractor")
