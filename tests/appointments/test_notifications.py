"""
Save first, notify after commit: a failing mail server, queue or database never loses a
stored request or tells the visitor something untrue, and no personal data reaches logs,
error fields or task arguments.
"""

import logging

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.mail.utils import DNS_NAME
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory
from django_tasks import default_task_backend

from tests.builders.appointments import (
    FORM_ID,
    PATIENT_EMAIL,
    FormPage,
    configure,
    post_form,
    publish_host_page,
    valid_answers,
)
from tests.builders.faults import (
    ACKNOWLEDGEMENT_FAILING_EMAIL_BACKEND,
    FAILING_EMAIL_BACKEND,
    WORKING_EMAIL_BACKEND,
    UnreachableTaskBackend,
    database_refuses,
    task_backend,
)
from wagtail_conditions.appointments.notifications import send_notifications
from wagtail_conditions.appointments.pipeline import Result, submit_appointment_request
from wagtail_conditions.models import AppointmentRequest
from wagtail_conditions.signals import appointment_request_created

# Values that must never appear in a log line or an error field.
SENTINELS = {
    "name": "Sentinel Name-Zq",
    "email": "sentinel.zq@example.com",
    "phone": "+44 20 7946 0999",
    "reason": "Sentinel reason zq",
}


def assert_no_personal_data(text):
    for value in SENTINELS.values():
        assert value not in text
    assert "sentinel" not in text.lower()


# --- A failing mail server ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("atomic_requests", [False, True], ids=["autocommit", "atomic-requests"])
def test_failing_mail_server_keeps_the_request_and_the_retry_sends_exactly_once(
    client, settings, monkeypatch, caplog, atomic_requests
):
    configure(settings)
    caches["default"].clear()
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", atomic_requests)
    own_form_page = FormPage(publish_host_page())

    with caplog.at_level(logging.DEBUG):
        response = own_form_page.post(client, **SENTINELS)

    # The visitor is told it worked, because it did: the request is stored (committed).
    assert response.status_code == 303
    row = AppointmentRequest.objects.get()
    assert row.notification_status == AppointmentRequest.NotificationStatus.FAILED
    assert row.notification_attempts == 1
    assert row.notification_error.startswith("SMTPException at ")
    assert_no_personal_data(row.notification_error)
    assert f"Notification for appointment request {row.reference} failed (SMTPException)" in caplog.text
    assert_no_personal_data(caplog.text)
    assert mail.outbox == []

    settings.EMAIL_BACKEND = WORKING_EMAIL_BACKEND
    assert send_notifications(row.pk) == AppointmentRequest.NotificationStatus.SENT
    assert len(mail.outbox) == 2
    assert send_notifications(row.pk) == AppointmentRequest.NotificationStatus.SENT
    assert len(mail.outbox) == 2  # the second call sent nothing
    row.refresh_from_db()
    assert row.notification_attempts == 2
    assert row.notification_error == ""
    assert row.notified_at is not None


