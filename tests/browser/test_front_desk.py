"""
A receptionist's morning in a real browser: the dashboard says how many requests are new, the
newest opens from the inbox, one click marks it contacted, the search box finds it again by
the reference the patient reads out, and the CSV download holds it.
"""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import expect
from tests.builders.inbox import front_desk_group, make_user
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.models import AppointmentRequest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def requests_waiting(transactional_db):
    """Three new requests (the newest is Ada's) and one held as spam."""
    now = timezone.now()
    made = {}
    for name, hours_ago in [("Ada Lovelace", 1), ("Ben Okri", 5), ("Cy Twombly", 30)]:
        made[name] = AppointmentRequestFactory(name=name, status="new")
        AppointmentRequest.objects.filter(pk=made[name].pk).update(
            created_at=now - datetime.timedelta(hours=hours_ago)
        )
    AppointmentRequestFactory(name="Spammy", status="spam", spam_reason="honeypot")
    return made


def log_in_as_receptionist(page):
    make_user("reception", groups=[front_desk_group()])
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("reception")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def test_receptionist_works_through_the_inbox(page, requests_waiting):
    ada = requests_waiting["Ada Lovelace"]
    log_in_as_receptionist(page)

    # The dashboard: three new requests (spam never counts), the oldest waiting over a day.
    panel = page.locator("#appointment-requests-section")
    expect(panel.get_by_role("link", name="3 new requests")).to_be_visible()
    expect(panel).to_contain_text("The oldest has waited 1\xa0day, 6\xa0hours.")

    # The inbox, newest first; the newest request opens from its reference.
    panel.get_by_role("link", name="Open the inbox").click()
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Ada Lovelace")
    views = page.get_by_role("navigation", name="Requests to show")
    expect(views.get_by_role("link", name="Spam (1)")).to_be_visible()
    rows.first.get_by_role("link", name=ada.reference, exact=True).first.click()
    expect(page.locator(".inbox-reference__value")).to_have_text(ada.reference)
    expect(page.get_by_role("link", name="+44 20 7946 0000")).to_have_attribute(
        "href", "tel:+442079460000"
    )

    # One click: contacted, and back on the same request with a message.
    page.get_by_role("button", name="Mark contacted").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Appointment request {ada.reference}: status set to “Contacted”."
    )
    expect(page.locator(".inbox-reference__value")).to_have_text(ada.reference)
    ada.refresh_from_db()
    assert ada.status == "contacted"

    # The patient calls back and reads the reference out: typed loosely, it is found.
    page.goto("/admin/wagtail_conditions/appointmentrequest/")
    search = page.get_by_role("textbox", name="Search")
    search.fill(ada.reference.lower().replace("-", " "))
    search.press("Enter")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Lovelace")
    expect(rows.first).to_contain_text("Contacted")

    # The CSV of what is on screen holds the request, by its reference.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("appointment-requests-")
    text = open(download.path(), encoding="utf-8-sig").read()
    lines = text.splitlines()
    assert lines[0].startswith("Reference,Received,Status,Name,")
    assert len(lines) == 2
    assert lines[1].startswith(f"{ada.reference},")
    assert "Contacted,Ada Lovelace" in lines[1]
