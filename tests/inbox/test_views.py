"""The inbox list, inspect, edit, bulk status and retry views, as the front desk uses them."""

import datetime

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from tests.builders.faults import FAILING_EMAIL_BACKEND
from tests.builders.inbox import (
    SENTINEL,
    inbox_url,
    sentinel_request,
    user_of_kind,
)
from tests.builders.pages import AppointmentRequestFactory, ConditionPageFactory
from wagtail_conditions.inbox import counts
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db


def _received(appointment, days_ago):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    AppointmentRequest.objects.filter(pk=appointment.pk).update(created_at=when)


def _names(response):
    return [
        name
        for name in ("Alice", "Bob", "Carol", "Dave")
        if f">{name}<".encode() in response.content
    ]


# --- List ---------------------------------------------------------------------------------


def test_list_shows_the_columns(front_desk):
    AppointmentRequestFactory(
        name="Alice",
        status="booked",
        topic="Muscle spasms",
        preferred_date=datetime.date(2031, 3, 4),
        preferred_time="morning",
        notification_status="failed",
    )
    content = front_desk.get(inbox_url("index")).content.decode()
    for text in ["Received", "Alice", "Booked", "Muscle spasms", "4 Mar 2031 · Morning", "Failed"]:
        assert text in content


def test_list_filters_by_status(front_desk):
    AppointmentRequestFactory(name="Alice", status="new")
    AppointmentRequestFactory(name="Bob", status="booked")
    response = front_desk.get(inbox_url("index"), {"status__exact": "booked"})
    assert _names(response) == ["Bob"]


