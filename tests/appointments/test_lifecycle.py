"""
The data-lifecycle commands: retention purge, one person's export and erasure, and the retry
of failed notifications.
"""

import csv
import datetime
import io
import os
import stat
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.builders.faults import FAILING_EMAIL_BACKEND
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import audit
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue() + err.getvalue()


def received(days_ago, **kwargs):
    appointment = AppointmentRequestFactory(**kwargs)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    AppointmentRequest.objects.filter(pk=appointment.pk).update(created_at=when)
    return appointment


def local_day(days_ago):
    """The site's date ``days_ago`` days of 24 hours ago, as the command computes it.

    Not ``localdate() - days``: across a change of summer time the two differ near midnight
    (500 days before 23:30 in London's winter is 00:30 of the next day in its summer).
    """
    return timezone.localtime(timezone.now() - datetime.timedelta(days=days_ago)).date()


def log_entries(action):
    return list(ModelLogEntry.objects.filter(action=action))


# --- Purge --------------------------------------------------------------------------------


@pytest.fixture
def aged_requests():
    return {
        "old": [received(400), received(366), received(500)],
        "recent": [received(10), received(364)],
    }


def test_purge_is_a_dry_run_by_default(aged_requests):
    output = run("purge_appointment_requests")
    assert "Dry run: 3 appointment requests older than 365 days would be deleted" in output
    oldest, newest = local_day(500), local_day(366)
    assert f"received {oldest.isoformat()} to {newest.isoformat()}" in output
    assert AppointmentRequest.objects.count() == 5
    assert log_entries(audit.PURGE) == []
    # --dry-run says the same thing explicitly.
    assert "Dry run: 3" in run("purge_appointment_requests", "--dry-run")


def test_purge_execute_deletes_old_requests_once_and_is_safe_to_repeat(aged_requests):
    output = run("purge_appointment_requests", "--execute")
    assert "Deleted 3 appointment requests older than 365 days" in output
    remaining = set(AppointmentRequest.objects.values_list("pk", flat=True))
    assert remaining == {a.pk for a in aged_requests["recent"]}
    [entry] = log_entries(audit.PURGE)
    assert entry.data["count"] == 3
    assert entry.user is None

    output = run("purge_appointment_requests", "--execute")
    assert "nothing to delete" in output
    assert AppointmentRequest.objects.count() == 2
    assert len(log_entries(audit.PURGE)) == 1


def test_purge_older_than_and_retention_setting(aged_requests):
    assert "Dry run: 4" in run("purge_appointment_requests", "--older-than", "300")
    with override_settings(WAGTAIL_CONDITIONS={"APPOINTMENT_RETENTION_DAYS": 5}):
        assert "Dry run: 5" in run("purge_appointment_requests")
    run("purge_appointment_requests", "--older-than", "30", "--execute")
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize("args", [["--older-than", "0"], ["--older-than", "-5"]])
def test_purge_refuses_a_period_under_one_day(aged_requests, args):
    with pytest.raises(CommandError):
        run("purge_appointment_requests", *args, "--execute")
    assert AppointmentRequest.objects.count() == 5


def test_purge_refuses_dry_run_with_execute(aged_requests):
    with pytest.raises(CommandError):
        run("purge_appointment_requests", "--dry-run", "--execute")
    assert AppointmentRequest.objects.count() == 5


@pytest.fixture
def spam_and_real():
    spam = "spam"
    return {
        "old_spam": [received(31, status=spam), received(200, status=spam, spam_reason="too_fast")],
        "new_spam": [received(29, status=spam), received(1, status=spam)],
        "real": [received(31), received(200, status="booked"), received(364)],
        "very_old": [received(400, status=spam), received(400)],
    }


def test_purge_reports_spam_separately_in_a_dry_run(spam_and_real):
    output = run("purge_appointment_requests")
    # The 400-day-old spam is counted once, with the spam.
    assert "Dry run: 3 requests held as spam older than 30 days would be deleted" in output
    oldest = local_day(400)
    newest = local_day(31)
    assert f"received {oldest.isoformat()} to {newest.isoformat()}" in output
    assert "Dry run: 1 appointment request older than 365 days would be deleted" in output
    assert AppointmentRequest.objects.count() == 9
    assert log_entries(audit.PURGE) == []


