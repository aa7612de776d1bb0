"""
"Was this page helpful?" in a browser: a patient answers without JavaScript (the page comes
back with the errors, then with the thank-you) and with it (errors and thanks in place, no
reload, the thanks announced); an editor opens Reports › Page feedback and the page's own
review panel and sees the demo's answers.
"""

import re

import pytest

from tests.browser.conftest import expect
from tests.browser.helpers import log_in
from wagtail_conditions import demo
from wagtail_conditions.models import PageFeedback

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMENT = "How could we make this page better?"
PERSONAL = "Remove your email address or phone number"


def test_a_patient_sends_feedback_without_javascript(nojs_page, live_demo_condition):
    page = nojs_page
    page.goto(live_demo_condition.url)
    section = page.locator("section#page-feedback")
    expect(section.get_by_role("group", name="Was this page helpful?")).to_be_visible()

    section.get_by_label(COMMENT).fill("Call me on 020 7946 0000")
    section.get_by_role("button", name="Send feedback").click()

    section = page.locator("section#page-feedback")
    summary = section.locator(".wc-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Select yes if this page was helpful, or no if it was not.", re.compile(PERSONAL)]
    )
    expect(section.get_by_label(COMMENT)).to_have_value("Call me on 020 7946 0000")
    expect(section.get_by_label(COMMENT)).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_role("link", name="Go to the appointment form")).to_have_attribute(
        "href", "#appointment"
    )
    assert not PageFeedback.objects.exists()

    section.get_by_label("No", exact=True).check()
    section.get_by_label(COMMENT).fill("Say how many sessions I would need.")
    section.get_by_role("button", name="Send feedback").click()

    expect(page).to_have_url(re.compile(r"/feedback/sent/\d+/#page-feedback$"))
    status = page.locator("section#page-feedback").get_by_role("status")
    expect(status).to_contain_text("Thank you for your feedback.")
    stored = PageFeedback.objects.get()
    assert (stored.page_id, stored.helpful, stored.comment) == (
        live_demo_condition.pk,
        False,
        "Say how many sessions I would need.",
    )
    # The page itself still asks everyone else.
    page.goto(live_demo_condition.url)
    expect(page.locator("section#page-feedback form")).to_be_visible()


def test_a_patient_sends_feedback_with_javascript(page, live_demo_condition):
    page.goto(live_demo_condition.url)
    page.evaluate("window.notReloaded = true")
    section = page.locator("section#page-feedback")

    section.get_by_label("Yes", exact=True).check()
    section.get_by_label(COMMENT).fill("write to ann@example.com")
    section.get_by_role("button", name="Send feedback").click()

    summary = section.locator(".wc-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text([re.compile(PERSONAL)])
    expect(section.get_by_label(COMMENT)).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_role("link", name="Go to the appointment form")).to_be_visible()
    assert not PageFeedback.objects.exists()

    section.get_by_label(COMMENT).fill("Clear, thank you.")
    section.get_by_role("button", name="Send feedback").click()

    # Announced from the live region the page carries from the start (aria-live="polite").
    status = section.locator("[data-wc-feedback-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("Thank you for your feedback.")
    expect(status).to_be_focused()
    expect(section.locator("form")).to_be_hidden()
    expect(section.locator(".wc-error-summary")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(re.escape(live_demo_condition.url) + "$"))
    stored = PageFeedback.objects.get()
    assert (stored.helpful, stored.comment, stored.is_spam) == (True, "Clear, thank you.", False)


def test_an_editor_reads_the_feedback_report_and_the_pages_panel(page, live_demo_condition):
    from django.contrib.auth import get_user_model

    demo.feedback_demo()
    get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    log_in(page)

    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Page feedback").click()
    expect(page.get_by_role("heading", name="Page feedback", level=1)).to_be_visible()
    per_page = page.get_by_role("table").first
    row = per_page.get_by_role("row", name=re.compile("Muscle spasms"))
    expect(row).to_contain_text("4")
    expect(row).to_contain_text("67%")
    expect(page.get_by_text("Too many long words. What does allopathic mean?")).to_be_visible()

    # Filtered to the "No" answers (Wagtail keeps the filters in a drawer; its URL is the same).
    page.goto(page.url.split("?")[0] + "?helpful=no")
    expect(page.get_by_text("Clear, and the list of warning signs")).to_have_count(0)
    expect(page.get_by_text("Does it hurt? The page does not say.")).to_be_visible()

    page.goto(f"/admin/pages/{live_demo_condition.pk}/edit/")
    page.get_by_role("tab", name="Promote and review").click()
    panel = page.get_by_role("tabpanel", name="Promote and review")
    expect(panel).to_contain_text("6 answers: 4 yes, 2 no (67% found it helpful).")
    expect(panel).to_contain_text("Clear, and the list of warning signs")
    expect(panel.get_by_role("link", name="See all feedback on this page")).to_be_visible()
