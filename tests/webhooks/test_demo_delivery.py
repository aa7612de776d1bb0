"""
A request sent from the demo's "Muscle spasms" page, through its own form as a browser sends
it, reaches a receiver that verifies it with the reference library (``standardwebhooks``),
in each payload format: thin (then the details fetched with a signed GET), full JSON, and a
FHIR R4B Bundle that validates with ``fhir.resources``.
"""

import pytest

from tests.builders.appointments import FormPage
from tests.builders.webhooks import signed_fetch
from wagtail_conditions.blocks.appointment import iter_form_blocks
from wagtail_conditions.models import AppointmentRequest
from wagtail_conditions.models.webhooks import PayloadFormat


@pytest.fixture
def demo_form(demo_condition):
    block_id, _block, _value = next(iter_form_blocks(demo_condition))
    return FormPage(demo_condition, block_id)


@pytest.mark.parametrize("payload_format", list(PayloadFormat))
def test_a_request_from_the_demo_page_reaches_a_verifying_receiver(
    demo_form, endpoint_for, receiver, submit, client, payload_format
):
    from fhir.resources.R4B.bundle import Bundle

    endpoint = endpoint_for(payload_format=payload_format)
    appointment = submit(demo_form, reason="Spasms in my calf at night.")
    assert appointment.source_page_id == demo_form.page.pk
    [received] = receiver.accepted  # verified by the receiver with the reference library
    assert received.payload["type"] == "appointment_request.created"
    data = received.payload["data"]
    if payload_format == PayloadFormat.THIN:
        assert appointment.email not in received.body.decode()
        url = data["details_url"].removeprefix("http://testserver")
        details = signed_fetch(client, url, endpoint.secret).json()
        assert details["reason"] == "Spasms in my calf at night."
    elif payload_format == PayloadFormat.JSON:
        assert (data["reference"], data["email"]) == (appointment.reference, appointment.email)
        assert data["source_page_title"] == "Muscle spasms"
    else:
        bundle = Bundle.model_validate(data)
        patient, booking = (entry.resource for entry in bundle.entry)
        assert booking.status == "proposed"
        assert booking.identifier[0].value == appointment.reference
        assert booking.description == "Spasms in my calf at night."
        assert patient.telecom
    assert AppointmentRequest.objects.count() == 1