def test_purge_execute_deletes_old_spam_only_and_is_safe_to_repeat(spam_and_real):
    output = run("purge_appointment_requests", "--execute")
    assert "Deleted 3 requests held as spam older than 30 days" in output
    assert "Deleted 1 appointment request older than 365 days" in output
    remaining = set(AppointmentRequest.objects.values_list("pk", flat=True))
    assert remaining == {a.pk for a in spam_and_real["new_spam"] + spam_and_real["real"]}
    entries = sorted(log_entries(audit.PURGE), key=lambda entry: entry.data["count"])
    assert [entry.data for entry in entries] == [
        {"count": 1, "before": local_day(365).isoformat()},
        {
            "count": 3,
            "before": local_day(30).isoformat(),
            "status": "spam",
        },
    ]
    spam_before = local_day(30).isoformat()
    assert entries[1].message == (
        f"Deleted 3 appointment requests held as spam, received before {spam_before}"
    )

    output = run("purge_appointment_requests", "--execute")
    assert "No requests held as spam older than 30 days" in output
    assert "No appointment requests older than 365 days" in output
    assert AppointmentRequest.objects.count() == 5
    assert len(log_entries(audit.PURGE)) == 2


def test_purge_spam_older_than_and_spam_retention_setting(spam_and_real):
    assert "Dry run: 4 requests held as spam" in run(
        "purge_appointment_requests", "--spam-older-than", "2"
    )
    with override_settings(WAGTAIL_CONDITIONS={"APPOINTMENT_SPAM_RETENTION_DAYS": 300}):
        output = run("purge_appointment_requests")
    assert "Dry run: 1 request held as spam older than 300 days" in output
    # A spam retention longer than the main one keeps no spam past the main one.
    output = run(
        "purge_appointment_requests", "--spam-older-than", "500", "--older-than", "100", "--execute"
    )
    assert "No requests held as spam older than 500 days" in output
    assert "Deleted 5 appointment requests older than 100 days" in output
    kept = spam_and_real["old_spam"][:1] + spam_and_real["new_spam"] + spam_and_real["real"][:1]
    assert set(AppointmentRequest.objects.values_list("pk", flat=True)) == {a.pk for a in kept}


def test_purge_deletes_in_batches(monkeypatch):
    from wagtail_conditions.inbox import actions

    monkeypatch.setattr(actions, "DELETE_BATCH_SIZE", 2)
    for _ in range(5):
        received(400)
    received(1)
    assert "Deleted 5" in run("purge_appointment_requests", "--execute")
    assert AppointmentRequest.objects.count() == 1


# --- One person ---------------------------------------------------------------------------


@pytest.fixture
def people():
    return {
        "ann": [
            AppointmentRequestFactory(name="Ann", email="Ann.Lee@Example.com", reason="=cmd|x"),
            AppointmentRequestFactory(name="Ann", email="ann.lee@example.com"),
            received(30, name="Ann L", email="ANN.LEE@EXAMPLE.COM"),
        ],
        "other": [
            AppointmentRequestFactory(name="Ben", email="ben@example.com"),
            AppointmentRequestFactory(name="Ann lookalike", email="xann.lee@example.com"),
        ],
    }


def test_person_export_writes_only_their_rows_to_a_private_new_file(people, tmp_path):
    path = tmp_path / "ann.csv"
    output = run("appointment_requests_for_person", " ann.lee@EXAMPLE.com ", "--export", str(path))
    assert "Found 3 appointment requests" in output
    # Named by reference, oldest first: never by primary key.
    ann = sorted(people["ann"], key=lambda a: (a.pk != people["ann"][2].pk, a.pk))
    assert f": {', '.join(a.reference for a in ann)}." in output
    assert "ann.lee" not in output.lower()  # the address is not echoed
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    assert sorted(int(row["ID"]) for row in rows) == sorted(a.pk for a in people["ann"])
    assert {row["Email"].lower() for row in rows} == {"ann.lee@example.com"}
    # Everything held, including the consent record, neutralised like the inbox export.
    assert {"Consent wording shown", "Consent given at", "Privacy notice version"} <= set(rows[0])
    assert "'=cmd|x" in {row["Reason for visit"] for row in rows}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    [entry] = log_entries(audit.PERSON_EXPORT)
    assert entry.data == {"count": 3, "format": "csv"}
    assert "ann" not in (entry.label + str(entry.data)).lower()


def test_person_export_never_overwrites_a_file(people, tmp_path):
    path = tmp_path / "existing.csv"
    path.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        run("appointment_requests_for_person", "ann.lee@example.com", "--export", str(path))
    assert path.read_text() == "keep me"


