"""
Shared set-up for the appointment pipeline tests: a published page carrying appointment form
blocks, a valid submission for one of them, and a reader for the rendered form.

The fixtures built on these are in ``tests/conftest.py``.
"""

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from tests.testapp.models import HostPage
from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.models import AppointmentRequest

FORM_ID = "1f0c6f1e-8a3b-4c55-9d2a-6f5e4b3a2c10"
OTHER_FORM_ID = "7b2e9d40-1c6a-4e8f-a7d3-0e9b8c7f6a51"
ALL_FIELDS = ["phone", "preferred_date", "preferred_time", "patient_status", "reason"]
STAFF_EMAIL = "frontdesk@clinic.example"
PATIENT_EMAIL = "ann.patient@example.com"
CONSENT = "I agree to the clinic keeping these details to contact me."
THANK_YOU = "Thank you: we will call you within two working days."

# Most tests run with no minimum fill time and a rate limit they cannot reach; the spam and
# rate-limit tests set their own values.
BASE_SETTINGS = {
    "APPOINTMENT_MIN_FILL_SECONDS": 0,
    "APPOINTMENT_RATE_LIMIT": 10_000,
    "APPOINTMENT_RECIPIENTS": [STAFF_EMAIL],
    # Off, as in tests/settings.py: the suite's query counts measure rendering.
    # tests/pages/test_render_cache.py turns it on, and so do the browser tests (their settings
    # leave it to its default), so patients' journeys run through cached pages.
    "RENDER_CACHE": False,
}


def submit_url():
    return reverse("wagtail_conditions:appointment_submit")


def sent_url(page, block_id):
    return reverse(
        "wagtail_conditions:appointment_sent", kwargs={"page_id": page.pk, "block_id": block_id}
    )


def post_form(client, data, url=None, **extra):
    """POST ``data`` form-encoded (the browser default; Django's test client sends multipart)."""
    return client.post(
        url or submit_url(),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


def configure(settings, **overrides):
    """Apply WAGTAIL_CONDITIONS overrides on top of the test defaults (pytest-django settings)."""
    settings.WAGTAIL_CONDITIONS = {**BASE_SETTINGS, **overrides}


def form_block(block_id=FORM_ID, **value):
    """The raw StreamField data of one appointment form block."""
    return {
        "type": "appointment_form",
        "id": block_id,
        "value": {
            "heading": "Request an appointment",
            "intro": "",
            "fields": list(ALL_FIELDS),
            "required_fields": [],
            "button_label": "Send request",
            "thank_you_message": THANK_YOU,
            "booking_notice": "This is not a booking.",
            "consent_text": CONSENT,
            "privacy_page": None,
            "recipients": "",
            "send_acknowledgement": True,
            "anchor": "appointment",
            **value,
        },
    }


def publish(page, parent=None):
    """Add ``page`` under the default site's home page (or ``parent``) and publish it."""
    parent = parent or Site.objects.get(is_default_site=True).root_page
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def publish_host_page(*blocks, parent=None, slug="book", title="Book a visit"):
    return publish(HostPage(title=title, slug=slug, body=list(blocks or [form_block()])), parent)


def valid_answers(**overrides):
    answers = {
        "name": "Ann Patient",
        "email": PATIENT_EMAIL,
        "phone": "+44 20 7946 0000",
        "preferred_date": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "preferred_time": "morning",
        "patient_status": "new",
        "reason": "Lower back pain after lifting.",
        "consent": "on",
        "website": "",
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


@dataclass
class FormPage:
    """A published page with a form block, and valid submissions for it."""

    page: object
    block_id: str = FORM_ID

    def payload(self, *, token_now=None, **overrides):
        """A valid POST body; pass ``field=None`` to leave a field out."""
        data = {
            "page": str(self.page.pk),
            "block": self.block_id,
            "token": make_form_token(self.page.pk, self.block_id, now=token_now),
            **valid_answers(),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def post(self, client, *, headers=None, **overrides):
        """Submit as a browser does: a form-encoded POST."""
        return post_form(client, self.payload(**overrides), headers=headers)

    @property
    def sent_url(self):
        return sent_url(self.page, self.block_id)


class _FormReader(HTMLParser):
    def __init__(self, block_id):
        super().__init__()
        self.block_id = block_id
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"attrs": attrs, "inputs": []}
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select", "button") and self._current is not None:
            self._current["inputs"].append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def read_form(html, block_id=FORM_ID):
    """The rendered <form> whose hidden ``block`` input is ``block_id``: attrs and inputs."""
    reader = _FormReader(block_id)
    reader.feed(html)
    for form in reader.forms:
        hidden = {a.get("name"): a.get("value") for t, a in form["inputs"] if t == "input"}
        if hidden.get("block") == block_id:
            return form
    raise AssertionError(f"No appointment form for block {block_id} in the page")


def hidden_values(form):
    return {
        attrs["name"]: attrs.get("value", "")
        for tag, attrs in form["inputs"]
        if tag == "input" and attrs.get("type") == "hidden"
    }


def stored_count():
    return AppointmentRequest.objects.count()


def always_spam(data, request):
    """An ``APPOINTMENT_SPAM_CHECKS`` entry that flags everything."""
    return True
