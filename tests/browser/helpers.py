"""Steps shared by the browser tests."""

import datetime
import re

from django.utils import timezone

from wagtail_conditions.models import AppointmentRequest

PATIENT = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "reason": "Spasms in my lower back after gardening.",
}


def preferred_date():
    return timezone.localdate() + datetime.timedelta(days=10)


def fill_appointment_form(form, **overrides):
    """Fill the demo's appointment form (Wagtail-rendered or headless: same labels) as a
    patient would, by label."""
    values = {**PATIENT, **overrides}
    form.get_by_label("Full name").fill(values["name"])
    form.get_by_label("Email address").fill(values["email"])
    form.get_by_label("Phone number").fill(values["phone"])
    form.get_by_label("Preferred date").fill(preferred_date().isoformat())
    form.get_by_role("radio", name="Afternoon").check()
    form.get_by_role("radio", name="New patient").check()
    form.get_by_label("Reason for your visit").fill(values["reason"])
    form.get_by_role("checkbox").check()
    return values


def assert_stored(values):
    """The one stored request holds what the patient typed; returns it."""
    stored = AppointmentRequest.objects.get()
    assert (stored.name, stored.email, stored.phone, stored.reason) == (
        values["name"],
        values["email"],
        values["phone"],
        values["reason"],
    )
    assert stored.preferred_date == preferred_date()
    assert (stored.preferred_time, stored.patient_status) == ("afternoon", "new")
    assert stored.consent_given_at is not None
    assert stored.source_page_title == "Muscle spasms"
    return stored


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def log_in(page, username="editor", password="pw"):
    """Sign in to Wagtail's admin as ``username``."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


def publish(page):
    """Publish from the page editor's "More actions" menu."""
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    # Published, Wagtail leaves the editor for the parent page's listing.
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
