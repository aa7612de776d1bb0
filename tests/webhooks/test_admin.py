"""Staff side of webhooks: endpoints as snippets with their own permissions and a secret shown
once; deliveries in the inbox (inspect view and list) with a permission-checked, CSRF-checked
replay; erasure sending ``.erased`` and leaving no identifier in the log; the system checks."""

import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.builders.inbox import (
    ACCESS,
    CHANGE,
    VIEW,
    inbox_url,
    make_user,
    sentinel_request,
)
from tests.builders.webhooks import make_endpoint
from wagtail_conditions import checks
from wagtail_conditions.models import (
    AppointmentRequest,
    AppointmentRequestLogEntry,
    WebhookDelivery,
    WebhookEndpoint,
)
from wagtail_conditions.models.webhooks import Event

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
SNIPPET = "wagtailsnippets_wagtail_conditions_webhookendpoint"
ENDPOINT_PERMS = [
    f"wagtail_conditions.{action}_webhookendpoint" for action in ("add", "change", "view")
]


def _client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf(client, url):
    page = client.get(url)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


@pytest.fixture
def integrator(webhook_settings):
    return make_user("integrator", ACCESS, *ENDPOINT_PERMS)


def test_creating_an_endpoint_shows_its_secret_once(integrator):
    client = _client(integrator)
    add_url = reverse(f"{SNIPPET}:add")
    response = client.post(
        add_url,
        {
            "csrfmiddlewaretoken": _csrf(client, add_url),
            "name": "n8n",
            "url": "https://n8n.clinic.example/webhook/abc",
            "enabled": "on",
            "events": [Event.CREATED],
            "payload_format": "thin",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert endpoint.events == [Event.CREATED]
    # Never again: not on the list, the edit form, the history or the export.
    for url in (
        reverse(f"{SNIPPET}:list"),
        reverse(f"{SNIPPET}:edit", args=[endpoint.pk]),
        reverse(f"{SNIPPET}:history", args=[endpoint.pk]),
        reverse(f"{SNIPPET}:list") + "?export=csv",
    ):
        body = b"".join(client.get(url)).decode() if "export" in url else None
        body = body or client.get(url).content.decode()
        assert endpoint.secret not in body, url
        assert endpoint.secret.removeprefix("whsec_") not in body, url


def test_plain_http_and_private_addresses_are_field_errors(integrator):
    client = _client(integrator)
    add_url = reverse(f"{SNIPPET}:add")
    for url, message in [
        ("http://n8n.clinic.example/hook", "https://"),
        ("https://10.0.0.5/hook", "not on the public internet"),
        ("https://user:pw@n8n.clinic.example/", "user name and password"),
    ]:
        with mock.patch.dict(
            "wagtail_conditions.conf.conf._cache", {"WEBHOOK_ALLOW_LOOPBACK": False}
        ):
            response = client.post(
                add_url,
                {
                    "csrfmiddlewaretoken": _csrf(client, add_url),
                    "name": "n8n",
                    "url": url,
                    "events": [Event.CREATED],
                    "payload_format": "thin",
                },
            )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_keeps_the_old_secret_for_the_overlap(integrator):
    endpoint = make_endpoint("https://n8n.clinic.example/hook")
    old = endpoint.secret
    client = _client(integrator)
    url = reverse(f"{SNIPPET}:rotate", args=[endpoint.pk])
    assert old not in client.get(url).content.decode()
    response = client.post(url, {"csrfmiddlewaretoken": _csrf(client, url)})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    assert endpoint.signing_secrets() == [endpoint.secret, old]
    assert old not in response.content.decode()


def test_rotating_needs_the_change_permission_and_csrf(webhook_settings):
    endpoint = make_endpoint("https://n8n.clinic.example/hook")
    old = endpoint.secret
    viewer = _client(make_user("viewer", ACCESS, "wagtail_conditions.view_webhookendpoint"))
    url = reverse(f"{SNIPPET}:rotate", args=[endpoint.pk])
    assert viewer.post(url).status_code in (302, 403)
    changer = _client(make_user("changer", ACCESS, *ENDPOINT_PERMS))
    assert changer.post(url).status_code == 403  # no CSRF token
    endpoint.refresh_from_db()
    assert endpoint.secret == old


def test_inbox_users_without_endpoint_permissions_cannot_see_endpoints(webhook_settings):
    make_endpoint("https://n8n.clinic.example/hook")
    front_desk = _client(make_user("desk", ACCESS, VIEW, CHANGE))
    assert front_desk.get(reverse(f"{SNIPPET}:list")).status_code in (302, 403)


@pytest.fixture
def delivered(webhook_settings):
    appointment = sentinel_request()
    endpoint = make_endpoint("https://n8n.clinic.example/hook")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        appointment=appointment,
        event=Event.CREATED,
        status=Status.RETRYING,
        attempts=3,
        status_code=500,
        latency_ms=42,
        error="HTTP 500",
    )
    return delivery


def test_the_inspect_view_shows_the_deliveries_with_replay(delivered):
    client = _client(make_user("desk", ACCESS, VIEW, CHANGE))
    body = client.get(inbox_url("inspect", delivered.appointment.pk)).content.decode()
    assert "Webhook deliveries" in body
    assert "HTTP 500" in body and "42 ms" in body
    assert (
        reverse(
            "wagtail_conditions_appointmentrequest_modeladmin_replay_delivery", args=[delivered.pk]
        )
        in body
    )
    viewer = _client(make_user("viewer", ACCESS, VIEW))
    assert (
        "Replay" not in viewer.get(inbox_url("inspect", delivered.appointment.pk)).content.decode()
    )


def test_the_deliveries_list_names_the_failing_endpoints(delivered):
    gone = make_endpoint("https://old.clinic.example/", name="Old receiver", enabled=False)
    WebhookEndpoint.objects.filter(pk=gone.pk).update(
        disabled_reason="410 Gone, 2026-12-07 10:00 UTC"
    )
    client = _client(make_user("viewer", ACCESS, VIEW))
    response = client.get(inbox_url("deliveries"))
    body = response.content.decode()
    assert "2 webhook endpoints are failing" in body
    assert "410 Gone" in body and delivered.appointment.reference in body
    assert client.get(inbox_url("deliveries") + "?failing=1").status_code == 200


def test_replay_is_a_post_with_permission_and_csrf(delivered, django_capture_on_commit_callbacks):
    url = reverse(
        "wagtail_conditions_appointmentrequest_modeladmin_replay_delivery", args=[delivered.pk]
    )
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(url).status_code == 403  # CSRF first
    assert anonymous.get(url).status_code == 302  # to the login page
    viewer = _client(make_user("viewer", ACCESS, VIEW))
    assert viewer.post(url).status_code in (302, 403)
    desk = _client(make_user("desk", ACCESS, VIEW, CHANGE))
    assert desk.get(url).status_code == 405
    assert desk.post(url).status_code == 403  # no CSRF token
    token = _csrf(desk, inbox_url("inspect", delivered.appointment.pk))
    with (
        mock.patch("wagtail_conditions.inbox.actions.enqueue_delivery") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = desk.post(url, {"csrfmiddlewaretoken": token, "return_to": "inspect"})
    assert response.status_code == 302
    assert response["Location"] == inbox_url("inspect", delivered.appointment.pk)
    enqueue.assert_called_once_with(delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == Status.PENDING
    entry = AppointmentRequestLogEntry.objects.get(action="wagtail_conditions.webhook_replay")
    assert "Sentinel" not in entry.label


def test_a_replay_is_delivered_with_the_same_webhook_id(
    form_page, endpoint_for, receiver, submit, django_capture_on_commit_callbacks
):
    endpoint_for()
    submit(form_page)
    delivery = WebhookDelivery.objects.get()
    desk = _client(make_user("desk", ACCESS, VIEW, CHANGE))
    url = reverse(
        "wagtail_conditions_appointmentrequest_modeladmin_replay_delivery", args=[delivery.pk]
    )
    token = _csrf(desk, inbox_url("deliveries"))
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"csrfmiddlewaretoken": token})
    assert receiver.ids == [delivery.webhook_id, delivery.webhook_id]
    assert receiver.duplicates == [delivery.webhook_id]  # recognised, not refused
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 2)


