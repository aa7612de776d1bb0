"""A submitted request reaches a receiver that verifies it with ``standardwebhooks``, after
commit, in each payload format, and every fault is recorded and retried as documented."""

import datetime
import json
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.builders.webhooks import fetch_headers, free_port, make_endpoint, signed_fetch
from wagtail_conditions.models import WebhookDelivery, WebhookEndpoint
from wagtail_conditions.models.webhooks import Event, PayloadFormat
from wagtail_conditions.webhooks import delivery as webhook_delivery
from wagtail_conditions.webhooks import transport
from wagtail_conditions.webhooks.tasks import deliver_webhook

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
SCHEDULE = [5, 300, 1800, 7200, 18000, *[36000] * 6]


def _delivery():
    return WebhookDelivery.objects.get()


def test_a_request_is_delivered_after_commit_and_verified(
    form_page, endpoint_for, receiver, submit, client, django_capture_on_commit_callbacks
):
    endpoint_for()
    with django_capture_on_commit_callbacks() as callbacks:
        form_page.post(client)
    # Stored with its delivery row, nothing sent yet: the post waits for the commit.
    assert receiver.accepted == []
    assert WebhookDelivery.objects.get().status == Status.PENDING
    for callback in callbacks:
        callback()
    delivery = _delivery()
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 1 and delivery.status_code == 200
    assert delivery.latency_ms is not None and delivery.delivered_at is not None
    [received] = receiver.accepted
    assert received.headers["webhook-id"] == delivery.webhook_id
    assert received.payload["type"] == "appointment_request.created"


def test_thin_is_the_default_and_carries_no_personal_data(
    form_page, endpoint_for, receiver, submit
):
    endpoint = endpoint_for()
    assert endpoint.payload_format == PayloadFormat.THIN
    appointment = submit(form_page)
    [received] = receiver.accepted
    data = received.payload["data"]
    assert data["reference"] == appointment.reference
    assert set(data) == {"reference", "site", "received_at", "details_url", "details_expire_at"}
    for value in (appointment.name, appointment.email, appointment.phone, appointment.reason):
        assert value not in received.body.decode()


def test_the_thin_link_fetches_the_details_once_per_audit_entry(
    form_page, endpoint_for, receiver, submit, client
):
    from wagtail_conditions.models import AppointmentRequestLogEntry

    endpoint = endpoint_for()
    appointment = submit(form_page)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    response = signed_fetch(client, url, endpoint.secret)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["reference"] == appointment.reference and body["email"] == appointment.email
    entries = AppointmentRequestLogEntry.objects.filter(action="wagtail_conditions.webhook_fetch")
    assert entries.count() == 1
    assert appointment.name not in entries.get().label
    assert client.post(url).status_code == 405
    assert signed_fetch(client, url[:-5] + "xxxx/", endpoint.secret).status_code == 403


def test_the_thin_link_stops_working_after_rotation_overlap_and_when_disabled(
    form_page, endpoint_for, receiver, submit, client
):
    endpoint = endpoint_for()
    submit(form_page)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    old_secret = endpoint.secret
    endpoint.rotate_secret(overlap_seconds=3600)
    assert signed_fetch(client, url, endpoint.secret).status_code == 200  # within the overlap
    assert signed_fetch(client, url, old_secret).status_code == 200  # either secret signs
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    assert signed_fetch(client, url, endpoint.secret).status_code == 403
    # Expired links too.
    with override_settings(WAGTAIL_CONDITIONS={"WEBHOOK_FETCH_MAX_AGE": -1}):
        assert signed_fetch(client, url, endpoint.secret).status_code == 403


def test_the_thin_link_of_an_erased_request_is_gone(
    form_page, endpoint_for, receiver, submit, client
):
    endpoint = endpoint_for()
    appointment = submit(form_page)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    appointment.delete()
    response = signed_fetch(client, url, endpoint.secret)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_full_json_is_the_per_person_export_shape(form_page, endpoint_for, receiver, submit):
    from wagtail_conditions.inbox.exports import FULL_COLUMNS

    endpoint_for(payload_format=PayloadFormat.JSON)
    appointment = submit(form_page)
    data = receiver.accepted[0].payload["data"]
    assert list(data) == ["id" if c.field == "pk" else c.field for c in FULL_COLUMNS]
    assert data["reference"] == appointment.reference
    assert data["email"] == appointment.email
    assert data["preferred_date"] == appointment.preferred_date.isoformat()


