"""
Reading ages in a real browser: an editor opens the demo's "Muscle spasms" in the page editor,
reads each section's reading age in the Summary tab's panel, then opens Wagtail's Checks panel,
which scores the preview and reports the sections above the target.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from tests.browser.conftest import expect
from tests.browser.helpers import log_in
from wagtail_conditions.models import ConditionPage
from wagtail_conditions.readability.analysis import analyse_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor_site(live_demo_condition, settings, monkeypatch):
    """The demo, rendered on a base template with Wagtail's user bar, previewed by Wagtail
    itself (the test settings install wagtail-headless-preview, whose previews open a static
    client that has no user bar), and an editor."""
    settings.WAGTAIL_CONDITIONS = {
        **settings.WAGTAIL_CONDITIONS,
        "BASE_TEMPLATE": "userbar_base.html",
    }
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # see test_editor_journey.py
    monkeypatch.setattr(ConditionPage, "serve_preview", Page.serve_preview)
    get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    return live_demo_condition


def test_editor_sees_reading_ages_in_the_summary_tab_and_the_checks_panel(page, editor_site):
    figures = {s.name: s.analysis for s in analyse_page(editor_site)}
    log_in(page)
    page.goto(f"/admin/pages/{editor_site.pk}/edit/")

    panel = page.locator("[data-wc-reading-age-panel]")
    expect(panel).to_be_visible()
    overview = panel.locator('tr[data-section="overview"]')
    expect(overview).to_contain_text("Overview")
    expect(overview).to_contain_text(f"{figures['overview'].reading_age:.1f}")
    expect(overview).to_contain_text("Hard")
    expect(panel.locator('tr[data-section="urgent_care"]')).to_contain_text("Good")
    # The overview's details are open (it is over the target): a long sentence and a term.
    expect(panel).to_contain_text("Spasms occur as the body’s reaction to sudden trauma")
    expect(panel).to_contain_text("try “that you cannot control”")

    page.get_by_role("button", name="Toggle checks").click()
    checks = page.locator("[data-checks-panel]")
    expect(checks).to_contain_text("Overview reads above reading age 11", timeout=30_000)
    expect(checks).to_contain_text("Why our approach helps reads above reading age 11")
    expect(checks).not_to_contain_text("When to seek urgent care reads above")
    rows = checks.locator("[data-content-checker-row]").filter(
        has_text=re.compile(r"reads above reading age 11")
    )
    over = [name for name, a in figures.items() if a.over_target]
    expect(rows).to_have_count(len(over))
