"""The static headless client (example_site/static/headless/) end to end, on the API alone."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.browser.conftest import HEADLESS_CLIENT, expect
from tests.browser.helpers import assert_stored, fill_appointment_form, focused_id
from wagtail_conditions.models import AppointmentRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_condition(page):
    page.goto(HEADLESS_CLIENT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions we treat")
    page.get_by_role("link", name="Muscle spasms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muscle spasms")
    return page.locator("form.wc-form")


def test_a_patient_finds_a_condition_and_requests_an_appointment(page, live_demo_condition):
    page.goto(HEADLESS_CLIENT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Conditions we treat")
    expect(page.get_by_text("1 condition", exact=True)).to_be_visible()

    page.get_by_role("link", name="Muscle spasms").click()

    expect(page).to_have_url(re.compile(rf"#/conditions/{live_demo_condition.pk}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Muscle spasms")
    therapies = page.get_by_role("list", name="Therapies").get_by_role("listitem")
    expect(therapies).to_have_count(live_demo_condition.therapy_links.count())
    expect(therapies.first).to_contain_text("Ice or heat therapy")

    form = page.locator("form.wc-form")
    values = fill_appointment_form(form)
    form.get_by_role("button", name="Send request").click()

    success = page.get_by_role("status")
    expect(success).to_contain_text("Request sent")
    expect(success).to_contain_text("We have received your request")
    stored = assert_stored(values)
    expect(success).to_contain_text(f"Your reference: {stored.reference}")
    # Focus moves to the message, so screen readers announce it.
    assert page.evaluate("document.activeElement.classList.contains('wc-success')")


def test_an_invalid_email_is_reported_and_linked_to_its_field(page, live_demo_condition):
    form = open_condition(page)
    fill_appointment_form(form, email="not-an-email")
    form.get_by_role("button", name="Send request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    email = form.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    link = summary.get_by_role("link", name=re.compile("email address in the correct format"))
    expect(link).to_be_visible()

    link.click()

    assert focused_id(page) == email.get_attribute("id")
    expect(email).to_be_focused()
    # The message is part of the field's accessible description.
    message_id = email.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{message_id}")).to_contain_text("correct format")
    assert not AppointmentRequest.objects.exists()

    email.fill("ada@example.com")
    form.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent")
    assert AppointmentRequest.objects.get().email == "ada@example.com"


def test_an_editor_previews_a_draft_in_the_client(page, live_server, live_demo_condition):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    live_demo_condition.title = "Muscle spasms and cramps"
    live_demo_condition.save_revision(user=editor)  # a draft; the live page is unchanged
    client = Client()
    client.force_login(editor)
    preview = client.get(f"/admin/pages/{live_demo_condition.pk}/view_draft/")
    client_url = unescape(re.search(r'<iframe src="([^"]+)"', preview.text).group(1))
    assert client_url.startswith("http://testserver" + HEADLESS_CLIENT + "?content_type=")

    page.goto(client_url.removeprefix("http://testserver"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Muscle spasms and cramps")
    expect(page.get_by_text("Preview of a draft")).to_be_visible()
    expect(page.get_by_role("list", name="Therapies").get_by_role("listitem")).to_have_count(
        live_demo_condition.therapy_links.count()
    )
    # A request can never be sent from a preview.
    expect(page.get_by_role("button", name="Send request")).to_be_disabled()


def test_a_bad_preview_token_shows_the_apis_message(page, live_demo_condition):
    page.goto(HEADLESS_CLIENT + "?content_type=wagtail_conditions.conditionpage&token=forged")

    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong")
    expect(page.get_by_text("The preview token is not valid.")).to_be_visible()


def test_an_expired_token_is_replaced_and_the_request_sent_once(page, live_demo_condition):
    form = open_condition(page)
    values = fill_appointment_form(form)
    sent = []

    def expire_first_token(route):
        body = route.request.post_data_json
        sent.append((body["token"], route.request.headers.get("idempotency-key")))
        if len(sent) == 1:
            body["token"] = "expired"  # as if the page had stayed open past its lifetime
            route.continue_(post_data=json.dumps(body))
        else:
            route.continue_()

    page.route("**/api/appointments/", expire_first_token)
    form.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("status")).to_contain_text("Request sent")
    stored = assert_stored(values)
    assert len(sent) == 2
    (first_token, first_key), (second_token, second_key) = sent
    assert second_token != first_token  # the fresh token from the 403
    assert first_key and first_key == second_key  # one Idempotency-Key for these answers
    expect(page.get_by_role("status")).to_contain_text(f"Your reference: {stored.reference}")