def test_fhir_r4b_bundle_validates_with_fhir_resources(form_page, endpoint_for, receiver, submit):
    from fhir.resources.R4B.bundle import Bundle

    endpoint_for(payload_format=PayloadFormat.FHIR)
    appointment = submit(form_page)
    data = receiver.accepted[0].payload["data"]
    bundle = Bundle.model_validate(data)
    patient, fhir_appointment = (entry.resource for entry in bundle.entry)
    assert patient.__resource_type__ == "Patient"
    assert patient.name[0].text == appointment.name
    assert fhir_appointment.status == "proposed"
    assert fhir_appointment.identifier[0].value == appointment.reference
    assert fhir_appointment.reasonCode[0].text == appointment.reason
    assert fhir_appointment.description == appointment.reason
    assert fhir_appointment.participant[0].actor.reference == bundle.entry[0].fullUrl
    [period] = fhir_appointment.requestedPeriod
    assert period.start.date() == appointment.preferred_date
    assert (period.start.hour, period.end.hour) == (8, 12)  # "morning"


def test_spam_is_never_delivered(form_page, endpoint_for, receiver, submit):
    endpoint_for()
    submit(form_page, website="http://spam.example")  # the honeypot
    assert WebhookDelivery.objects.count() == 0
    assert receiver.accepted == []


def test_endpoints_get_only_their_events(form_page, endpoint_for, receiver, submit):
    endpoint_for(events=[Event.ERASED])
    endpoint_for(enabled=False)
    submit(form_page)
    assert WebhookDelivery.objects.count() == 0


def test_every_signature_from_the_reference_library_and_the_receiver_refuses_tampering(
    form_page, endpoint_for, receiver, submit
):
    endpoint = endpoint_for()
    submit(form_page)
    received = receiver.accepted[0]
    headers = received.headers
    Webhook(endpoint.secret).verify(received.body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(received.body + b" ", headers)
    other = WebhookEndpoint(url="https://x.example").secret
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(received.body, headers)
    stale = {**headers, "webhook-timestamp": str(int(time.time()) - 6 * 60)}
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(received.body, stale)
    # The receiver's own answers: tampered 401, replayed byte for byte 409.
    assert receiver.receive(received.body + b" ", headers)[0].startswith("401")
    assert receiver.receive(received.body, stale)[0].startswith("401")
    assert receiver.receive(received.body, headers)[0].startswith("409")


def test_rotation_signs_with_both_secrets_during_the_overlap(
    form_page, endpoint_for, receiver, submit
):
    endpoint = endpoint_for()
    old = endpoint.secret
    new = endpoint.rotate_secret(overlap_seconds=3600)
    receiver.secrets[:] = [old]  # the receiver has not changed yet
    submit(form_page)
    headers = receiver.accepted[0].headers
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(receiver.accepted[0].body, headers)
    # After the overlap, the old secret no longer signs.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    receiver.secrets[:] = [new]
    submit(form_page, name="Bo Patient")
    headers = receiver.accepted[1].headers
    assert len(headers["webhook-signature"].split(" ")) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(receiver.accepted[1].body, headers)


def test_receiver_down_is_retried_on_the_schedule(form_page, webhook_settings, submit):
    make_endpoint(f"http://127.0.0.1:{free_port()}/down")
    appointment = submit(form_page)
    assert appointment.pk  # the patient's request is stored whatever the receiver does
    delivery = _delivery()
    assert delivery.status == Status.RETRYING
    assert "ConnectionRefusedError" in delivery.error
    assert delivery.next_attempt_at == pytest.approx(
        delivery.last_attempt_at + datetime.timedelta(seconds=5), abs=datetime.timedelta(seconds=1)
    )


def test_a_hanging_receiver_times_out(form_page, endpoint_for, receiver, submit):
    endpoint_for()
    receiver.mode = "hang"
    receiver.hang_seconds = 3
    started = time.monotonic()
    submit(form_page)
    assert time.monotonic() - started < 2.5  # WEBHOOK_TIMEOUT is 1 s here
    delivery = _delivery()
    assert delivery.status == Status.RETRYING
    assert "Timeout" in delivery.error or "timed out" in delivery.error


def test_500_is_retried_then_given_up_after_the_schedule(form_page, endpoint_for, receiver, submit):
    endpoint_for()
    receiver.mode = 500
    submit(form_page)
    delivery = _delivery()
    assert (delivery.status, delivery.status_code, delivery.error) == (
        Status.RETRYING,
        500,
        "HTTP 500",
    )
    waits = [SCHEDULE[0]]
    for _ in SCHEDULE[1:]:
        deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()))
    assert waits == SCHEDULE
    assert sum(waits) / 86400 == pytest.approx(2.8, abs=0.1)  # about three days
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == len(SCHEDULE) + 1
    assert delivery.next_attempt_at is None