def test_erasing_a_person_sends_erased_and_unlinks_their_deliveries(
    form_page, endpoint_for, receiver, submit
):
    endpoint_for()
    appointment = submit(form_page)
    reference = appointment.reference
    created = WebhookDelivery.objects.get()
    with mock.patch("wagtail_conditions.webhooks.events.transaction.on_commit") as on_commit:
        call_command(
            "appointment_requests_for_person",
            appointment.email,
            "--erase",
            "--yes",
            stderr=io.StringIO(),
        )
    for call in on_commit.call_args_list:
        call.args[0]()
    assert not AppointmentRequest.objects.filter(pk=appointment.pk).exists()
    created.refresh_from_db()
    assert created.appointment_id is None and created.reference == ""
    erased = WebhookDelivery.objects.get(event=Event.ERASED)
    assert erased.status == Status.DELIVERED
    assert erased.reference == ""  # kept only until sent
    payload = receiver.accepted[-1].payload
    assert payload["type"] == "appointment_request.erased"
    assert payload["data"] == {"reference": reference, "site": "http://testserver"}


def test_purging_leaves_no_identifier_in_the_delivery_log(delivered):
    AppointmentRequest.objects.filter(pk=delivered.appointment_id).update(
        created_at=timezone.now() - timezone.timedelta(days=400)
    )
    call_command("purge_appointment_requests", "--execute", stdout=io.StringIO())
    delivered.refresh_from_db()
    assert delivered.appointment_id is None and delivered.reference == ""


