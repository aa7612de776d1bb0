"""
The permission matrix of the appointment inbox: every URL, every kind of user, exact status
codes, and the patient's data never in a denied response (nor in the page it redirects to).

Wagtail's admin answers a denied request with a redirect to the dashboard (302) and an
anonymous one with a redirect to the login page.
"""

import pytest
from django.urls import reverse

from tests.builders.inbox import (
    SENTINEL,
    inbox_url,
    sentinel_request,
    user_of_kind,
)
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

# (name, action, method)
ENDPOINTS = [
    ("index", "index", "get"),
    ("inspect", "inspect", "get"),
    ("edit", "edit", "get"),
    ("edit_post", "edit", "post"),
    ("delete", "delete", "get"),
    ("delete_post", "delete", "post"),
    ("history", "history", "get"),
    ("export_csv", "export_csv", "get"),
    ("export_xlsx", "export_xlsx", "get"),
    ("index_export", "index", "get"),  # modeladmin's own ?export=csv on the list
    ("bulk_status", "bulk_status", "post"),
    ("retry", "retry", "get"),
    ("retry_post", "retry", "post"),
]

DENIED = "denied"  # 302 to the dashboard
LOGIN = "login"  # 302 to the login page
ALL_DENIED = dict.fromkeys([e[0] for e in ENDPOINTS], DENIED)

# What each user gets: a status code, or DENIED/LOGIN.
EXPECTED = {
    "anonymous": dict.fromkeys(ALL_DENIED, LOGIN),
    "admin_only": ALL_DENIED,
    "add_only": ALL_DENIED,
    "delete_only": ALL_DENIED,
    "change_only": ALL_DENIED,
    "view_only": {
        **ALL_DENIED,
        "index": 200,
        "inspect": 200,
        "history": 200,
    },
    "front_desk": {
        **ALL_DENIED,
        "index": 200,
        "inspect": 200,
        "edit": 200,
        "edit_post": 302,
        "history": 200,
        "export_csv": 200,
        "export_xlsx": 200,
        "index_export": 200,
        "bulk_status": 302,
        "retry": 200,
        "retry_post": 302,
    },
    "front_desk_with_delete": {
        "index": 200,
        "inspect": 200,
        "edit": 200,
        "edit_post": 302,
        "delete": 200,
        "delete_post": 302,
        "history": 200,
        "export_csv": 200,
        "export_xlsx": 200,
        "index_export": 200,
        "bulk_status": 302,
        "retry": 200,
        "retry_post": 302,
    },
}
EXPECTED["superuser"] = EXPECTED["front_desk_with_delete"]


def _request(client, endpoint, appointment):
    name, action, method = next(e for e in ENDPOINTS if e[0] == endpoint)
    url = inbox_url(action, appointment.pk)
    if name == "index_export":
        url += "?export=csv"
    data = {}
    if name == "edit_post":
        data = {"status": "contacted", "staff_notes": "Called back."}
    elif name == "bulk_status":
        data = {"ids": [appointment.pk], "status": "contacted"}
    return getattr(client, method)(url, data)


CASES = [(kind, endpoint) for kind in EXPECTED for endpoint in EXPECTED[kind]]


@pytest.mark.parametrize("kind,endpoint", CASES)
def test_permission_matrix(client, kind, endpoint):
    appointment = sentinel_request()
    user = user_of_kind(kind)
    if user is not None:
        client.force_login(user)
    before = AppointmentRequest.objects.values().get(pk=appointment.pk)

    response = _request(client, endpoint, appointment)
    expected = EXPECTED[kind][endpoint]

    if expected in (DENIED, LOGIN):
        assert response.status_code == 302
        location = response["Location"]
        if expected == LOGIN:
            assert location.startswith(reverse("wagtailadmin_login") + "?next=")
        else:
            assert location == reverse("wagtailadmin_home")
        assert SENTINEL.encode() not in response.content
        # Nothing about the request on the page the redirect leads to either.
        followed = client.get(location)
        assert followed.status_code == 200
        assert SENTINEL.encode() not in followed.content
        assert b"sentinel-zq9" not in followed.content.lower()
        # And nothing changed.
        assert AppointmentRequest.objects.values().get(pk=appointment.pk) == before
    else:
        assert response.status_code == expected, response.get("Location")


@pytest.mark.parametrize("kind", ["admin_only", "add_only", "delete_only", "view_only"])
def test_unknown_request_number_is_denied_not_404(client, kind):
    # Denied users must not learn which request numbers exist.
    user = user_of_kind(kind)
    client.force_login(user)
    for action in ("edit", "delete", "retry"):
        response = client.get(inbox_url(action, 999999))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")


def test_front_desk_group_has_exactly_the_inbox_permissions(db):
    from tests.builders.inbox import front_desk_group

    group = front_desk_group()
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == {
        "wagtailadmin.access_admin",
        "wagtail_conditions.view_appointmentrequest",
        "wagtail_conditions.change_appointmentrequest",
        "wagtail_conditions.export_appointmentrequest",
    }


def test_front_desk_command_is_idempotent_and_reports(db):
    import io

    from django.contrib.auth.models import Group
    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_front_desk_group", stdout=out)
    assert "Created group" in out.getvalue()
    assert "added wagtail_conditions.export_appointmentrequest" in out.getvalue()

    out = io.StringIO()
    call_command("create_front_desk_group", "--with-delete", stdout=out)
    assert "added wagtail_conditions.delete_appointmentrequest" in out.getvalue()
    assert "Created group" not in out.getvalue()

    out = io.StringIO()
    call_command("create_front_desk_group", stdout=out)
    assert "removed wagtail_conditions.delete_appointmentrequest" in out.getvalue()
    assert "added" not in out.getvalue()
    group = Group.objects.get(name="Front desk")
    assert group.permissions.count() == 4
    assert Group.objects.filter(name="Front desk").count() == 1


def test_create_view_is_not_registered(client, django_user_model):
    from django.urls import NoReverseMatch

    client.force_login(user_of_kind("superuser"))
    with pytest.raises(NoReverseMatch):
        inbox_url("create")
    response = client.get("/admin/wagtail_conditions/appointmentrequest/create/")
    assert response.status_code == 404


def test_menu_item_only_for_viewers_with_count_of_new_requests(client):
    sentinel_request()
    sentinel_request(status="new")
    sentinel_request(status="booked")
    client.force_login(user_of_kind("add_only"))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"label": "Requests' not in content
    assert inbox_url("index") not in content

    client.logout()
    client.force_login(user_of_kind("view_only"))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar's menu is JSON in the page.
    assert '"label": "Requests \\u00b7 2"' in content
    assert inbox_url("index") in content