def test_a_retry_carries_the_same_webhook_id(form_page, endpoint_for, receiver, submit):
    endpoint_for()
    receiver.mode = 500
    submit(form_page)
    receiver.mode = "ok"
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    call_command("retry_webhook_deliveries")
    delivery = _delivery()
    assert delivery.status == Status.DELIVERED and delivery.attempts == 2
    assert receiver.ids == [delivery.webhook_id]


def test_410_disables_the_endpoint_and_says_why(form_page, endpoint_for, receiver, submit):
    endpoint = endpoint_for()
    receiver.mode = 410
    submit(form_page)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "410" in endpoint.disabled_reason
    assert _delivery().status == Status.FAILED
    submit(form_page, name="Bo Patient")
    assert WebhookDelivery.objects.count() == 1  # a disabled endpoint gets nothing more


def test_a_private_dns_answer_is_refused(form_page, webhook_settings, submit):
    make_endpoint("https://receiver.clinic.example/hooks")
    with mock.patch.object(transport, "resolve", return_value=["10.0.0.7"]) as resolve:
        submit(form_page)
    resolve.assert_called_once()
    delivery = _delivery()
    assert delivery.status == Status.FAILED
    assert delivery.error == "refused: address not public (10.0.0.7)"


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "0.0.0.0",
        "::ffff:10.0.0.1",
        "fd00::1",
        "fe80::1",
        "240.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(address):
    with pytest.raises(transport.RefusedURL):
        transport.check_address(address)


def test_loopback_and_plain_http_need_debug_or_the_setting(settings):
    settings.WAGTAIL_CONDITIONS = {}
    with pytest.raises(transport.RefusedURL):
        transport.check_address("127.0.0.1")
    with pytest.raises(transport.RefusedURL, match="HTTPS required"):
        transport.check_url("http://receiver.example/")
    transport.check_address("93.184.215.14")


def test_one_public_and_one_private_answer_is_refused(webhook_settings):
    with mock.patch.object(transport, "resolve", return_value=["93.184.215.14", "10.0.0.1"]):
        with pytest.raises(transport.RefusedURL):
            transport.resolve_public("https://receiver.example/")


def test_the_connection_goes_to_the_checked_address(webhook_settings):
    """No second DNS lookup: the socket connects to the address that was checked."""
    with (
        mock.patch.object(transport, "resolve", return_value=["127.0.0.1"]),
        mock.patch.object(
            transport.socket, "create_connection", side_effect=OSError("x")
        ) as connect,
    ):
        with pytest.raises(OSError):
            transport.post("http://receiver.example:8123/hook", b"{}", {})
    assert connect.call_args.args[0] == ("127.0.0.1", 8123)


def test_redirects_are_not_followed(form_page, endpoint_for, receiver, submit):
    endpoint_for()
    receiver.mode = 302
    submit(form_page)
    delivery = _delivery()
    assert (delivery.status, delivery.error) == (Status.RETRYING, "HTTP 302")
    assert receiver.accepted == []


