"""
The "Pages due for review" report (Reports menu) and its dashboard panel: condition and therapy
pages, ours and a host's built on our mixins (``tests/testapp``), overdue or due soon; filters
by status, page type and reviewer; CSV and XLSX exports; only for people who can edit pages,
each seeing the pages they could edit; the panel's counts in one query.
"""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail import hooks
from wagtail.models import GroupPagePermission

from tests.builders.inbox import make_user
from tests.builders.pages import HOST, OURS
from wagtail_conditions.models import Practitioner
from wagtail_conditions.reviews import pages as review_pages
from wagtail_conditions.reviews.panels import ReviewPanel
from wagtail_conditions.reviews.schedule import today

pytestmark = pytest.mark.django_db

REPORT = "wagtail_conditions_reviews:report"


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def clinic(db):
    """Our pages and the host's, with review dates around today and two reviewers."""
    ours, host = OURS.make_tree(), HOST.make_tree()
    ana = Practitioner.objects.create(name="Dr Ana Ruiz", credentials="DC")
    ben = Practitioner.objects.create(name="Ben Ode")

    def condition(tree, title, due, **fields):
        page_set = HOST if tree is host else OURS
        return page_set.condition(
            parent=tree.conditions, title=title, next_review_due=due, **fields
        )

    def therapy(tree, title, due, **fields):
        page_set = HOST if tree is host else OURS
        return page_set.therapy(parent=tree.therapies, title=title, next_review_due=due, **fields)

    pages = {
        "back": condition(ours, "Back pain", days(-40), last_reviewed=days(-400), reviewed_by=ana),
        "massage": therapy(ours, "Massage", days(10), reviewed_by=ben),
        "neck": condition(host, "Neck pain", days(-1)),
        "heat": therapy(host, "Heat therapy", days(0), reviewed_by=ana),
        "later": condition(ours, "Sciatica", days(200)),
        "undated": therapy(ours, "Ultrasound", None),
    }
    return SimpleNamespace(ours=ours, host=host, ana=ana, ben=ben, **pages)


def titles(response):
    return [page.title for page in response.context["object_list"]]


def editor_of(page, *, codename="change_page"):
    """A user who may edit ``page`` and the pages under it, and nothing else."""
    group = Group.objects.create(name=f"Editors of {page.title} ({codename})")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=page, permission=Permission.objects.get(codename=codename)
    )
    return make_user(f"editor-{page.pk}-{codename}", groups=[group])


# --- The report --------------------------------------------------------------------------------


def test_lists_pages_overdue_or_due_soon_overdue_first(admin_client, clinic):
    response = admin_client.get(reverse(REPORT))
    assert response.status_code == 200
    # Ours and the host's page types, found through the mixin; later and undated left out.
    assert titles(response) == ["Back pain", "Neck pain", "Heat therapy", "Massage"]


def test_shows_the_columns(admin_client, clinic):
    content = admin_client.get(reverse(REPORT)).content.decode()
    assert "Pages due for review" in content
    for heading in ("Title", "Type", "Last reviewed", "Reviewed by", "Next review due", "Status"):
        assert f">{heading}<" in content or f"{heading}\n" in content, heading
    edit_url = reverse("wagtailadmin_pages:edit", args=(clinic.back.pk,))
    assert f'href="{edit_url}"' in content
    assert "Condition page" in content
    assert "Host therapy page" in content
    assert f'<time datetime="{days(-40):%Y-%m-%d}">' in content
    assert f'<time datetime="{days(-400):%Y-%m-%d}">' in content
    assert "Dr Ana Ruiz, DC" in content
    assert "Overdue" in content
    assert "Due soon" in content


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("overdue", ["Back pain", "Neck pain"]),
        ("due_soon", ["Heat therapy", "Massage"]),
        ("scheduled", ["Back pain", "Neck pain", "Heat therapy", "Massage", "Sciatica"]),
        ("unscheduled", ["Ultrasound"]),
    ],
)
def test_filters_by_status(admin_client, clinic, status, expected):
    assert titles(admin_client.get(reverse(REPORT), {"status": status})) == expected


