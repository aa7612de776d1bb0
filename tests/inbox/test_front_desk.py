"""
The inbox at the speed of a phone call: the list's columns and links, one-click status
changes, spam out of the way, search by reference, the dashboard panel, the inspect view's
labels, and dates in the filter that never break the page.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

from tests.builders.inbox import inbox_url, user_of_kind
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import audit, display
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _at(appointment, when):
    AppointmentRequest.objects.filter(pk=appointment.pk).update(created_at=when)


def _status_entries():
    """Status-change entries, from whichever log model holds request entries."""
    model = log_registry.get_log_model_for_model(AppointmentRequest)
    return model.objects.filter(action=audit.STATUS)


def _messages(response):
    # Wagtail renders each message through a template: trailing whitespace is not the text.
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


# --- One date format ----------------------------------------------------------------------


def test_one_date_format():
    when = datetime.datetime(2026, 11, 30, 14, 5, 59, tzinfo=datetime.UTC)
    assert display.format_datetime(when) == "30 Nov 2026, 14:05"
    summer = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)
    assert display.format_datetime(summer) == "1 Jul 2026, 09:00"  # London time
    assert display.format_date(datetime.date(2031, 3, 4)) == "4 Mar 2031"
    assert display.format_datetime(None) == display.format_date(None) == ""


# --- Links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone,href",
    [
        ("+44 20 7946 0000", "tel:+442079460000"),
        ("(555) 010.0100", "tel:5550100100"),
        ("020-7946-0000", "tel:02079460000"),
        ("javascript:alert(1)", None),
        ('"><img src=x onerror=alert(1)>', None),
        ("+1 555 0100 ext", None),
        ("", None),
    ],
)
def test_tel_links_are_built_from_digits_only(phone, href):
    assert display.tel_href(phone) == href


@pytest.mark.parametrize(
    "email,href",
    [
        ("ada@example.com", "mailto:ada@example.com"),
        ("ada+desk@example.com", "mailto:ada+desk@example.com"),
        ("javascript:alert(1)", None),
        ('"><img src=x onerror=alert(1)>@example.com', None),
        ("", None),
    ],
)
def test_mailto_links_only_for_valid_addresses(email, href):
    assert display.mailto_href(email) == href


# --- List columns -------------------------------------------------------------------------


def test_list_shows_reference_received_phone_and_email_links(front_desk):
    appointment = AppointmentRequestFactory(
        name="Alice", phone="+44 20 7946 0000", email="alice@example.com", topic="Sciatica"
    )
    _at(appointment, datetime.datetime(2026, 11, 30, 14, 5, tzinfo=LONDON))
    content = front_desk.get(inbox_url("index")).content.decode()
    header = content.split("<thead>")[1].split("</thead>")[0]
    headings = [
        " ".join(re.sub(r"<[^>]+>", "", th).split())
        for th in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', header, re.S)
    ]
    assert headings == [
        "Select",
        "Reference",
        "Received",
        "Status",
        "Name",
        "Phone",
        "Email",
        "Condition, therapy or page",
        "Preferred date and time",
        "Notification",
    ]
    # The reference opens the request.
    assert f'href="{inbox_url("inspect", appointment.pk)}"' in content
    assert f">{appointment.reference}<" in content
    assert "30 Nov 2026, 14:05" in content
    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in content
    assert '<a href="mailto:alice@example.com">alice@example.com</a>' in content
    assert f"#{appointment.pk}" not in content


# --- One-click status ---------------------------------------------------------------------


def test_list_offers_mark_contacted_on_new_rows_to_those_who_may_change(front_desk, client):
    new = AppointmentRequestFactory(name="Alice", status="new")
    booked = AppointmentRequestFactory(name="Bob", status="booked")
    content = front_desk.get(inbox_url("index"), {"status__exact": "new"}).content.decode()
    assert (
        f'<button type="submit" form="inbox-quick-contacted" name="ids" value="{new.pk}"' in content
    )
    assert f'aria-label="Mark contacted: {new.reference}"' in content
    assert f'value="{booked.pk}" class="button' not in content
    # The form the buttons submit: POST, CSRF token, the status, and the list's filters.
    form = content.split('id="inbox-quick-contacted"')[1].split("</form>")[0]
    assert f'action="{inbox_url("bulk_status")}"' in content.split('id="inbox-quick-contacted"')[1]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="status" value="contacted">' in form
    assert '<input type="hidden" name="query" value="status__exact=new">' in form

    viewer = Client()
    viewer.force_login(user_of_kind("view_only"))
    content = viewer.get(inbox_url("index")).content.decode()
    assert "Mark contacted" not in content
    assert "inbox-quick-" not in content


def test_mark_contacted_from_the_list_is_one_audited_post_back_to_the_list(front_desk):
    alice = AppointmentRequestFactory(name="Alice", status="new")
    bob = AppointmentRequestFactory(name="Bob", status="new")
    response = front_desk.post(
        inbox_url("bulk_status"),
        {"ids": [alice.pk], "status": "contacted", "query": "status__exact=new"},
    )
    assert response.status_code == 302
    assert response["Location"] == inbox_url("index") + "?status__exact=new"
    assert _messages(response) == [
        f"Appointment request {alice.reference}: status set to “Contacted”."
    ]
    assert dict(AppointmentRequest.objects.values_list("name", "status")) == {
        "Alice": "contacted",
        "Bob": "new",
    }
    [entry] = _status_entries()
    assert (entry.object_id, entry.data) == (str(alice.pk), {"old": "new", "new": "contacted"})
    assert entry.label == f"Appointment request {alice.reference}"
    del bob


def test_status_change_from_the_inspect_view_comes_back_to_it(front_desk):
    appointment = AppointmentRequestFactory(status="new")
    content = front_desk.get(inbox_url("inspect", appointment.pk)).content.decode()
    assert ">Mark contacted</button>" in content
    assert '<input type="hidden" name="return_to" value="inspect">' in content
    assert '<label for="inbox-inspect-status">Change the status to</label>' in content

    response = front_desk.post(
        inbox_url("bulk_status"),
        {"ids": [appointment.pk], "status": "booked", "return_to": "inspect"},
    )
    assert response["Location"] == inbox_url("inspect", appointment.pk)
    assert _messages(response) == [
        f"Appointment request {appointment.reference}: status set to “Booked”."
    ]
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert _status_entries().count() == 1

    # Setting the status it already has changes and logs nothing.
    response = front_desk.post(
        inbox_url("bulk_status"),
        {"ids": [appointment.pk], "status": "booked", "return_to": "inspect"},
    )
    # (The first message was never shown: the redirect was not followed.)
    assert _messages(response)[-1] == (
        f"Appointment request {appointment.reference} was already “Booked”."
    )
    assert _status_entries().count() == 1


def test_inspect_view_offers_no_status_change_without_change_permission(client):
    appointment = AppointmentRequestFactory(status="new")
    client.force_login(user_of_kind("view_only"))
    content = client.get(inbox_url("inspect", appointment.pk)).content.decode()
    assert "Mark contacted" not in content
    assert inbox_url("bulk_status") not in content


def test_one_click_status_needs_csrf_token_and_post(db):
    appointment = AppointmentRequestFactory(status="new")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_of_kind("front_desk"))
    data = {"ids": [appointment.pk], "status": "contacted", "return_to": "inspect"}
    assert client.get(inbox_url("bulk_status"), data).status_code == 405
    assert client.post(inbox_url("bulk_status"), data).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "new"


def test_return_to_inspect_never_leads_outside_the_inbox(front_desk):
    appointment = AppointmentRequestFactory(status="new")
    for return_to in ("//evil.example", "https://evil.example/"):
        response = front_desk.post(
            inbox_url("bulk_status"),
            {"ids": [appointment.pk], "status": "closed", "return_to": return_to},
        )
        assert response["Location"] == inbox_url("index")
    # Two ids: back to the list, not to either request.
    other = AppointmentRequestFactory()
    response = front_desk.post(
        inbox_url("bulk_status"),
        {"ids": [appointment.pk, other.pk], "status": "new", "return_to": "inspect"},
    )
    assert response["Location"] == inbox_url("index")


# --- Spam ---------------------------------------------------------------------------------


def test_spam_is_hidden_by_default_and_one_click_away(front_desk):
    AppointmentRequestFactory(name="Alice", status="new")
    AppointmentRequestFactory(name="Bob", status="closed")
    AppointmentRequestFactory(name="Carol", status="spam", spam_reason="honeypot")
    AppointmentRequestFactory(name="Dave", status="spam", spam_reason="too_fast")

    content = front_desk.get(inbox_url("index")).content.decode()
    assert ">Alice<" in content and ">Bob<" in content
    assert ">Carol<" not in content and ">Dave<" not in content
    assert '<a href="?status__exact=spam" class="inbox-spam-link">Spam (2)</a>' in content

    content = front_desk.get(inbox_url("index"), {"status__exact": "spam"}).content.decode()
    assert ">Carol<" in content and ">Dave<" in content
    assert ">Alice<" not in content
    # A spam row can be put back among new requests in one click.
    assert 'form="inbox-quick-new"' in content and ">Not spam</button>" in content


def test_status_filter_lists_all_but_spam_then_each_status(front_desk):
    AppointmentRequestFactory(status="spam")
    content = front_desk.get(inbox_url("index")).content.decode()
    labels = ["All but spam", "New", "Contacted", "Booked", "Declined", "Closed", "Spam (1)"]
    filters = content.split("By status")[1]
    positions = [filters.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)


def test_exports_leave_spam_out_unless_it_is_asked_for(front_desk):
    AppointmentRequestFactory(name="Alice", status="new")
    AppointmentRequestFactory(name="Carol", status="spam")

    def names(params):
        response = front_desk.get(inbox_url("export_csv"), params)
        text = b"".join(response.streaming_content).decode()
        return sorted(name for name in ("Alice", "Carol") if name in text)

    assert names({}) == ["Alice"]
    assert names({"status__exact": "spam"}) == ["Carol"]


def test_inspect_shows_why_a_request_looks_like_spam(front_desk):
    spam = AppointmentRequestFactory(status="spam", spam_reason="too_fast")
    content = front_desk.get(inbox_url("inspect", spam.pk)).content.decode()
    assert "<dt>Why it looks like spam</dt>" in content
    assert "<dd>Sent too quickly after the page loaded</dd>" in content
    assert ">Not spam</button>" in content
    ordinary = AppointmentRequestFactory()
    content = front_desk.get(inbox_url("inspect", ordinary.pk)).content.decode()
    assert "Why it looks like spam" not in content


# --- Search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["AR-7K3Q-9M", "ar-7k3q-9m", "AR7K3Q9M", "ar 7k3q 9m", " ar7k3q-9m "]
)
def test_search_finds_a_request_by_its_reference_however_it_is_typed(front_desk, typed):
    AppointmentRequestFactory(name="Alice", reference="AR-7K3Q-9M")
    AppointmentRequestFactory(name="Bob", reference="AR-2222-22")
    content = front_desk.get(inbox_url("index"), {"q": typed}).content.decode()
    assert ">Alice<" in content
    assert ">Bob<" not in content


@pytest.mark.parametrize(
    "term,expected",
    [("ali", ["Alice"]), ("bob@example", ["Bob"]), ("7946 1111", ["Carol"]), ("AR-9999", [])],
)
def test_search_still_finds_name_email_and_phone(front_desk, term, expected):
    AppointmentRequestFactory(name="Alice", reference="AR-7K3Q-9M")
    AppointmentRequestFactory(name="Bob", email="bob@example.com")
    AppointmentRequestFactory(name="Carol", phone="+44 20 7946 1111")
    content = front_desk.get(inbox_url("index"), {"q": term}).content.decode()
    assert [n for n in ("Alice", "Bob", "Carol") if f">{n}<" in content] == expected


# --- Dashboard panel ----------------------------------------------------------------------


def _panel(content):
    if 'id="appointment-requests-section"' not in content:
        return None
    return content.split('id="appointment-requests-section"')[1].split("</section>")[0]


def test_dashboard_panel_counts_new_requests_and_the_oldest_wait(front_desk):
    now = timezone.now()
    for hours in (1, 50):
        _at(AppointmentRequestFactory(status="new"), now - datetime.timedelta(hours=hours))
    AppointmentRequestFactory(status="spam")
    AppointmentRequestFactory(status="contacted")
    panel = _panel(front_desk.get(reverse("wagtailadmin_home")).content.decode())
    assert "Appointment requests</span>" in panel
    assert f'<a href="{inbox_url("index")}?status__exact=new">2 new requests</a>' in panel
    assert "The oldest has waited 2\xa0days, 2\xa0hours." in panel
    assert f'href="{inbox_url("index")}"' in panel


def test_dashboard_panel_with_nothing_new(front_desk):
    AppointmentRequestFactory(status="closed")
    panel = _panel(front_desk.get(reverse("wagtailadmin_home")).content.decode())
    assert "No new requests." in panel
    assert "waited" not in panel


@pytest.mark.parametrize("kind", ["admin_only", "add_only", "change_only", "delete_only"])
def test_dashboard_panel_only_for_those_who_may_read_requests(client, kind):
    AppointmentRequestFactory(status="new")
    client.force_login(user_of_kind(kind))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert _panel(content) is None
    assert "new request" not in content


def test_dashboard_panel_costs_one_query(rf, django_assert_num_queries):
    from wagtail_conditions.inbox.panels import InboxPanel

    for _ in range(3):
        AppointmentRequestFactory(status="new")
    panel = InboxPanel("/admin/inbox/")
    request = rf.get("/admin/")
    with django_assert_num_queries(1):
        context = panel.get_context_data({"request": request})
    assert context["count"] == 3


# --- Inspect ------------------------------------------------------------------------------


def test_inspect_has_the_reference_on_top_sentence_case_labels_and_no_internal_ids(front_desk):
    appointment = AppointmentRequestFactory(
        phone="+44 20 7946 0000",
        email="ada@example.com",
        preferred_date=datetime.date(2031, 3, 4),
        block_id="form-block-uuid-123",
    )
    _at(appointment, datetime.datetime(2026, 11, 30, 14, 5, tzinfo=LONDON))
    content = front_desk.get(inbox_url("inspect", appointment.pk)).content.decode()
    main = content.split('id="main"')[1]
    assert main.index(appointment.reference) < main.index("<dl>")
    assert '<strong class="inbox-reference__value">' + appointment.reference in main
    dts = [part.split("</dt>")[0] for part in main.split("<dt>")[1:]]
    assert dts == [
        "Received",
        "Status",
        "Name",
        "Email",
        "Phone",
        "Preferred date",
        "Preferred time of day",
        "New or returning",
        "Reason for visit",
        "Condition or therapy",
        "Sent from page",
        "Staff notes",
        "Consent wording shown",
        "Consent given at",
        "Privacy notice",
        "Privacy notice version",
        "Notification",
        "Notification attempts",
        "Notification error",
        "Notified at",
        "Notification recipients",
        "Acknowledge to patient",
        "Last updated",
    ]
    assert "<dd>30 Nov 2026, 14:05</dd>" in main
    assert "<dd>4 Mar 2031</dd>" in main
    assert '<dd><a href="tel:+442079460000">+44 20 7946 0000</a></dd>' in main
    assert '<dd><a href="mailto:ada@example.com">ada@example.com</a></dd>' in main
    assert "form-block-uuid-123" not in content
    assert appointment.submission_key not in content


def test_edit_view_shows_dates_in_the_same_format(front_desk):
    appointment = AppointmentRequestFactory(preferred_date=datetime.date(2031, 3, 4))
    _at(appointment, datetime.datetime(2026, 11, 30, 14, 5, tzinfo=LONDON))
    content = front_desk.get(inbox_url("edit", appointment.pk)).content.decode()
    assert "30 Nov 2026, 14:05" in content
    assert "4 Mar 2031" in content


# --- Date range: never a 500 --------------------------------------------------------------

BAD_DATES = {
    "9999-12-31": "must be between",
    "0001-01-01": "must be between",
    "1899-12-31": "must be between",
    "10000-01-01": "is not a date",
    "2026-02-30": "is not a date",
    "garbage": "is not a date",
    "-0001-01-01": "is not a date",
}


@pytest.mark.parametrize("param", ["received_from", "received_to"])
@pytest.mark.parametrize("value,problem", BAD_DATES.items())
def test_bad_dates_in_the_list_are_ignored_with_a_message(front_desk, param, value, problem):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.get(inbox_url("index"), {param: value})
    assert response.status_code == 200
    assert ">Alice<" in response.content.decode()
    label = "From" if param == "received_from" else "To"
    [message] = _messages(response)
    if problem == "must be between":
        assert message == (
            f"The “{label}” date must be between 1 Jan 1900 and 31 Dec 2999; it was ignored."
        )
    else:
        assert message == f"The “{label}” date is not a date (use YYYY-MM-DD); it was ignored."


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_bad_dates_in_an_export_export_nothing_and_say_why(front_desk, fmt, value):
    AppointmentRequestFactory(name="Alice", status="booked")
    response = front_desk.get(
        inbox_url(f"export_{fmt}"),
        {"received_from": "2026-01-01", "received_to": value, "status__exact": "booked"},
    )
    assert response.status_code == 302
    # Back to the list, keeping the valid filters and dropping the ignored date.
    assert response["Location"] == (
        inbox_url("index") + "?received_from=2026-01-01&status__exact=booked"
    )
    assert not getattr(response, "streaming", False)
    messages = _messages(response)
    assert messages[-1] == "Nothing was exported. Correct the dates and try again."
    assert len(messages) == 2


def test_bad_dates_through_the_lists_own_export_parameter(front_desk):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.get(inbox_url("index"), {"received_to": "9999-12-31", "export": "csv"})
    assert response.status_code == 302
    assert response["Location"] == inbox_url("index")


def test_the_last_and_first_allowed_dates_work(front_desk):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.get(
        inbox_url("index"), {"received_from": "1900-01-01", "received_to": "2999-12-31"}
    )
    assert response.status_code == 200
    assert ">Alice<" in response.content.decode()
    assert _messages(response) == []
    response = front_desk.get(
        inbox_url("export_csv"), {"received_from": "1900-01-01", "received_to": "2999-12-31"}
    )
    assert response.status_code == 200
    assert "Alice" in b"".join(response.streaming_content).decode()