def test_a_deferring_backend_gets_the_next_attempt_with_run_after(
    form_page, endpoint_for, receiver, submit, settings
):
    from django_tasks import default_task_backend

    endpoint_for()
    receiver.mode = 500
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    submit(form_page)

    def queued():
        return [r for r in default_task_backend.results if r.task.name == "deliver_webhook"]

    [first] = queued()
    assert first.args == [_delivery().pk]  # only the primary key travels
    deliver_webhook.call(_delivery().pk)
    first_run, later = queued()
    assert later.args == [_delivery().pk]
    assert later.task.run_after == _delivery().next_attempt_at


def test_a_missing_standardwebhooks_is_recorded_and_retried(
    form_page, endpoint_for, receiver, submit
):
    endpoint_for()
    with mock.patch.dict("sys.modules", {"standardwebhooks.webhooks": None}):
        submit(form_page)
    delivery = _delivery()
    assert delivery.status == Status.RETRYING
    assert "standardwebhooks" in delivery.error


def test_a_queue_that_is_down_costs_no_request(form_page, endpoint_for, submit):
    endpoint_for()
    with mock.patch(
        "wagtail_conditions.webhooks.events.enqueue_delivery", side_effect=RuntimeError("down")
    ):
        appointment = submit(form_page)
    assert appointment is not None
    assert _delivery().status == Status.PENDING  # due: retry_webhook_deliveries sends it


def test_the_secret_is_never_in_str_repr_or_the_payload(form_page, endpoint_for, receiver, submit):
    endpoint = endpoint_for()
    submit(form_page)
    for text in (
        str(endpoint),
        repr(endpoint),
        receiver.accepted[0].body.decode(),
        json.dumps(receiver.accepted[0].headers),
    ):
        assert endpoint.secret not in text
        assert endpoint.secret.removeprefix("whsec_") not in text


def test_signature_headers_follow_the_spec():
    endpoint = WebhookEndpoint(url="https://x.example")
    now = timezone.now()
    headers = webhook_delivery.signature_headers(endpoint, "msg_1", b"{}", now)
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert endpoint.secret.startswith("whsec_")


def test_the_json_api_delivers_too(
    form_page, endpoint_for, receiver, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.builders.api import json_body

    endpoint_for(payload_format=PayloadFormat.JSON)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_conditions:appointment_api_submit"),
            json.dumps(json_body(form_page)),
            content_type="application/json",
        )
    assert response.status_code == 201
    [received] = receiver.accepted
    assert received.payload["data"]["reference"] == response.json()["reference"]


def test_the_thin_link_of_a_fhir_endpoint_answers_the_bundle(
    form_page, endpoint_for, receiver, submit, client
):
    from fhir.resources.R4B.bundle import Bundle

    endpoint = endpoint_for()
    appointment = submit(form_page)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(payload_format=PayloadFormat.FHIR)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    bundle = Bundle.model_validate(signed_fetch(client, url, endpoint.secret).json())
    assert bundle.entry[1].resource.identifier[0].value == appointment.reference


def test_no_secret_or_patient_data_in_log_lines(form_page, endpoint_for, receiver, submit, caplog):
    endpoint = endpoint_for()
    receiver.mode = 410
    with caplog.at_level("DEBUG"):
        appointment = submit(form_page)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "disabled" in text  # the 410 was logged
    for value in (
        endpoint.secret,
        appointment.name,
        appointment.email,
        appointment.phone,
        appointment.reference,
    ):
        assert value not in text


