"""
The appointment form block's extension points, each overridden as a host site would: by a
subclass of ``AppointmentFormBlock`` in its own StreamField. The host page's block is
swapped for the subclass for the length of a test, so every request runs the real pipeline,
views and emails.
"""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from tests.builders.appointments import (
    STAFF_EMAIL,
    FormPage,
    configure,
    publish_host_page,
)
from tests.testapp.models import HostPage
from wagtail_conditions.appointments.forms import AppointmentRequestForm
from wagtail_conditions.blocks import AppointmentFormBlock
from wagtail_conditions.blocks.appointment import FormConfig
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db


class NoFreeMailForm(AppointmentRequestForm):
    """A host's own validation rule, and a hint of its own, on top of ours."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["placeholder"] = "you@registered.example"

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.endswith("@blocked.example"):
            raise ValidationError("Use the address you registered with.", code="blocked")
        return email


class HostAppointmentFormBlock(AppointmentFormBlock):
    def get_form_class(self):
        return NoFreeMailForm

    def build_appointment_request(self, form, *, page, config):
        request = super().build_appointment_request(form, page=page, config=config)
        request.staff_notes = "Came through the spring campaign."
        return request

    def get_topic(self, page):
        return "Physiotherapy"

    def get_recipients(self, value, page, site_settings):
        return ["physio@clinic.example"]

    def render_thank_you(self, value, context):
        return mark_safe(
            f'<p class="host-thanks" role="status">Booked as {context["reference"]}</p>'
        )


@pytest.fixture
def host_form(monkeypatch, settings):
    """A published host page whose StreamField's form block is the host's subclass."""
    configure(settings)
    stream_block = HostPage._meta.get_field("body").stream_block
    monkeypatch.setattr(
        stream_block.child_blocks["appointment_form"], "__class__", HostAppointmentFormBlock
    )
    return FormPage(publish_host_page())


def post_json(client, form_page, **answers):
    payload = {**form_page.payload(**answers), "page": form_page.page.pk, "consent": True}
    payload.pop("website", None)
    return client.post("/api/appointments/", json.dumps(payload), content_type="application/json")


def test_the_host_form_class_validates_both_faces(client, host_form):
    html = host_form.post(client, email="ann@blocked.example")
    api = post_json(client, host_form, email="ann@blocked.example")

    assert html.status_code == 422
    assert "Use the address you registered with." in html.content.decode()
    assert api.status_code == 422
    assert {
        "type": "blocked",
        "loc": ["body", "email"],
        "msg": "Use the address you registered with.",
    } in api.json()["errors"]
    assert not AppointmentRequest.objects.exists()


def test_the_host_form_class_renders_on_the_page(client, host_form):
    html = client.get(host_form.page.url).content.decode()

    assert 'placeholder="you@registered.example"' in html


def test_the_host_builds_the_stored_request_and_files_it_under_its_topic(
    client, host_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = host_form.post(client)

    assert response.status_code == 303
    stored = AppointmentRequest.objects.get()
    assert stored.staff_notes == "Came through the spring campaign."
    assert stored.topic == "Physiotherapy"
    assert stored.name == "Ann Patient"  # the rest is built as usual


def test_the_host_chooses_who_is_notified(client, host_form, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        host_form.post(client)

    stored = AppointmentRequest.objects.get()
    staff = [message for message in mail.outbox if "New appointment request" in message.subject]
    assert [message.to for message in staff] == [["physio@clinic.example"]]
    assert STAFF_EMAIL not in stored.recipients


def test_the_host_renders_the_thank_you(client, host_form):
    location = host_form.post(client)["Location"]

    html = client.get(location).content.decode()

    reference = AppointmentRequest.objects.get().reference
    assert f'<p class="host-thanks" role="status">Booked as {reference}</p>' in html
    assert "Request sent" not in html  # the default thank-you is replaced


def test_a_page_files_requests_under_its_own_topic(client, settings, monkeypatch):
    configure(settings)
    monkeypatch.setattr(
        HostPage, "get_appointment_topic", lambda page: "Back pain clinic", raising=False
    )
    form_page = FormPage(publish_host_page())

    form_page.post(client)

    assert AppointmentRequest.objects.get().topic == "Back pain clinic"


def test_a_page_without_a_topic_files_requests_under_none(client, settings):
    configure(settings)
    form_page = FormPage(publish_host_page())

    form_page.post(client)

    assert AppointmentRequest.objects.get().topic == ""


def test_the_default_block_uses_the_package_form_and_model():
    block = AppointmentFormBlock()

    assert block.get_form_class() is AppointmentRequestForm
    assert block.get_submission_class() is AppointmentRequest
    config = FormConfig(
        page_id=1,
        block_id="b",
        fields=[],
        required_fields=[],
        consent_text="Yes",
        thank_you_message="Thanks",
    )
    assert type(block.get_form(config=config)) is AppointmentRequestForm
