"""
Editors read the answers: the "Page feedback" report (Reports menu), with counts per page and
the comments, filterable by page, language, answer and date, gated by ``view_pagefeedback``;
and the page's own review panel in the editor. Each costs the same number of queries however
many answers there are.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail_conditions.feedback.panels import report_url
from wagtail_conditions.models import PageFeedback

pytestmark = pytest.mark.django_db

REPORT = "wagtail_conditions_feedback:report"


def add(page, helpful, comment="", *, days_ago=0, spam=False):
    return PageFeedback.objects.create(
        page=page,
        locale_id=page.locale_id,
        helpful=helpful,
        comment=comment,
        is_spam=spam,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def answers(condition, therapy):
    add(condition, True, "Clear, thank you.", days_ago=1)
    add(condition, True)
    add(condition, False, "Too many long words.", days_ago=40)
    add(therapy, False, "Say how long a session lasts.")
    add(condition, True, "Cheap pills here", spam=True)


def make_user(username, *codenames, admin=True):
    user = get_user_model().objects.create_user(username, f"{username}@clinic.example", "pw")
    perms = [("wagtailadmin", "access_admin")] if admin else []
    perms += [("wagtail_conditions", codename) for codename in codenames]
    for app_label, codename in perms:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("editor", "view_pagefeedback"))
    return client


def report(client, **params):
    return client.get(reverse(REPORT), params)


def test_counts_per_page_and_the_comments(editor_client, answers, condition, therapy):
    response = report(editor_client)

    assert response.status_code == 200
    html = response.content.decode()
    # Condition: 2 yes, 1 no (67%); therapy: 0 yes, 1 no (0%); spam not counted.
    rows = response.context["per_page"]
    assert [(r["title"], r["yes"], r["no"], r["percent_helpful"]) for r in rows] == [
        ("Muscle spasms", 2, 1, 67),
        ("Massage", 0, 1, 0),
    ]
    assert "4 answers: 2 yes, 2 no (50% found it helpful)." in html
    for comment in ("Clear, thank you.", "Too many long words.", "Say how long a session lasts."):
        assert comment in html
    assert "Cheap pills here" not in html


@pytest.mark.parametrize(
    "params,comments",
    [
        ({"helpful": "no"}, {"Too many long words.", "Say how long a session lasts."}),
        ({"helpful": "yes"}, {"Clear, thank you.", ""}),
        ({"created_at_from": "1970-01-01", "created_at_to": "2999-01-01"}, None),
        ({"spam": "only"}, {"Cheap pills here"}),
    ],
    ids=["no", "yes", "dates", "spam"],
)
def test_filters(editor_client, answers, params, comments):
    response = report(editor_client, **params)

    assert response.status_code == 200
    found = {row.comment for row in response.context["object_list"]}
    assert found == (comments if comments is not None else found)


def test_filter_by_page_language_and_date(editor_client, answers, condition, therapy):
    by_page = report(editor_client, page=therapy.pk).context["object_list"]
    assert {row.page_id for row in by_page} == {therapy.pk}
    by_locale = report(editor_client, locale=condition.locale_id).context["object_list"]
    assert len(by_locale) == 4
    recent = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    by_date = report(editor_client, created_at_from=recent).context["object_list"]
    assert "Too many long words." not in {row.comment for row in by_date}


def test_the_summary_follows_the_filters(editor_client, answers, therapy):
    response = report(editor_client, page=therapy.pk)

    assert [row["title"] for row in response.context["per_page"]] == ["Massage"]


def test_export_neutralises_formulas(editor_client, condition):
    add(condition, False, "=cmd|' /C calc'!A0")

    response = report(editor_client, export="csv")

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "'=cmd" in body


def test_the_report_needs_the_view_permission(client, answers):
    assert report(client).status_code == 302  # anonymous: to the login page
    assert "login" in report(client)["Location"]

    client.force_login(make_user("desk"))  # admin access only, as the front desk
    refused = report(client)
    assert refused.status_code in (302, 403)
    assert b"Too many long words." not in refused.content


def test_the_menu_item_shows_only_with_the_permission(client, answers):
    client.force_login(make_user("desk"))
    assert reverse(REPORT) not in client.get("/admin/").content.decode()

    client.force_login(make_user("editor", "view_pagefeedback"))
    assert reverse(REPORT) in client.get("/admin/").content.decode()


def test_the_permission_is_offered_in_the_group_editor(admin_client):
    group = Group.objects.get(name="Editors")

    html = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()

    permission = Permission.objects.get(codename="view_pagefeedback")
    assert f'value="{permission.pk}"' in html


def test_the_report_costs_the_same_queries_for_many_answers(editor_client, condition, therapy):
    add(condition, True, "One.")
    report(editor_client)  # Wagtail's own caches warmed
    with CaptureQueriesContext(connection) as few:
        report(editor_client)
    for n in range(30):
        add(therapy if n % 2 else condition, bool(n % 3), f"Comment {n}")
    with CaptureQueriesContext(connection) as many:
        report(editor_client)

    assert len(many) == len(few)


# --- The page's review panel ----------------------------------------------------------------


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_the_review_panel_shows_the_pages_counts_and_latest_comments(
    editor_client, answers, condition
):
    user = get_user_model().objects.get(username="editor")
    user.is_superuser = True
    user.save()

    html = editor_client.get(edit_url(condition)).content.decode()

    assert "Patient feedback" in html
    assert "3 answers: 2 yes, 1 no (67% found it helpful)." in html
    assert "Too many long words." in html
    assert "Say how long a session lasts." not in html  # another page's
    assert "Cheap pills here" not in html
    assert report_url(page=condition.pk).replace("&", "&amp;") in html


def test_the_review_panel_is_hidden_without_the_permission(admin_client, answers, condition):
    # A page editor (Wagtail's "Editors" group) who was not given view_pagefeedback.
    user = make_user("writer")
    group = Group.objects.get(name="Editors")
    user.groups.add(group)
    admin_client.force_login(user)

    html = admin_client.get(edit_url(condition)).content.decode()

    assert "Patient feedback" not in html
    assert "Too many long words." not in html


def test_the_review_panel_costs_the_same_queries_for_many_answers(admin_client, condition):
    add(condition, True, "One.")
    admin_client.get(edit_url(condition))  # Wagtail's own caches warmed
    with CaptureQueriesContext(connection) as few:
        admin_client.get(edit_url(condition))
    for n in range(30):
        add(condition, bool(n % 2), f"Comment {n}")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(edit_url(condition))

    assert "Comment 29" in response.content.decode()
    assert len(many) == len(few)