def test_a_request_taken_out_of_spam_is_delivered_once(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks
):
    from wagtail_conditions.inbox import actions
    from wagtail_conditions.models import AppointmentRequest

    endpoint_for()
    appointment = submit(form_page, website="http://spam.example")
    assert appointment.status == AppointmentRequest.Status.SPAM and receiver.accepted == []
    queryset = AppointmentRequest.objects.filter(pk=appointment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(queryset, AppointmentRequest.Status.NEW, user=None)
    assert [d.payload["data"]["reference"] for d in receiver.accepted] == [appointment.reference]
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(queryset, AppointmentRequest.Status.SPAM, user=None)
        actions.change_status(queryset, AppointmentRequest.Status.NEW, user=None)
    assert len(receiver.accepted) == 1  # once


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(webhook_settings):
    context = mock.Mock()
    context.wrap_socket.side_effect = OSError("handshake stopped here")
    with (
        mock.patch.object(transport, "resolve", return_value=["93.184.215.14"]),
        mock.patch.object(transport.socket, "create_connection") as connect,
        mock.patch.object(transport.ssl, "create_default_context", return_value=context),
    ):
        with pytest.raises(OSError, match="handshake"):
            transport.post("https://receiver.clinic.example/hook", b"{}", {})
    assert connect.call_args.args[0] == ("93.184.215.14", 443)
    assert context.wrap_socket.call_args.kwargs == {"server_hostname": "receiver.clinic.example"}


def test_a_hung_dns_lookup_times_out(webhook_settings):
    def hang(*args, **kwargs):
        time.sleep(3)
        return []

    started = time.monotonic()
    with mock.patch.object(transport.socket, "getaddrinfo", side_effect=hang):
        with pytest.raises(TimeoutError):
            transport.resolve("receiver.clinic.example", 443)
    assert time.monotonic() - started < 2  # WEBHOOK_CONNECT_TIMEOUT is 1 s here


# --- A status change (appointment_request.status_changed) ------------------------------------


def test_a_status_change_is_delivered_thin_with_the_status_given(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks
):
    from wagtail_conditions.inbox import actions
    from wagtail_conditions.models import AppointmentRequest
    from wagtail_conditions.webhooks import payloads

    # A FHIR endpoint: a status change is thin whatever the endpoint's format.
    endpoint_for(events=[Event.CREATED, Event.STATUS_CHANGED], payload_format=PayloadFormat.FHIR)
    endpoint_for(events=[Event.CREATED])  # not asked: gets the new request only
    appointment = submit(form_page)
    queryset = AppointmentRequest.objects.filter(pk=appointment.pk)
    for status in (AppointmentRequest.Status.CONTACTED, AppointmentRequest.Status.BOOKED):
        with django_capture_on_commit_callbacks(execute=True):
            actions.change_status(queryset, status, user=None)
    changes = [d.payload for d in receiver.accepted if d.payload["type"] == Event.STATUS_CHANGED]
    assert len(receiver.accepted) == 4  # two new-request deliveries, two changes
    assert [change["data"]["status"] for change in changes] == ["contacted", "booked"]
    for change in changes:
        assert set(change["data"]) == {
            "reference",
            "site",
            "received_at",
            "details_url",
            "details_expire_at",
            "status",
        }
        assert change["data"]["reference"] == appointment.reference
    # A retry or a replay reports the change it was made for, not the status of the moment.
    first_change = WebhookDelivery.objects.get(
        event=Event.STATUS_CHANGED, request_status="contacted"
    )
    assert json.loads(payloads.build(first_change))["data"]["status"] == "contacted"


def test_a_status_changed_in_the_edit_view_is_delivered(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks, admin_client
):
    endpoint_for(events=[Event.STATUS_CHANGED])
    appointment = submit(form_page)
    url = f"/admin/wagtail_conditions/appointmentrequest/edit/{appointment.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"status": "new", "staff_notes": "Notes only."})
    assert receiver.accepted == []  # the notes changed, not the status
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"status": "booked", "staff_notes": "Booked."})
    assert response.status_code == 302
    [change] = receiver.accepted
    assert change.payload["type"] == Event.STATUS_CHANGED
    assert change.payload["data"]["status"] == "booked"