def test_list_filters_by_received_date_range_inclusive(front_desk):
    today = timezone.localdate()
    for name, days_ago in [("Alice", 0), ("Bob", 3), ("Carol", 10), ("Dave", 40)]:
        _received(AppointmentRequestFactory(name=name), days_ago)
    response = front_desk.get(
        inbox_url("index"),
        {
            "received_from": (today - datetime.timedelta(days=10)).isoformat(),
            "received_to": (today - datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert _names(response) == ["Bob", "Carol"]
    response = front_desk.get(inbox_url("index"), {"received_from": today.isoformat()})
    assert _names(response) == ["Alice"]
    # A date that is not a date is ignored rather than an error.
    response = front_desk.get(inbox_url("index"), {"received_from": "2026-02-30"})
    assert response.status_code == 200
    assert len(_names(response)) == 4


def test_list_filters_by_source_page_and_topic(front_desk, site_tree):
    page = ConditionPageFactory(parent=site_tree.conditions, title="Sciatica")
    AppointmentRequestFactory(name="Alice", source_page=page, topic="Sciatica")
    AppointmentRequestFactory(name="Bob", topic="Muscle spasms")
    response = front_desk.get(inbox_url("index"), {"source_page__id__exact": page.pk})
    assert _names(response) == ["Alice"]
    response = front_desk.get(inbox_url("index"), {"topic": "Muscle spasms"})
    assert _names(response) == ["Bob"]
    # The source page filter lists only pages requests came from.
    content = front_desk.get(inbox_url("index")).content.decode()
    assert f'source_page__id__exact={page.pk}"' in content
    assert f'source_page__id__exact={site_tree.home.pk}"' not in content  # whole ids, not "290"


@pytest.mark.parametrize(
    "term,expected",
    [("alic", ["Alice"]), ("BOB@EXAMPLE", ["Bob"]), ("7946 1111", ["Carol"])],
)
def test_list_searches_name_email_and_phone(front_desk, term, expected):
    AppointmentRequestFactory(name="Alice", email="alice@example.com")
    AppointmentRequestFactory(name="Bob", email="bob@example.com")
    AppointmentRequestFactory(name="Carol", phone="+44 20 7946 1111")
    assert _names(front_desk.get(inbox_url("index"), {"q": term})) == expected


def test_list_is_ordered_newest_first_and_by_column(client):
    client.force_login(user_of_kind("view_only"))
    for name, days_ago in [("Carol", 2), ("Alice", 1), ("Bob", 3)]:
        _received(AppointmentRequestFactory(name=name), days_ago)

    def order(response):
        content = response.content.decode()
        return sorted(["Alice", "Bob", "Carol"], key=lambda name: content.index(f">{name}<"))

    assert order(client.get(inbox_url("index"))) == ["Alice", "Carol", "Bob"]
    # Column 3 (reference, received, status, name) is the name for a user without the
    # selection column.
    assert order(client.get(inbox_url("index"), {"o": "3"})) == ["Alice", "Bob", "Carol"]


@pytest.mark.parametrize(
    "params",
    [
        # modeladmin applies unknown parameters as ORM lookups; through the page's owner
        # this would probe password hashes. Only the inbox's own filters are accepted.
        {"source_page__owner__password__startswith": "md5$"},
        {"email__startswith": "a"},
        {"created_at__gte": "not a date"},
        {"q": "bob\x00"},
        {"topic": "\x00"},
    ],
)
def test_list_refuses_unknown_lookups_and_nul_bytes(front_desk, params):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.get(inbox_url("index"), params)
    assert response.status_code == 302
    assert response["Location"] == inbox_url("index")


# --- Inspect ------------------------------------------------------------------------------


def test_inspect_shows_every_field_read_only(front_desk):
    appointment = sentinel_request(
        preferred_date=datetime.date(2031, 3, 4), privacy_notice_url="https://clinic.example/p"
    )
    response = front_desk.get(inbox_url("inspect", appointment.pk))
    content = response.content.decode()
    for value in [
        SENTINEL,
        "sentinel-zq9@example.com",
        "+1 555 0100",
        f"{SENTINEL} reason",
        f"{SENTINEL} notes",
        str(appointment.reference),
        "I agree to the clinic keeping these details.",
        "2026-01",
        "https://clinic.example/p",
        "SMTPException at 2026-01-01 10:00",
    ]:
        assert value in content
    assert appointment.submission_key not in content
    main = content.split('id="main"')[1].split("<footer")[0]
    # The only form controls are the status forms: nothing the patient sent is editable.
    assert "<textarea" not in main
    for field in ("name", "email", "phone", "reason", "topic", "staff_notes", "consent_text"):
        assert f'name="{field}"' not in main


# --- Edit ---------------------------------------------------------------------------------


def test_edit_changes_status_and_notes_only(front_desk):
    appointment = sentinel_request(preferred_date=datetime.date(2031, 3, 4))
    before = AppointmentRequest.objects.values().get(pk=appointment.pk)
    response = front_desk.post(
        inbox_url("edit", appointment.pk),
        {
            "status": "contacted",
            "staff_notes": "Called back; booked for Tuesday.",
            # A forged form trying to rewrite what the patient sent:
            "name": "Mallory",
            "email": "mallory@evil.example",
            "phone": "+1 000 0000",
            "reason": "Changed",
            "preferred_date": "2031-12-12",
            "topic": "Other",
            "consent_text": "Nothing",
            "notification_status": "sent",
            "recipients": "mallory@evil.example",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == inbox_url("inspect", appointment.pk)
    after = AppointmentRequest.objects.values().get(pk=appointment.pk)
    assert after["status"] == "contacted"
    assert after["staff_notes"] == "Called back; booked for Tuesday."
    unchanged = {k: v for k, v in after.items() if k not in ("status", "staff_notes", "updated_at")}
    assert unchanged == {k: v for k, v in before.items() if k in unchanged}


def test_edit_shows_patient_answers_without_inputs_for_them(front_desk):
    appointment = sentinel_request()
    content = front_desk.get(inbox_url("edit", appointment.pk)).content.decode()
    assert SENTINEL in content
    assert 'name="status"' in content and 'name="staff_notes"' in content
    for field in ("name", "email", "phone", "reason", "topic", "consent_text"):
        assert f'name="{field}"' not in content


def test_edit_rejects_invalid_status_and_nul_bytes(front_desk):
    appointment = sentinel_request()
    for data in [
        {"status": "deleted", "staff_notes": ""},
        {"status": "contacted", "staff_notes": "a\x00b"},
    ]:
        response = front_desk.post(inbox_url("edit", appointment.pk), data)
        assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == "new"


# --- Bulk status --------------------------------------------------------------------------


def test_bulk_status_changes_only_selected_rows(front_desk):
    alice, bob, carol = (AppointmentRequestFactory(name=n) for n in ("Alice", "Bob", "Carol"))
    response = front_desk.post(
        inbox_url("bulk_status"),
        {"ids": [alice.pk, carol.pk], "status": "closed", "query": "status__exact=new&q=a"},
    )
    assert response.status_code == 302
    assert response["Location"] == inbox_url("index") + "?status__exact=new&q=a"
    statuses = dict(AppointmentRequest.objects.values_list("name", "status"))
    assert statuses == {"Alice": "closed", "Bob": "new", "Carol": "closed"}


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["1"], "status": "bogus"},
        {"ids": [], "status": "closed"},
        {"ids": ["x"], "status": "closed"},
    ],
)
def test_bulk_status_refuses_bad_input(front_desk, data):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.post(inbox_url("bulk_status"), data)
    assert response.status_code == 302
    assert set(AppointmentRequest.objects.values_list("status", flat=True)) == {"new"}


def test_bulk_status_redirects_only_within_the_inbox(front_desk):
    response = front_desk.post(
        inbox_url("bulk_status"), {"ids": [], "status": "closed", "query": "//evil.example/x"}
    )
    assert response["Location"].startswith(inbox_url("index") + "?")


def test_bulk_status_only_by_post_and_with_csrf_token(db):
    user = user_of_kind("front_desk")
    appointment = AppointmentRequestFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(inbox_url("bulk_status")).status_code == 405
    response = client.post(inbox_url("bulk_status"), {"ids": [appointment.pk], "status": "spam"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "new"


# --- Retry --------------------------------------------------------------------------------


def test_retry_is_offered_only_for_failed_notifications(front_desk):
    failed = AppointmentRequestFactory(notification_status="failed")
    sent = AppointmentRequestFactory(notification_status="sent")
    content = front_desk.get(inbox_url("index")).content.decode()
    assert inbox_url("retry", failed.pk) in content
    assert inbox_url("retry", sent.pk) not in content
    assert (
        inbox_url("retry", failed.pk)
        in front_desk.get(inbox_url("inspect", failed.pk)).content.decode()
    )
    assert (
        inbox_url("retry", sent.pk)
        not in front_desk.get(inbox_url("inspect", sent.pk)).content.decode()
    )


def test_retry_action_records_failure_then_sends_exactly_once(front_desk):
    appointment = AppointmentRequestFactory(
        notification_status="failed", notification_attempts=1, recipients="desk@clinic.example"
    )
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND):
        response = front_desk.post(inbox_url("retry", appointment.pk))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.notification_status == "failed"
    assert appointment.notification_error.startswith("SMTPException")
    assert appointment.notification_attempts == 2
    assert mail.outbox == []

    front_desk.post(inbox_url("retry", appointment.pk))
    appointment.refresh_from_db()
    assert appointment.notification_status == "sent"
    assert appointment.notification_error == ""
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["desk@clinic.example"]

    # Once sent, retrying (a double click, a stale page) sends nothing more.
    response = front_desk.post(inbox_url("retry", appointment.pk))
    assert response["Location"] == inbox_url("inspect", appointment.pk)
    assert len(mail.outbox) == 1


# --- Delete -------------------------------------------------------------------------------


def test_delete_asks_then_deletes(client):
    client.force_login(user_of_kind("front_desk_with_delete"))
    appointment = sentinel_request()
    response = client.get(inbox_url("delete", appointment.pk))
    assert response.status_code == 200
    assert SENTINEL.encode() not in response.content
    response = client.post(inbox_url("delete", appointment.pk))
    assert response["Location"] == inbox_url("index")
    assert not AppointmentRequest.objects.filter(pk=appointment.pk).exists()


# --- Menu, notification link, permission registration -------------------------------------


def test_menu_item_counts_new_requests_with_one_query(rf, django_assert_num_queries):
    from wagtail import hooks

    AppointmentRequestFactory(status="new")
    AppointmentRequestFactory(status="new")
    AppointmentRequestFactory(status="closed")
    item = next(
        item
        for item in (fn() for fn in hooks.get_hooks("register_admin_menu_item"))
        if getattr(item, "url", None) == inbox_url("index")
    )
    assert item.icon_name == "mail"
    AppointmentRequestFactory(status="spam")  # never counted as new
    request = rf.get("/admin/")
    with django_assert_num_queries(1):
        component = item.render_component(request)
    # Short enough for the sidebar never to cut it off; what the number means is spelled out.
    assert component.label == "Requests · 2"
    assert component.attrs["aria-label"] == "Appointment requests: 2 new"
    assert component.attrs["title"] == "Appointment requests: 2 new"
    AppointmentRequest.objects.update(status="closed")
    counts.forget_counts()  # as the inbox's own status change does (the badge is cached)
    component = item.render_component(request)
    assert component.label == "Requests"
    assert "aria-label" not in component.attrs


def test_notification_email_links_to_the_inspect_view():
    from wagtail_conditions.appointments.notifications import inbox_url as email_link

    appointment = AppointmentRequestFactory()
    assert email_link(appointment) == "http://testserver" + inbox_url("inspect", appointment.pk)


def test_group_editor_offers_view_change_delete_export_but_not_add():
    from wagtail import hooks

    codenames = set()
    for fn in hooks.get_hooks("register_permissions"):
        codenames |= {
            p.codename for p in fn() if p.content_type.model_class() is AppointmentRequest
        }
    assert codenames == {
        "view_appointmentrequest",
        "change_appointmentrequest",
        "delete_appointmentrequest",
        "export_appointmentrequest",
    }


@pytest.mark.parametrize("atomic_requests", [False, True])
def test_retry_action_with_atomic_requests_on_and_off(front_desk, monkeypatch, atomic_requests):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", atomic_requests)
    appointment = AppointmentRequestFactory(notification_status="failed")
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND):
        front_desk.post(inbox_url("retry", appointment.pk))
    appointment.refresh_from_db()
    assert appointment.notification_status == "failed"
    front_desk.post(inbox_url("retry", appointment.pk))
    front_desk.post(inbox_url("retry", appointment.pk))
    appointment.refresh_from_db()
    assert appointment.notification_status == "sent"
    assert len(mail.outbox) == 1
