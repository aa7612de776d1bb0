"""On a phone (390×844): no sideways scrolling, and every control of the form is big enough to
tap (WCAG 2.2 success criterion 2.5.8, Target Size (Minimum): 24×24 CSS pixels)."""

import pytest

from tests.browser.conftest import HEADLESS_CLIENT, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MIN_TARGET = 24
# Every control a patient taps; the honeypot is hidden from people and excluded.
CONTROLS = (
    "form.wc-form :is(input:not([type=hidden]), select, textarea, button, a, label[for])"
    ":not(.wc-honeypot *)"
)


def assert_fits_the_screen(page):
    inner_width, scroll_width = page.evaluate(
        "[window.innerWidth, document.documentElement.scrollWidth]"
    )
    assert scroll_width <= inner_width, f"the page scrolls sideways: {scroll_width}px"
    # A phone widens its layout viewport to fit content that is too wide (and zooms out), so
    # innerWidth alone would hide an overflow: compare with the phone's own width too.
    phone_width = page.viewport_size["width"]
    assert inner_width == phone_width, (
        f"the page is wider than the phone: {inner_width}px > {phone_width}px"
    )


def small_targets(page):
    """Controls of the form smaller than 24×24 CSS px, as (description, width, height)."""
    found = []
    controls = page.locator(CONTROLS)
    assert controls.count() > 10
    for control in controls.all():
        box = control.bounding_box()
        if box is None:
            continue
        if box["width"] < MIN_TARGET or box["height"] < MIN_TARGET:
            described = control.evaluate("node => node.outerHTML.slice(0, 120)")
            found.append((described, round(box["width"], 1), round(box["height"], 1)))
    return found


def test_condition_page_on_a_phone(mobile_page, live_demo_condition):
    page = mobile_page
    page.goto(live_demo_condition.url)
    expect(page.locator("form.wc-form")).to_be_visible()
    assert_fits_the_screen(page)
    assert small_targets(page) == []


def test_form_with_errors_on_a_phone(mobile_page, live_demo_condition):
    page = mobile_page
    page.goto(live_demo_condition.url)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".wc-error-summary")).to_be_visible()
    assert_fits_the_screen(page)
    assert small_targets(page) == []


def test_headless_client_on_a_phone(mobile_page, live_demo_condition):
    page = mobile_page
    page.goto(HEADLESS_CLIENT)
    page.get_by_role("link", name="Muscle spasms").click()
    expect(page.locator("form.wc-form")).to_be_visible()
    assert_fits_the_screen(page)
    assert small_targets(page) == []
