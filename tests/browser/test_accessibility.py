"""
axe-core's WCAG 2.0–2.2 A and AA rules on every kind of public page we render, in both faces:
Wagtail's templates and the headless client. Needs axe-core from npm
(`npm ci --prefix tests/browser`); skips, saying so, without it.
"""

from urllib.parse import urlencode

import pytest

from tests.browser.conftest import HEADLESS_CLIENT, expect
from tests.browser.helpers import fill_appointment_form
from wagtail_conditions.models import ConditionIndexPage, TherapyPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_condition_page(axe, page, live_demo_condition):
    page.goto(live_demo_condition.url)
    axe(page)


def test_condition_index(axe, page, live_demo_condition):
    page.goto(ConditionIndexPage.objects.get().url)
    expect(page.get_by_role("link", name="Muscle spasms")).to_be_visible()
    axe(page)


def test_condition_index_search_without_results(axe, page, live_demo_condition):
    page.goto(ConditionIndexPage.objects.get().url + "?q=zzz")
    axe(page)


def test_therapy_index_and_page(axe, page, live_demo_condition):
    therapy = TherapyPage.objects.get(slug="ultrasound-therapy")
    page.goto(therapy.get_parent().url)
    axe(page)
    page.goto(therapy.url)
    axe(page)


def test_form_with_errors(axe, page, live_demo_condition):
    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    fill_appointment_form(form, email="not-an-email", phone="")
    form.get_by_role("button", name="Send request").click()
    expect(page.locator(".wc-error-summary")).to_be_visible()
    axe(page)


def test_form_sent(axe, page, live_demo_condition):
    page.goto(live_demo_condition.url)
    form = page.locator("form.wc-form")
    fill_appointment_form(form)
    form.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("Request sent")
    axe(page)


def test_headless_client_pages(axe, page, live_demo_condition):
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


def test_headless_client_preview(axe, page, live_demo_condition):
    token = live_demo_condition.create_page_preview().token
    page.goto(
        HEADLESS_CLIENT
        + "?"
        + urlencode({"content_type": "wagtail_conditions.conditionpage", "token": token})
    )
    expect(page.get_by_text("Preview of a draft")).to_be_visible()
    axe(page)
