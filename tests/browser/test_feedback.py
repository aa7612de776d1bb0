"""
"Was this page helpful?" in a browser: a patient answers without JavaScript (the page comes
back with the errors, then with the thank-you) and with it (errors and thanks in place, no
reload, the thanks announced). The editor's side, Reports › Page feedback and the page's own
review panel, is a step of the editor's journey (test_editor_journey.py).
"""

import re

import pytest

from tests.browser.conftest import expect
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