def test_check_missing_standardwebhooks_is_an_error_for_an_enabled_endpoint(webhook_settings):
    assert checks.check_webhooks(None, databases=["default"]) == []  # no endpoint
    make_endpoint("https://n8n.clinic.example/hook")
    with mock.patch.dict("sys.modules", {"standardwebhooks": None}):
        ids = [message.id for message in checks.check_webhooks(None, databases=["default"])]
    assert "wagtail_conditions.E011" in ids


def test_check_an_immediate_task_backend_with_an_enabled_endpoint(webhook_settings, settings):
    make_endpoint("https://n8n.clinic.example/hook")
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ids = [message.id for message in checks.check_webhooks(None, databases=["default"])]
    assert ids == ["wagtail_conditions.W009"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ids = [message.id for message in checks.check_webhooks(None, databases=["default"])]
    assert ids == ["wagtail_conditions.W009"]
    WebhookEndpoint.objects.update(enabled=False)
    assert checks.check_webhooks(None, databases=["default"]) == []
    # Without the database (a plain `manage.py check`), nothing is read.
    assert checks.check_webhooks(None, databases=None) == []


def test_the_dashboard_names_failing_endpoints_to_inbox_readers_only(delivered):
    gone = make_endpoint("https://old.clinic.example/", name="Old receiver", enabled=False)
    WebhookEndpoint.objects.filter(pk=gone.pk).update(
        disabled_reason="410 Gone, 2026-12-07 10:00 UTC"
    )
    reader = _client(make_user("reader", ACCESS, VIEW))
    body = reader.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="webhook-failures-section"' in body
    assert "Old receiver: disabled by its receiver (410 Gone" in body
    assert "n8n.clinic.example" not in body  # names, not URLs
    assert inbox_url("deliveries") in body
    stranger = _client(make_user("stranger", ACCESS))
    assert (
        'id="webhook-failures-section"'
        not in stranger.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_the_dashboard_shows_no_webhook_panel_when_all_is_well(webhook_settings):
    make_endpoint("https://n8n.clinic.example/hook")
    reader = _client(make_user("reader", ACCESS, VIEW))
    assert (
        'id="webhook-failures-section"'
        not in reader.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_the_list_and_the_edit_view_link_to_rotation_for_those_who_may_change(integrator):
    endpoint = make_endpoint("https://n8n.clinic.example/hook")
    rotate = reverse(f"{SNIPPET}:rotate", args=[endpoint.pk])
    client = _client(integrator)
    assert rotate in client.get(reverse(f"{SNIPPET}:list")).content.decode()
    assert rotate in client.get(reverse(f"{SNIPPET}:edit", args=[endpoint.pk])).content.decode()
    viewer = _client(make_user("viewer", ACCESS, "wagtail_conditions.view_webhookendpoint"))
    assert rotate not in viewer.get(reverse(f"{SNIPPET}:list")).content.decode()


def test_endpoints_cannot_be_copied_with_their_secret(integrator):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse(f"{SNIPPET}:copy", args=[1])
