"""The demo's reading ages: the seed's sections well above the target, the demo's own warning
signs under it, in English and in the Spanish translation (Fernández-Huerta)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.builders.i18n import multilingual_site
from wagtail_conditions import demo
from wagtail_conditions.models import ConditionPage, PageReadability
from wagtail_conditions.readability.analysis import analyse_page

pytestmark = pytest.mark.django_db


def test_loading_the_demo_reports_each_sections_reading_age():
    out = StringIO()
    call_command("load_conditions_demo", stdout=out)
    condition = ConditionPage.objects.get(slug="muscle-spasms")
    line = next(line for line in out.getvalue().splitlines() if line.startswith("Reading ages"))
    sections = {s.name: s.analysis for s in analyse_page(condition)}
    assert line == "Reading ages of “Muscle spasms” (target 11): " + ", ".join(
        f"{heading} {sections[name].reading_age} ({sections[name].band})"
        for name, heading in [
            ("summary", "Summary"),
            ("overview", "Overview"),
            ("urgent_care", "When to seek urgent care"),
            ("treatment", "How we treat it"),
            ("approach_benefits", "Why our approach helps"),
        ]
    )
    bands = [a.band for a in sections.values()]
    assert "good" in bands and "hard" in bands  # editors see both sides of the check


def test_the_spanish_demo_is_scored_in_spanish(settings):
    settings.WAGTAIL_I18N_ENABLED = True
    with multilingual_site():
        demo.load_demo(languages=("es",))
        spanish = ConditionPage.objects.get(slug="espasmos-musculares")
        sections = analyse_page(spanish)
        assert {s.analysis.formula for s in sections} == {"fernandez_huerta"}
        assert {s.analysis.language for s in sections} == {"es"}
        stored = PageReadability.objects.get(page=spanish)
        assert stored.language == "es"
        assert float(stored.reading_age) == max(s.analysis.reading_age for s in sections)