def test_retry_after_a_partial_failure_sends_only_the_missing_email(
    client, own_form_page, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = ACKNOWLEDGEMENT_FAILING_EMAIL_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        assert own_form_page.post(client, **SENTINELS).status_code == 303
    row = AppointmentRequest.objects.get()
    assert row.notification_status == AppointmentRequest.NotificationStatus.FAILED
    assert row.staff_notified_at is not None and row.acknowledged_at is None
    assert [message.subject for message in mail.outbox] == [
        f"New appointment request {row.reference}"
    ]

    settings.EMAIL_BACKEND = WORKING_EMAIL_BACKEND
    assert send_notifications(row.pk) == AppointmentRequest.NotificationStatus.SENT
    # The staff were told once; only the acknowledgement went out on the retry (the failed
    # attempt gave back its claim on the one-per-address acknowledgement limit).
    assert [message.subject for message in mail.outbox] == [
        f"New appointment request {row.reference}",
        f"We have received your appointment request {row.reference}",
    ]
    row.refresh_from_db()
    assert row.acknowledged_at is not None and row.notification_attempts == 2


def test_delivery_is_at_least_once_and_a_duplicate_carries_the_same_reference_and_message_id(
    client, own_form_page, settings, django_capture_on_commit_callbacks
):
    """The mail server accepted the emails, then the worker lost its database before it could
    record that (a killed connection, a SIGKILL): the row stays pending and the retry sends
    again. SMTP cannot do better; the copies say they are the same request."""
    settings.TASKS = task_backend("dummy")  # the worker, run by hand below
    with django_capture_on_commit_callbacks(execute=True):
        assert own_form_page.post(client, **SENTINELS).status_code == 303
    row = AppointmentRequest.objects.get()

    with database_refuses("UPDATE"), pytest.raises(OperationalError):
        send_notifications(row.pk)
    row.refresh_from_db()
    assert (row.notification_status, len(mail.outbox)) == ("pending", 2)

    assert send_notifications(row.pk) == AppointmentRequest.NotificationStatus.SENT
    staff, acknowledgement, again = mail.outbox
    # The staff email went twice, alike; the patient's acknowledgement once (the first attempt
    # claimed the one-per-address limit, so the retry does not write to the patient again).
    assert again.subject == staff.subject == f"New appointment request {row.reference}"
    assert row.reference in staff.body and again.body == staff.body
    assert again.extra_headers["Message-ID"] == staff.extra_headers["Message-ID"]
    assert staff.extra_headers["Message-ID"] == (
        f"<appointment-request.{row.reference}.staff@{DNS_NAME}>"
    )
    assert acknowledgement.extra_headers["Message-ID"] == (
        f"<appointment-request.{row.reference}.acknowledgement@{DNS_NAME}>"
    )
    assert_no_personal_data(staff.extra_headers["Message-ID"])
    # The header reaches the wire as it is, once.
    assert str(again.message()).count("Message-ID:") == 1


@pytest.mark.django_db
def test_queue_that_is_down_still_shows_success_and_leaves_the_request_pending(
    client, own_form_page, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = task_backend("unreachable")
    UnreachableTaskBackend.attempts = 0

    # The capture runs the after-commit callbacks as Django would, honouring ``robust``: a
    # callback that is not robust would raise out of this block (and, for real, out of the
    # request as a 500 after the row was committed).
    with django_capture_on_commit_callbacks(execute=True):
        response = own_form_page.post(client, **SENTINELS)

    assert response.status_code == 303
    assert UnreachableTaskBackend.attempts == 1
    row = AppointmentRequest.objects.get()
    assert row.notification_status == AppointmentRequest.NotificationStatus.PENDING
    assert AppointmentRequest.objects.needing_notification().get() == row
    assert "ConnectionError" in caplog.text  # logged for the operator
    assert_no_personal_data(caplog.text)


def test_broken_email_template_is_recorded_as_a_failure_to_retry(
    client, own_form_page, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    # A host site's override of the staff email with a tag Django does not know.
    emails = tmp_path / "wagtail_conditions" / "emails"
    emails.mkdir(parents=True)
    (emails / "staff_notification.txt").write_text("{% no_such_tag %}")
    engine = settings.TEMPLATES[0]
    working_templates = settings.TEMPLATES
    settings.TEMPLATES = [{**engine, "DIRS": [str(tmp_path), *engine["DIRS"]]}]

    with django_capture_on_commit_callbacks(execute=True):
        response = own_form_page.post(client, **SENTINELS)

    assert response.status_code == 303
    row = AppointmentRequest.objects.get()
    assert row.notification_status == AppointmentRequest.NotificationStatus.FAILED
    assert row.notification_attempts == 1
    assert row.notification_error.startswith("TemplateSyntaxError at ")
    assert_no_personal_data(caplog.text)
    settings.TEMPLATES = working_templates
    assert send_notifications(row.pk) == AppointmentRequest.NotificationStatus.SENT
    assert len(mail.outbox) == 2


def test_send_notifications_for_a_deleted_request_does_nothing(db):
    assert send_notifications(987654) is None
    assert mail.outbox == []


# --- Notify only after commit, with only the primary key ------------------------------------


def _submit_directly(own_form_page, **answers):
    request = RequestFactory().post("/appointments/submit/", REMOTE_ADDR="203.0.113.9")
    payload = own_form_page.payload(**answers)
    return submit_appointment_request(
        data={k: v for k, v in payload.items() if k not in ("page", "block", "token")},
        request=request,
        page_id=payload["page"],
        block_id=payload["block"],
        token=payload["token"],
    )


class Rollback(Exception):
    pass


def test_rolled_back_transaction_enqueues_nothing(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = task_backend("dummy")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback):
            with transaction.atomic():
                outcome = _submit_directly(own_form_page)
                assert outcome.result is Result.CREATED
                raise Rollback

    assert callbacks == []
    assert default_task_backend.results == []
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []


def test_notification_is_queued_only_after_commit(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = task_backend("dummy")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit_directly(own_form_page)
        assert default_task_backend.results == []  # not yet: the row is not committed
    assert len(callbacks) == 1
    callbacks[0]()

    assert len(default_task_backend.results) == 1


def test_task_is_enqueued_with_only_the_primary_key(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = task_backend("dummy")
    with django_capture_on_commit_callbacks(execute=True):
        _submit_directly(own_form_page, **SENTINELS)

    row = AppointmentRequest.objects.get()
    [result] = default_task_backend.results
    assert (result.task.name, list(result.args), result.kwargs) == (
        "notify_appointment_request",
        [row.pk],
        {},
    )


def test_queued_task_arguments_hold_no_personal_data(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    """Through a real django-tasks backend that keeps what it was given."""
    settings.TASKS = task_backend("dummy")
    with django_capture_on_commit_callbacks(execute=True):
        _submit_directly(own_form_page, **SENTINELS)

    row = AppointmentRequest.objects.get()
    [result] = default_task_backend.results
    assert result.task.name == "notify_appointment_request"
    assert list(result.args) == [row.pk]
    assert result.kwargs == {}
    assert_no_personal_data(repr(result.args))
    assert mail.outbox == []  # queued, not sent


# --- A database that fails ------------------------------------------------------------------


def test_database_error_while_saving_is_503_and_nothing_is_stored(
    client, own_form_page, caplog, django_capture_on_commit_callbacks
):
    with database_refuses("INSERT"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = own_form_page.post(client, **SENTINELS)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    assert "Nothing was sent" in response.content.decode()
    assert callbacks == []
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []
    assert "Appointment request not stored: the database is unavailable" in caplog.text
    assert_no_personal_data(caplog.text)


def test_a_database_that_reads_nothing_is_503_with_the_clinic_page_rendered_without_it(
    client, own_form_page, caplog
):
    """A connection lost before anything is read: the "try again" page still renders (its
    clinic header and footer read the site and its settings from the database, and leave
    them out when it cannot answer), never a 500."""
    payload = own_form_page.payload()
    with database_refuses("SELECT", table=""):
        response = post_form(client, payload)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Nothing was sent" in response.content.decode()
    assert AppointmentRequest.objects.count() == 0
    assert "Clinic settings not read: the database is unavailable" in caplog.text


# --- The signal for host sites --------------------------------------------------------------


def test_created_signal_is_sent_once_with_the_instance(client, own_form_page):
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    appointment_request_created.connect(receiver)
    try:
        payload = own_form_page.payload()
        own_form_page.post(client, token=payload["token"])
        own_form_page.post(client, token=payload["token"])  # a double click: same token, answers
    finally:
        appointment_request_created.disconnect(receiver)

    row = AppointmentRequest.objects.get()
    [kwargs] = calls
    assert kwargs["sender"] is AppointmentRequest
    assert kwargs["instance"].pk == row.pk


@pytest.mark.parametrize(
    "overrides",
    [{"email": "bad"}, {"website": "spam"}, {"token": "forged"}],
    ids=["invalid", "spam", "bad-token"],
)
def test_created_signal_is_not_sent_when_nothing_is_stored(client, own_form_page, overrides):
    calls = []

    def receiver(**kwargs):
        calls.append(kwargs)

    appointment_request_created.connect(receiver)
    try:
        own_form_page.post(client, **overrides)
    finally:
        appointment_request_created.disconnect(receiver)

    assert calls == []


# --- Recipients -----------------------------------------------------------------------------


def test_block_recipients_override_the_site_default(
    client, db, settings, django_capture_on_commit_callbacks
):
    from tests.builders.appointments import form_block

    configure(settings)
    own_form_page = FormPage(
        publish_host_page(form_block(recipients="a@clinic.example, b@clinic.example"))
    )

    with django_capture_on_commit_callbacks(execute=True):
        own_form_page.post(client)

    assert mail.outbox[0].to == ["a@clinic.example", "b@clinic.example"]
    assert mail.outbox[1].to == [PATIENT_EMAIL]


def test_no_recipients_and_no_acknowledgement_needs_no_notification(
    client, db, settings, django_capture_on_commit_callbacks
):
    from tests.builders.appointments import form_block

    configure(settings, APPOINTMENT_RECIPIENTS=[])
    own_form_page = FormPage(publish_host_page(form_block(send_acknowledgement=False)))

    with django_capture_on_commit_callbacks(execute=True):
        assert own_form_page.post(client).status_code == 303

    row = AppointmentRequest.objects.get()
    assert row.notification_status == AppointmentRequest.NotificationStatus.NOT_REQUIRED
    assert mail.outbox == []


def test_valid_answers_helper_matches_the_form(own_form_page):
    # Guards the helpers: every answer they send is a field the form block asks for.
    assert set(valid_answers()) - {"website"} <= {
        "name",
        "email",
        "phone",
        "preferred_date",
        "preferred_time",
        "patient_status",
        "reason",
        "consent",
    }
    assert own_form_page.block_id == FORM_ID