def test_a_request_in_spam_changes_nothing_but_is_handed_on_once_out_of_it(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks
):
    from wagtail_conditions.inbox import actions
    from wagtail_conditions.models import AppointmentRequest

    endpoint_for(events=[Event.CREATED, Event.STATUS_CHANGED])
    appointment = submit(form_page, website="http://spam.example")
    queryset = AppointmentRequest.objects.filter(pk=appointment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(queryset, AppointmentRequest.Status.NEW, user=None)
    assert [d.payload["type"] for d in receiver.accepted] == [Event.CREATED]
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(queryset, AppointmentRequest.Status.SPAM, user=None)
    # Marked as spam after it was handed on: the receiver hears of it.
    assert [d.payload["data"].get("status") for d in receiver.accepted] == [None, "spam"]


def test_the_thin_link_needs_the_receivers_signature_under_a_new_id(
    form_page, endpoint_for, receiver, submit, client
):
    from wagtail_conditions.models import AppointmentRequestLogEntry

    endpoint = endpoint_for()
    submit(form_page)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    unsigned = client.get(url)
    assert unsigned.status_code == 403
    assert unsigned["Content-Type"] == "application/problem+json"
    assert "webhook-signature" in unsigned.json()["detail"]
    assert (
        signed_fetch(client, url, "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY").status_code == 403
    )
    stale = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=6)
    assert signed_fetch(client, url, endpoint.secret, when=stale).status_code == 403
    headers = fetch_headers(url, endpoint.secret)
    assert client.get(url, headers=headers).status_code == 200
    assert client.get(url, headers=headers).status_code == 403  # the same id again
    # Only the signed, fresh fetch read the request.
    fetches = AppointmentRequestLogEntry.objects.filter(action="wagtail_conditions.webhook_fetch")
    assert fetches.count() == 1


# --- Endpoints limited to one site ----------------------------------------------------------


def test_an_endpoint_limited_to_a_site_gets_only_that_sites_requests(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks
):
    from wagtail.models import Page, Site

    from tests.builders.appointments import FormPage, publish_host_page
    from wagtail_conditions.inbox import actions
    from wagtail_conditions.models import AppointmentRequest

    root = Page.get_first_root_node()
    other_home = root.add_child(instance=Page(title="Other clinic", slug="other-clinic"))
    other_site = Site.objects.create(hostname="other.example", root_page=other_home)
    other_form = FormPage(publish_host_page(parent=other_home, slug="book-other"))
    home_site = Site.objects.get(is_default_site=True)
    home_only = endpoint_for(site=home_site, events=list(Event))
    other_only = endpoint_for(site=other_site, events=list(Event))
    every_site = endpoint_for(events=list(Event))

    home_request = submit(form_page)
    other_request = submit(other_form)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(
            AppointmentRequest.objects.all(), AppointmentRequest.Status.CONTACTED, user=None
        )

    def sent_to(endpoint):
        return sorted(
            (delivery.event, delivery.appointment.reference)
            for delivery in WebhookDelivery.objects.filter(endpoint=endpoint)
        )

    def events_of(*requests):
        return sorted(
            (event, request.reference)
            for event in (Event.CREATED, Event.STATUS_CHANGED)
            for request in requests
        )

    assert sent_to(home_only) == events_of(home_request)
    assert sent_to(other_only) == events_of(other_request)
    assert sent_to(every_site) == events_of(home_request, other_request)

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.erase_person(home_request.email) == 2  # both: the same address
    erased = WebhookDelivery.objects.filter(event=Event.ERASED)
    assert [erased.filter(endpoint=e).count() for e in (home_only, other_only, every_site)] == [
        1,
        1,
        2,
    ]
    assert sorted(
        d.payload["data"]["reference"]
        for d in receiver.accepted
        if d.payload["type"] == Event.ERASED
    ) == sorted([home_request.reference, other_request.reference] * 2)
    assert len(receiver.accepted) == 12  # each delivered, and verified by the receiver


def test_a_cache_that_is_down_leaves_the_signature_to_decide_a_fetch(
    form_page, endpoint_for, receiver, submit, client, settings, caplog
):
    from tests.builders.faults import DOWN_REDIS_CACHE

    endpoint = endpoint_for()
    submit(form_page)
    url = receiver.accepted[0].payload["data"]["details_url"].removeprefix("http://testserver")
    caches = settings.CACHES
    settings.CACHES = {**caches, "default": DOWN_REDIS_CACHE}  # where the used ids are kept
    try:
        with caplog.at_level("WARNING", logger="wagtail_conditions.webhooks.views"):
            assert signed_fetch(client, url, endpoint.secret).status_code == 200
            assert client.get(url).status_code == 403  # unsigned: still refused
    finally:
        settings.CACHES = caches  # the fixtures' teardown clears the default cache
    assert "Could not record a webhook fetch's id (ConnectionError)" in caplog.text
