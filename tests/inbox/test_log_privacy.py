"""
Who sees appointment requests' audit log entries outside the inbox: Reports › Site history,
its results fragment and its CSV/XLSX exports. Only people who may read requests (the "view"
permission) -- never someone holding only add, change or delete on them, which Wagtail's own
``ModelLogEntry`` would be content with.
"""

import pytest
from django.urls import reverse

from tests.builders.inbox import make_user, user_of_kind
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import actions, audit
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

SEES = ["view_only", "front_desk", "superuser"]
NEVER_SEES = [
    "admin_only",
    "add_only",
    "change_only",
    "delete_only",
]
VIEWS = ["html", "results", "csv", "xlsx"]


@pytest.fixture
def logged_request(db):
    """A request that was viewed and had its status changed: two entries naming it."""
    staff = make_user("auditor", superuser=True)
    appointment = AppointmentRequestFactory(name="Ada")
    audit.log_view(appointment, user=staff)
    actions.change_status(
        AppointmentRequest.objects.filter(pk=appointment.pk), "contacted", user=staff
    )
    return appointment


def _site_history(client, view):
    if view == "results":
        return client.get(reverse("wagtailadmin_reports:site_history_results"))
    url = reverse("wagtailadmin_reports:site_history")
    if view == "html":
        return client.get(url)
    return client.get(url, {"export": view})


def _text(response, view):
    assert response.status_code == 200
    if view == "xlsx":
        import io

        import openpyxl

        body = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("kind", SEES)
def test_people_who_may_read_requests_see_their_entries(client, logged_request, kind, view):
    client.force_login(user_of_kind(kind))
    text = _text(_site_history(client, view), view)
    assert f"Appointment request {logged_request.reference}" in text
    assert "Ada" not in text


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("kind", NEVER_SEES)
def test_no_one_else_sees_them(client, logged_request, kind, view):
    client.force_login(user_of_kind(kind))
    response = _site_history(client, view)
    text = _text(response, view)
    assert logged_request.reference not in text
    assert "Appointment request" not in text