@override_settings(WAGTAIL_CONDITIONS={"REVIEW_DUE_SOON_DAYS": 5})
def test_due_soon_is_a_setting(admin_client, clinic):
    assert titles(admin_client.get(reverse(REPORT), {"status": "due_soon"})) == ["Heat therapy"]


def test_filters_by_page_type(admin_client, clinic):
    host_therapy = ContentType.objects.get_for_model(HOST.therapy._meta.model)
    response = admin_client.get(reverse(REPORT), {"content_type": host_therapy.pk})
    assert titles(response) == ["Heat therapy"]
    choices = [
        label for _value, label in response.context["filters"].form["content_type"].field.choices
    ]
    assert sorted(str(label) for label in choices[1:]) == [
        "Condition page",
        "Host condition page",
        "Host therapy page",
        "Therapy page",
    ]


def test_filters_by_reviewer(admin_client, clinic):
    response = admin_client.get(reverse(REPORT), {"reviewer": clinic.ana.pk, "status": "scheduled"})
    assert titles(response) == ["Back pain", "Heat therapy"]
    assert titles(admin_client.get(reverse(REPORT), {"reviewer": clinic.ben.pk})) == ["Massage"]


def test_says_when_nothing_is_due(admin_client, db):
    OURS.make_tree()
    content = admin_client.get(reverse(REPORT)).content.decode()
    assert "No pages are overdue for review or due in the next 30 days." in content


def test_results_fragment_for_the_filters(admin_client, clinic):
    response = admin_client.get(reverse(f"{REPORT}_results"), {"status": "overdue"})
    assert response.status_code == 200
    assert titles(response) == ["Back pain", "Neck pain"]


def test_a_page_of_results_costs_the_same_for_four_rows_as_for_twenty(admin_client, clinic):
    url = reverse(REPORT)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    reviewers = [Practitioner.objects.create(name=f"Reviewer {n}") for n in range(16)]
    for n, reviewer in enumerate(reviewers):
        OURS.condition(
            parent=clinic.ours.conditions,
            title=f"Overdue {n}",
            next_review_due=days(-n - 2),
            reviewed_by=reviewer,
        )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(titles(response)) == 20
    assert len(many) == len(few)


# --- Exports -----------------------------------------------------------------------------------


def test_exports_csv(admin_client, clinic):
    OURS.condition(parent=clinic.ours.conditions, title="=HYPERLINK(1)", next_review_due=days(-2))
    response = admin_client.get(reverse(REPORT), {"export": "csv"})
    assert response["Content-Type"] == "text/csv"
    assert (
        f'filename="pages-due-for-review-{today():%Y-%m-%d}.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Title",
        "Type",
        "Last reviewed",
        "Reviewed by",
        "Next review due",
        "Status",
        "Reading age",
        "Reading age band",
        "Sources",
    ]
    assert rows[1] == [
        "Back pain",
        "Condition page",
        f"{days(-400):%Y-%m-%d}",
        "Dr Ana Ruiz, DC",
        f"{days(-40):%Y-%m-%d}",
        "Overdue",
        "",  # its summary is too short to score (tests/readability/test_review_report.py)
        "",
        "",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Back pain",
        "'=HYPERLINK(1)",  # never evaluated by a spreadsheet
        "Neck pain",
        "Heat therapy",
        "Massage",
    ]
    assert rows[-1] == [
        "Massage",
        "Therapy page",
        "",
        "Ben Ode",
        f"{days(10):%Y-%m-%d}",
        "Due soon",
        "",
        "",
        "",
    ]


