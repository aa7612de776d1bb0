"""
Every inspect view, export, status change (edit and bulk) and deletion writes exactly one
entry to Wagtail's audit log, and no entry holds personal data.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from tests.builders.inbox import SENTINEL, inbox_url, sentinel_request, user_of_kind
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import audit
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

PERSONAL = [SENTINEL, "sentinel-zq9", "555 0100", "reason", "notes", "Called back"]


def _log_models():
    """Wagtail's ModelLogEntry (entries about many requests) and the model that holds one
    request's entries (registered in inbox.audit)."""
    return sorted(
        {ModelLogEntry, log_registry.get_log_model_for_model(AppointmentRequest)},
        key=lambda model: model._meta.label,
    )


def _request_entries():
    return log_registry.get_log_model_for_model(AppointmentRequest).objects


def _new_entries(since):
    entries = [e for model in _log_models() for e in model.objects.filter(pk__gt=since[model])]
    return sorted(entries, key=lambda entry: (entry.timestamp, entry.pk))


def _last_pk():
    return {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in _log_models()
    }


def _assert_no_personal_data(entries):
    for entry in entries:
        stored = " ".join([entry.label, json.dumps(entry.data), str(entry.message)]).lower()
        for value in PERSONAL:
            assert value.lower() not in stored, (entry.action, stored)


def test_our_actions_are_registered():
    for action in (
        audit.VIEW,
        audit.STATUS,
        audit.RETRY,
        audit.EXPORT,
        audit.PERSON_EXPORT,
        audit.PURGE,
        audit.ERASE,
    ):
        assert log_registry.action_exists(action)


def test_str_holds_no_personal_data():
    appointment = sentinel_request()
    assert str(appointment) == f"Appointment request {appointment.reference}"


def test_inspect_writes_one_view_entry(superuser_client):
    appointment = sentinel_request()
    since = _last_pk()
    superuser_client.get(inbox_url("inspect", appointment.pk))
    [entry] = _new_entries(since)
    assert entry.action == audit.VIEW
    assert entry.object_id == str(appointment.pk)
    assert entry.label == f"Appointment request {appointment.reference}"
    assert entry.user_id == superuser_client.user.pk
    _assert_no_personal_data([entry])


def test_edit_page_view_and_status_change_write_one_entry_each(superuser_client):
    appointment = sentinel_request()
    since = _last_pk()
    superuser_client.get(inbox_url("edit", appointment.pk))
    assert [e.action for e in _new_entries(since)] == [audit.VIEW]

    since = _last_pk()
    superuser_client.post(
        inbox_url("edit", appointment.pk), {"status": "booked", "staff_notes": "Called back."}
    )
    [entry] = _new_entries(since)
    assert entry.action == audit.STATUS
    assert entry.data == {"old": "new", "new": "booked"}
    assert entry.message == "Status changed from New to Booked"
    _assert_no_personal_data([entry])


def test_edit_of_notes_only_writes_one_edit_entry(superuser_client):
    appointment = sentinel_request()
    since = _last_pk()
    superuser_client.post(inbox_url("edit", appointment.pk), {"status": "new", "staff_notes": "x"})
    [entry] = _new_entries(since)
    assert entry.action == "wagtail.edit"
    assert entry.label == f"Appointment request {appointment.reference}"


def test_invalid_edit_writes_nothing(superuser_client):
    appointment = sentinel_request()
    since = _last_pk()
    superuser_client.post(inbox_url("edit", appointment.pk), {"status": "bogus"})
    assert _new_entries(since) == []


def test_bulk_status_writes_one_entry_per_changed_request(superuser_client):
    first, second = sentinel_request(), sentinel_request()
    already = sentinel_request(status="closed")
    untouched = sentinel_request()
    since = _last_pk()
    superuser_client.post(
        inbox_url("bulk_status"),
        {"ids": [first.pk, second.pk, already.pk], "status": "closed"},
    )
    entries = _new_entries(since)
    assert sorted(int(e.object_id) for e in entries) == [first.pk, second.pk]
    assert {e.action for e in entries} == {audit.STATUS}
    assert len({e.uuid for e in entries}) == 1  # one action, grouped
    assert not _request_entries().filter(object_id=str(untouched.pk), action=audit.STATUS)
    _assert_no_personal_data(entries)


def test_delete_writes_one_entry(superuser_client):
    appointment = sentinel_request()
    pk = appointment.pk
    since = _last_pk()
    superuser_client.post(inbox_url("delete", pk))
    [entry] = _new_entries(since)
    assert entry.action == "wagtail.delete"
    assert entry.deleted is True
    assert entry.label == f"Appointment request {appointment.reference}"
    assert not AppointmentRequest.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_writes_one_entry_not_one_per_row(superuser_client, fmt):
    for _ in range(5):
        sentinel_request()
    AppointmentRequestFactory(status="booked")
    since = _last_pk()
    response = superuser_client.get(
        inbox_url(f"export_{fmt}"), {"status__exact": "new", "q": SENTINEL}
    )
    b"".join(response.streaming_content)
    [entry] = _new_entries(since)
    assert entry.action == audit.EXPORT
    assert entry.content_type == ContentType.objects.get_for_model(ContentType)
    assert entry.data == {"count": 5, "format": fmt, "filtered": True, "searched": True}
    assert entry.message == f"Exported 5 appointment requests as {fmt.upper()}"
    _assert_no_personal_data([entry])  # the search term is not recorded


def test_retry_writes_one_entry(superuser_client):
    appointment = sentinel_request(notification_status="failed")
    since = _last_pk()
    superuser_client.post(inbox_url("retry", appointment.pk))
    [entry] = _new_entries(since)
    assert entry.action == audit.RETRY
    assert entry.data == {"result": "sent"}


def test_denied_requests_write_nothing(client):
    appointment = sentinel_request()
    client.force_login(user_of_kind("add_only"))
    since = _last_pk()
    for action in ("inspect", "edit", "history", "export_csv"):
        client.get(inbox_url(action, appointment.pk))
    client.post(inbox_url("bulk_status"), {"ids": [appointment.pk], "status": "closed"})
    assert _new_entries(since) == []


def test_history_and_site_history_show_entries_without_personal_data(superuser_client):
    appointment = sentinel_request()
    superuser_client.post(
        inbox_url("edit", appointment.pk), {"status": "contacted", "staff_notes": "Called back."}
    )
    b"".join(superuser_client.get(inbox_url("export_csv")).streaming_content)

    history = superuser_client.get(inbox_url("history", appointment.pk)).content.decode()
    assert "Status changed from New to Contacted" in history
    site_history = superuser_client.get(reverse("wagtailadmin_reports:site_history"))
    assert site_history.status_code == 200
    content = site_history.content.decode()
    assert f"Appointment request {appointment.reference}" in content
    assert "Exported 1 appointment request as CSV" in content
    assert SENTINEL not in content
    for model in _log_models():
        _assert_no_personal_data(model.objects.all())