def test_person_export_to_standard_output(people):
    out = io.StringIO()
    call_command(
        "appointment_requests_for_person",
        "ann.lee@example.com",
        "--export",
        "-",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 3


def test_person_erase_with_yes_deletes_all_their_rows_only(people):
    output = run("appointment_requests_for_person", "ANN.LEE@example.com", "--erase", "--yes")
    assert "Deleted 3 appointment requests: " in output
    deleted_line = output[output.index("Deleted 3") :].splitlines()[0]
    assert sorted(deleted_line.rstrip(".").split(": ")[1].split(", ")) == sorted(
        a.reference for a in people["ann"]
    )
    assert not any(f"#{a.pk}" in output for a in people["ann"])
    assert not AppointmentRequest.objects.for_email("ann.lee@example.com").exists()
    assert AppointmentRequest.objects.count() == 2
    [entry] = log_entries(audit.ERASE)
    assert entry.data == {"count": 3}
    stored = (entry.label + str(entry.data) + str(entry.message)).lower()
    assert "ann" not in stored and "example.com" not in stored
    # Safe to repeat.
    assert "No appointment requests" in run(
        "appointment_requests_for_person", "ann.lee@example.com", "--erase", "--yes"
    )
    assert len(log_entries(audit.ERASE)) == 1


def test_person_erase_counts_a_request_that_arrived_meanwhile(people, monkeypatch):
    from wagtail_conditions.inbox import actions

    erase_person = actions.erase_person

    def erase_after_a_new_request(email, **kwargs):
        AppointmentRequestFactory(email="ann.lee@example.com")
        return erase_person(email, **kwargs)

    monkeypatch.setattr(actions, "erase_person", erase_after_a_new_request)
    output = run("appointment_requests_for_person", "ann.lee@example.com", "--erase", "--yes")
    assert "Deleted 4 appointment requests: " in output
    assert "1 of them arrived while the command ran." in output
    assert AppointmentRequest.objects.count() == 2


def test_person_erase_without_yes_needs_a_terminal(people, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        run("appointment_requests_for_person", "ann.lee@example.com", "--erase")
    assert AppointmentRequest.objects.count() == 5


@pytest.mark.parametrize("answer,deleted", [("yes", True), ("no", False), ("", False)])
def test_person_erase_prompts(people, monkeypatch, answer, deleted):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or answer)
    if deleted:
        run("appointment_requests_for_person", "ann.lee@example.com", "--erase")
    else:
        with pytest.raises(CommandError, match="Nothing deleted"):
            run("appointment_requests_for_person", "ann.lee@example.com", "--erase")
    assert "Delete all 3 appointment requests" in prompts[0]
    assert AppointmentRequest.objects.count() == (2 if deleted else 5)


def test_person_export_and_erase_together_export_first(people, tmp_path):
    path = tmp_path / "ann.csv"
    run(
        "appointment_requests_for_person",
        "ann.lee@example.com",
        "--export",
        str(path),
        "--erase",
        "--yes",
    )
    with open(path, newline="", encoding="utf-8-sig") as file:
        assert len(list(csv.DictReader(file))) == 3
    assert AppointmentRequest.objects.count() == 2


def test_person_with_no_requests(people):
    assert "No appointment requests" in run("appointment_requests_for_person", "nobody@x.example")


# --- Retry command ------------------------------------------------------------------------


def test_retry_command_records_failure_then_sends_each_exactly_once():
    pending = received(1, notification_status="pending", recipients="desk@clinic.example")
    failed = received(2, notification_status="failed", notification_attempts=1)
    fresh = AppointmentRequestFactory(notification_status="pending")  # may still be sending
    sent = received(3, notification_status="sent")

    with override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND):
        with pytest.raises(CommandError) as error:
            run("retry_appointment_notifications")
    assert error.value.returncode == 1
    assert "2 notifications still fail" in str(error.value)
    for appointment, attempts in [(pending, 1), (failed, 2)]:
        appointment.refresh_from_db()
        assert appointment.notification_status == "failed"
        assert appointment.notification_error.startswith("SMTPException at ")
        assert appointment.notification_attempts == attempts
    fresh.refresh_from_db()
    assert fresh.notification_status == "pending" and fresh.notification_attempts == 0
    assert mail.outbox == []

    output = run("retry_appointment_notifications")
    assert "Retried 2 notifications: 2 sent, 0 failed" in output
    assert len(mail.outbox) == 2
    for appointment in (pending, failed):
        appointment.refresh_from_db()
        assert appointment.notification_status == "sent"
        assert appointment.notification_error == ""
    sent.refresh_from_db()
    assert sent.notification_attempts == 0

    output = run("retry_appointment_notifications")
    assert "Retried 0 notifications" in output
    assert len(mail.outbox) == 2  # exactly once


def test_retry_command_min_age():
    AppointmentRequestFactory(notification_status="pending")
    assert "Retried 1 notification: 1 sent" in run(
        "retry_appointment_notifications", "--min-age", "0"
    )
    assert len(mail.outbox) == 1
