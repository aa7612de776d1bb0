"""
A worker SIGKILLed in the middle of a delivery, then run again: every event reaches the
receiver at least once, and a duplicate carries the same ``webhook-id``.

The worker is a real process (``manage.py retry_webhook_deliveries`` on the test database,
which needs PostgreSQL: SQLite's test database lives in this process's memory). It is killed
once the receiver has taken a delivery and before it answers (the receiver holds its answer),
so the delivery's outcome is never recorded: the row keeps its lease (``next_attempt_at``),
and once that runs out the next run sends it again.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests.builders.webhooks import Receiver, make_endpoint
from wagtail_conditions.models import WebhookDelivery
from wagtail_conditions.models.webhooks import Event

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EVENTS = 4
WORKER = """
import django
from django.conf import settings
django.setup()
settings.WAGTAIL_CONDITIONS = {"WEBHOOK_ALLOW_LOOPBACK": True, "WEBHOOK_TIMEOUT": 30}
from django.core.management import call_command
call_command("retry_webhook_deliveries")
"""


class HoldingReceiver(Receiver):
    """Takes each delivery (verified and recorded), then holds its answer ``hold`` seconds."""

    hold = 0.0

    def receive(self, body, headers):
        answer = super().receive(body, headers)
        time.sleep(self.hold)
        return answer


def _worker():
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    environment.pop("WAGTAIL_CONDITIONS_TEST_DB_NAME", None)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_the_same_id(settings):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: the worker process reads the test database")
    receiver = HoldingReceiver(secrets=[]).start()
    try:
        endpoint = make_endpoint(receiver.url)
        receiver.secrets.append(endpoint.secret)
        deliveries = [
            WebhookDelivery.objects.create(
                endpoint=endpoint, event=Event.ERASED, reference=f"AR-TEST-{n:02d}"
            )
            for n in range(EVENTS)
        ]
        receiver.hold = 30  # the first delivery is taken and never answered
        worker = _worker()
        _wait(lambda: receiver.accepted, "the worker to post the first delivery")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL
        killed_id = receiver.ids[0]
        held = WebhookDelivery.objects.get(webhook_id=killed_id)
        # Claimed, never finished: counted, still open, leased past the attempt's longest run.
        assert (held.status, held.attempts) == (WebhookDelivery.Status.PENDING, 1)
        assert held.next_attempt_at > timezone.now()

        # The lease runs out; the worker runs again and sends everything.
        WebhookDelivery.objects.filter(pk=held.pk).update(next_attempt_at=timezone.now())
        receiver.hold = 0
        worker = _worker()
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err.decode()
    finally:
        receiver.stop()

    statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == {WebhookDelivery.Status.DELIVERED}
    assert set(receiver.ids) == {delivery.webhook_id for delivery in deliveries}
    assert receiver.duplicates == [killed_id]  # at least once: the one repeat, the same id
    assert WebhookDelivery.objects.get(pk=held.pk).attempts == 2
    assert b"AR-TEST" not in out + err  # no reference in the worker's output
