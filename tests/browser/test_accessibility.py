"""
axe-core's WCAG 2.0–2.2 A and AA rules (and heading order) on every public template and state
we render, in both faces (Wagtail's templates and the headless client), at desktop width
(1280 px) and on a phone (390 px, a mobile viewport): the states of ``states.py`` (both indexes
plain, filtered, searched with and without results and paginated, condition and therapy pages
in English and Spanish, a condition using every block type), the appointment form empty,
with errors and sent, and the "Was this page helpful?" form with errors and sent, with and
without its script. Each state is loaded once per width and axe runs once on it; a failure
names every state with its violations. Needs axe-core from npm (`npm ci --prefix
tests/browser`); skips, saying so, without it.
"""

from urllib.parse import urlencode

import pytest

from tests.browser.conftest import HEADLESS_CLIENT, _open_page, assert_no_axe_violations, expect
from tests.browser.helpers import fill_appointment_form
from tests.browser.states import SETTINGS, build_content, live_multilingual_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, chromium, live_server, transactional_db):
    """A page at each width: desktop, then a phone's."""
    context, page = _open_page(chromium, live_server, **WIDTHS[request.param])
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


@pytest.fixture
def content(transactional_db, live_server, settings):
    settings.WAGTAIL_CONDITIONS = SETTINGS
    with live_multilingual_site(live_server):
        yield build_content()


def violations(page):
    """axe's violations on the page, as text ("" when none)."""
    try:
        assert_no_axe_violations(page)
    except AssertionError as error:
        return str(error)
    return ""


def test_every_template_and_state(axe, sized_page, content, settings):
    page, found = sized_page, {}
    for state in content.get_states:
        settings.WAGTAIL_CONDITIONS = state.settings
        response = page.goto(state.url)
        assert response.status == 200, (state.name, state.url, response.status)
        if state.contains:
            expect(page.locator("main")).to_contain_text(state.contains)
        found[state.name] = violations(page)
    settings.WAGTAIL_CONDITIONS = SETTINGS

    # The form: empty (the condition page above), with errors, then sent.
    page.goto(content.condition.url)
    form = page.locator("form.wc-form")
    fill_appointment_form(form, email="not-an-email", phone="")
    form.get_by_role("button", name="Send request").click()
    expect(page.locator(".wc-error-summary")).to_be_visible()
    found["form-errors"] = violations(page)
    form = page.locator("form.wc-form")
    form.get_by_label("Email address").fill("ada@example.com")
    form.get_by_label("Phone number").fill("+44 20 7946 0000")
    form.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent")
    found["form-sent"] = violations(page)

    # "Was this page helpful?": errors and thanks shown in place by its script, then the
    # pages the server answers without it (the form posted as a browser without JavaScript).
    page.goto(content.condition.url)
    feedback = page.locator("section#page-feedback")
    feedback.get_by_label("How could we make this page better?").fill("Ring 020 7946 0000")
    feedback.get_by_role("button", name="Send feedback").click()
    expect(feedback.locator(".wc-error-summary")).to_be_visible()
    found["feedback-errors-js"] = violations(page)
    feedback.get_by_label("How could we make this page better?").fill("Clear.")
    feedback.get_by_label("Yes", exact=True).check()
    feedback.get_by_role("button", name="Send feedback").click()
    expect(feedback.locator("[data-wc-feedback-status]")).to_contain_text(
        "Thank you for your feedback"
    )
    found["feedback-sent-js"] = violations(page)
    page.goto(content.condition.url)
    page.locator("section#page-feedback form").evaluate("form => form.submit()")
    expect(page.locator("section#page-feedback .wc-error-summary")).to_be_visible()
    found["feedback-errors"] = violations(page)
    feedback = page.locator("section#page-feedback")
    feedback.get_by_label("No", exact=True).check()
    feedback.locator("form").evaluate("form => form.submit()")
    expect(page.locator("section#page-feedback").get_by_role("status")).to_contain_text(
        "Thank you for your feedback"
    )
    found["feedback-sent"] = violations(page)

    failed = {name: text for name, text in found.items() if text}
    assert not failed, "\n\n".join(f"[{name}] {text}" for name, text in failed.items())


def test_headless_client_pages(axe, sized_page, live_demo_condition):
    page = sized_page
    page.goto(HEADLESS_CLIENT)
    expect(page.get_by_role("link", name="Muscle spasms")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Muscle spasms").click()
    form = page.locator("form.wc-form")
    expect(form).to_be_visible()
    axe(page)

    fill_appointment_form(form, email="not-an-email", phone="")
    form.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe(page)

    form.get_by_label("Email address").fill("ada@example.com")
    form.get_by_label("Phone number").fill("+44 20 7946 0000")
    form.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent")
    axe(page)


def test_headless_client_preview(axe, sized_page, live_demo_condition):
    page = sized_page
    token = live_demo_condition.create_page_preview().token
    page.goto(
        HEADLESS_CLIENT
        + "?"
        + urlencode({"content_type": "wagtail_conditions.conditionpage", "token": token})
    )
    expect(page.get_by_text("Preview of a draft")).to_be_visible()
    axe(page)