def test_exports_xlsx_with_the_filters(admin_client, clinic):
    response = admin_client.get(reverse(REPORT), {"export": "xlsx", "status": "due_soon"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Title",
        "Type",
        "Last reviewed",
        "Reviewed by",
        "Next review due",
        "Status",
    )
    assert rows[0][6:] == ("Reading age", "Reading age band", "Sources")
    assert [row[0] for row in rows[1:]] == ["Heat therapy", "Massage"]
    assert rows[1][1] == "Host therapy page"
    assert rows[1][3] == "Dr Ana Ruiz, DC"
    due = rows[1][4]  # a real date cell (openpyxl reads it back as a date or a datetime)
    assert (due.date() if isinstance(due, datetime.datetime) else due) == days(0)
    assert rows[1][5] == "Due soon"


# --- Who may see it ----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, clinic):
    response = client.get(reverse(REPORT))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_users_who_cannot_edit_pages_are_refused(client, clinic):
    client.force_login(make_user("admin-only", "wagtailadmin.access_admin"))
    response = client.get(reverse(REPORT))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    response = client.get(reverse(REPORT), {"export": "csv"})
    assert response.status_code == 302


def test_an_editor_sees_only_the_pages_they_can_edit(client, clinic):
    client.force_login(editor_of(clinic.host.conditions))
    assert titles(client.get(reverse(REPORT))) == ["Neck pain"]
    client.force_login(editor_of(clinic.ours.therapies))
    response = client.get(reverse(REPORT), {"status": "scheduled"})
    assert titles(response) == ["Massage"]


def test_an_editor_with_add_only_sees_their_own_pages(client, clinic):
    user = editor_of(clinic.ours.conditions, codename="add_page")
    clinic.back.owner = user
    clinic.back.save()
    client.force_login(user)
    assert titles(client.get(reverse(REPORT))) == ["Back pain"]


def menu_item():
    return next(
        item
        for item in (fn() for fn in hooks.get_hooks("register_reports_menu_item"))
        if item.name == "pages-due-for-review"
    )


def test_the_reports_menu_offers_it_to_editors_only(rf, clinic):
    item = menu_item()
    assert item.url == reverse(REPORT)
    request = rf.get("/admin/")
    request.user = make_user("admin-only", "wagtailadmin.access_admin")
    assert not item.is_shown(request)
    request.user = editor_of(clinic.ours.therapies)
    assert item.is_shown(request)


# --- The dashboard panel -----------------------------------------------------------------------


def review_panel(content):
    if 'id="medical-review-section"' not in content:
        return None
    return content.split('id="medical-review-section"')[1].split("</section>")[0]


def test_the_dashboard_counts_overdue_and_due_soon_pages(admin_client, clinic):
    panel = review_panel(admin_client.get(reverse("wagtailadmin_home")).content.decode())
    assert panel is not None
    assert "Medical review" in panel
    report = reverse(REPORT)
    assert f'<a href="{report}?status=overdue">2 pages are overdue for review</a>' in panel
    assert f'<a href="{report}?status=due_soon">2 pages are due for review within 30 days</a>' in (
        panel
    )
    assert f'href="{report}"' in panel


def test_the_dashboard_with_nothing_due(admin_client, db):
    OURS.make_tree()
    panel = review_panel(admin_client.get(reverse("wagtailadmin_home")).content.decode())
    assert "No pages are overdue for review or due in the next 30 days." in panel


def test_the_dashboard_counts_only_the_pages_the_user_can_edit(client, clinic):
    client.force_login(editor_of(clinic.host.therapies))
    panel = review_panel(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "1 page is due for review within 30 days" in panel
    assert "overdue" not in panel


def test_the_dashboard_hides_the_panel_from_users_who_cannot_edit_pages(client, clinic):
    client.force_login(make_user("admin-only", "wagtailadmin.access_admin"))
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert review_panel(content) is None


@pytest.mark.parametrize("kind", ["superuser", "editor"])
def test_the_panel_costs_the_same_queries_however_many_pages(
    rf, clinic, kind, django_assert_num_queries
):
    if kind == "superuser":
        user = make_user("super", superuser=True)
    else:
        user = editor_of(clinic.ours.conditions)
    review_pages.review_content_types()  # Django's content type cache, as after any request
    expected = 1 if kind == "superuser" else 2  # the counts; an editor's page permissions
    request = rf.get("/admin/")
    request.user = user
    with django_assert_num_queries(expected):
        context = ReviewPanel(request.user).get_context_data({"request": request})
    before = (context["overdue"], context["due_soon"])
    for n in range(10):
        OURS.condition(parent=clinic.ours.conditions, next_review_due=days(-n - 1))
    request.user = type(request.user).objects.get(pk=request.user.pk)  # no cached permissions
    with django_assert_num_queries(expected):
        context = ReviewPanel(request.user).get_context_data({"request": request})
    assert (context["overdue"], context["due_soon"]) == (before[0] + 10, before[1])
