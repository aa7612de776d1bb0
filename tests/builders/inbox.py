"""Shared helpers for the inbox tests: users with given permissions, inbox URLs, sentinels."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from tests.builders.pages import AppointmentRequestFactory

SENTINEL = "Sentinel-Zq9"
URL_PREFIX = "wagtail_conditions_appointmentrequest_modeladmin_"
INSTANCE_ACTIONS = ("inspect", "edit", "delete", "history", "retry")


def inbox_url(action, pk=None):
    if action in INSTANCE_ACTIONS:
        return reverse(URL_PREFIX + action, kwargs={"instance_pk": pk})
    return reverse(URL_PREFIX + action)


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def make_user(username, *perms, superuser=False, groups=()):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@staff.example",
        password="pw",
        is_superuser=superuser,
        is_staff=superuser,
    )
    user.user_permissions.add(*(permission(p) for p in perms))
    user.groups.add(*groups)
    return user


def front_desk_group(*args):
    call_command("create_front_desk_group", *args, stdout=io.StringIO())
    return Group.objects.get(name="Front desk")


ACCESS = "wagtailadmin.access_admin"
VIEW = "wagtail_conditions.view_appointmentrequest"
ADD = "wagtail_conditions.add_appointmentrequest"
CHANGE = "wagtail_conditions.change_appointmentrequest"
DELETE = "wagtail_conditions.delete_appointmentrequest"
EXPORT = "wagtail_conditions.export_appointmentrequest"


def user_of_kind(kind):
    """One of the users of the permission matrix, or None for anonymous."""
    if kind == "anonymous":
        return None
    if kind == "admin_only":
        return make_user(kind, ACCESS)
    if kind == "add_only":
        return make_user(kind, ACCESS, ADD)
    if kind == "delete_only":
        return make_user(kind, ACCESS, DELETE)
    if kind == "change_only":
        return make_user(kind, ACCESS, CHANGE)
    if kind == "view_only":
        return make_user(kind, ACCESS, VIEW)
    if kind == "front_desk":
        return make_user(kind, groups=[front_desk_group()])
    if kind == "front_desk_with_delete":
        return make_user(kind, groups=[front_desk_group("--with-delete")])
    if kind == "superuser":
        return make_user(kind, superuser=True)
    raise ValueError(kind)


def sentinel_request(**kwargs):
    """A request whose every patient-typed value carries the sentinel."""
    defaults = {
        "name": SENTINEL,
        "email": "sentinel-zq9@example.com",
        "phone": "+1 555 0100",
        "reason": f"{SENTINEL} reason",
        "topic": "Muscle spasms",
        "staff_notes": f"{SENTINEL} notes",
        "notification_status": "failed",
        "notification_error": "SMTPException at 2026-01-01 10:00",
    }
    defaults.update(kwargs)
    return AppointmentRequestFactory(**defaults)
