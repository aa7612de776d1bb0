"""Fixtures of the webhook tests: a verifying receiver on 127.0.0.1 and an endpoint for it."""

import pytest

from tests.builders.appointments import configure
from tests.builders.webhooks import Receiver, make_endpoint

# Loopback receivers over plain HTTP are allowed here only; the timeouts are short so the
# hanging receiver costs a second, not fifteen.
WEBHOOK_SETTINGS = {
    "WEBHOOK_ALLOW_LOOPBACK": True,
    "WEBHOOK_CONNECT_TIMEOUT": 1,
    "WEBHOOK_TIMEOUT": 1,
}


@pytest.fixture
def webhook_settings(appointment_settings):
    configure(appointment_settings, **WEBHOOK_SETTINGS)
    return appointment_settings


@pytest.fixture
def receiver():
    receiver = Receiver(secrets=[]).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint_for(receiver, webhook_settings):
    """An enabled endpoint posting to ``receiver``, whose secret the receiver holds."""

    def endpoint_for(**fields):
        endpoint = make_endpoint(receiver.url, **fields)
        receiver.secrets.append(endpoint.secret)
        return endpoint

    return endpoint_for


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """Submit ``form_page`` as a browser does and run what runs after commit (the immediate
    task backend then delivers in the same call). Returns the stored request."""
    from wagtail_conditions.models import AppointmentRequest

    def submit(form_page, **answers):
        with django_capture_on_commit_callbacks(execute=True):
            response = form_page.post(client, **answers)
        assert response.status_code == 303
        return AppointmentRequest.objects.order_by("-pk").first()

    return submit
