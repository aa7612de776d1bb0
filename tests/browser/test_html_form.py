"""The Wagtail-rendered appointment form with JavaScript turned off: plain HTML all the way."""

import re
import time

import pytest

from tests.browser.conftest import expect
from tests.browser.helpers import PATIENT, assert_stored, fill_appointment_form
from wagtail_conditions.models import AppointmentRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_errors_then_success_without_javascript(nojs_page, live_demo_condition):
    page = nojs_page
    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    form.get_by_label("Full name").fill(PATIENT["name"])
    form.get_by_label("Email address").fill("ada.example.com")
    form.get_by_label("Reason for your visit").fill(PATIENT["reason"])
    form.get_by_role("button", name="Send request").click()

    # The page comes back with an error summary whose links lead to the fields...
    summary = page.locator(".wc-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            re.compile("email address in the correct format"),
            "Enter a phone number.",
            "Tick the box to agree before sending your request.",
        ]
    )
    for href in links.evaluate_all("links => links.map(link => link.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)
    form = page.locator("form.wc-form")
    expect(form.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    # ...and the answers already given are kept.
    expect(form.get_by_label("Full name")).to_have_value(PATIENT["name"])
    expect(form.get_by_label("Email address")).to_have_value("ada.example.com")
    expect(form.get_by_label("Reason for your visit")).to_have_value(PATIENT["reason"])
    assert not AppointmentRequest.objects.exists()

    # Following a link goes to its field.
    links.first.click()
    expect(page).to_have_url(re.compile(r"#.+-email$"))
    expect(form.get_by_label("Email address")).to_be_focused()

    values = fill_appointment_form(form)
    form.get_by_role("button", name="Send request").click()

    # The thank-you message replaces the form, in the same block, at its anchor.
    expect(page).to_have_url(re.compile(r"#appointment$"))
    block = page.locator("section#appointment")
    expect(block.get_by_role("status")).to_contain_text("Request sent")
    expect(block.get_by_role("status")).to_contain_text("We have received your request")
    expect(page.locator("form.wc-form")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Muscle spasms")
    assert_stored(values)


def test_nojs_errors_land_on_the_form_not_the_top_of_the_page(nojs_page, live_demo_condition):
    page = nojs_page
    page.goto(live_demo_condition.url)
    page.locator("form.wc-form").get_by_role("button", name="Send request").click()

    # The form posts to its own anchor, so the browser scrolls to the block and its summary.
    expect(page).to_have_url(re.compile(r"/appointments/submit/#appointment$"))
    summary = page.locator(".wc-error-summary")
    expect(summary).to_be_in_viewport()


def test_with_javascript_the_error_summary_and_the_thank_you_take_focus(page, live_demo_condition):
    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    form.get_by_role("button", name="Send request").click()

    summary = page.locator(".wc-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()

    values = fill_appointment_form(page.locator("form.wc-form"))
    page.locator("form.wc-form").get_by_role("button", name="Send request").click()

    success = page.locator("section#appointment").get_by_role("status")
    expect(success).to_be_focused()
    stored = assert_stored(values)
    expect(success).to_contain_text(f"Your reference is {stored.reference}")


def test_an_expired_form_keeps_the_answers_and_sends_on_the_next_click(page, live_demo_condition):
    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    values = fill_appointment_form(form)
    # The page stayed open past the token's lifetime.
    form.locator("input[name=token]").evaluate("input => { input.value = 'expired' }")
    form.get_by_role("button", name="Send request").click()

    summary = page.locator(".wc-error-summary")
    expect(summary).to_contain_text("For your security this form timed out")
    form = page.locator("form.wc-form")
    expect(form.get_by_label("Full name")).to_have_value(values["name"])
    expect(form.get_by_label("Reason for your visit")).to_have_value(values["reason"])
    assert not AppointmentRequest.objects.exists()

    expect(form.get_by_role("checkbox")).to_be_checked()
    form.get_by_role("button", name="Send request").click()

    expect(page.locator("section#appointment").get_by_role("status")).to_contain_text(
        "Request sent"
    )
    assert_stored(values)


def test_a_page_kept_by_a_cdn_gets_a_fresh_token_when_the_patient_starts(
    page, live_demo_condition
):
    """A CDN's copy carries the token issued when it was fetched: here one two days old, long
    expired. Moving into the form fetches a fresh one, so the first submission is accepted."""
    from wagtail_conditions.appointments.tokens import make_form_token

    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    block_id = form.locator('input[name="block"]').get_attribute("value")
    stale = make_form_token(live_demo_condition.pk, block_id, now=time.time() - 2 * 86400)
    form.locator('input[name="token"]').evaluate("(input, value) => { input.value = value; }", stale)

    with page.expect_response(lambda r: "/api/appointments/token/" in r.url) as answer:
        form.get_by_label("Full name").focus()
    assert answer.value.status == 200
    expect(form.locator('input[name="token"]')).not_to_have_value(stale)

    values = fill_appointment_form(form)
    form.get_by_role("button", name="Send request").click()
    expect(page.locator("section#appointment").get_by_role("status")).to_contain_text(
        "Request sent"
    )
    assert_stored(values)
