"""
Medical review on condition and therapy pages, ours and a host's (``tests/testapp``): the next
review falls due a configurable interval after the last one unless the editor sets it, it can
never come before the last review, and the page shows both dates and the reviewer as NHS.UK
pages do.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders.pages import condition_form_data, on_each_page_set, rolled_back
from wagtail_conditions.models import Practitioner
from wagtail_conditions.reviews import schedule

pytestmark = [pytest.mark.django_db, on_each_page_set]

MARCH_3 = datetime.date(2026, 3, 3)


@pytest.fixture(scope="module")
def shared(page_set, module_transaction, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield SimpleNamespace(tree=page_set.make_tree())


@pytest.fixture
def tree(shared, db):
    return shared.tree


@pytest.fixture
def ana(db):
    return Practitioner.objects.create(name="Dr Ana Ruiz", credentials="DC")


def make_pages(page_set, tree, **fields):
    """A condition and a therapy with ``fields``."""
    return [
        page_set.condition(parent=tree.conditions, **fields),
        page_set.therapy(parent=tree.therapies, **fields),
    ]


# --- The next review date ----------------------------------------------------------------------


def test_next_review_defaults_to_a_year_after_the_last(page_set, tree):
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3):
        page.refresh_from_db()
        assert page.next_review_due == datetime.date(2027, 3, 3), type(page).__name__


@override_settings(WAGTAIL_CONDITIONS={"REVIEW_INTERVAL_DAYS": 90})
def test_the_interval_is_a_setting(page_set, tree):
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3):
        page.refresh_from_db()
        assert page.next_review_due == datetime.date(2026, 6, 1)


@override_settings(WAGTAIL_CONDITIONS={"REVIEW_INTERVAL_DAYS": None})
def test_no_interval_leaves_the_next_review_empty(page_set, tree):
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3):
        page.refresh_from_db()
        assert page.next_review_due is None


def test_a_date_the_editor_set_is_kept(page_set, tree):
    due = datetime.date(2026, 9, 1)
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3, next_review_due=due):
        page.refresh_from_db()
        assert page.next_review_due == due


def test_no_last_review_gives_no_default(page_set, tree):
    for page in make_pages(page_set, tree):
        page.refresh_from_db()
        assert page.last_reviewed is None
        assert page.next_review_due is None


def test_a_draft_gets_the_default_too(page_set, tree):
    # Wagtail saves a draft without full_clean(); the page's save() applies the default.
    page = page_set.condition(parent=tree.conditions, live=False)
    page.last_reviewed = MARCH_3
    page.save()
    page.refresh_from_db()
    assert page.next_review_due == datetime.date(2027, 3, 3)


def test_clean_applies_the_default_before_saving(page_set, tree):
    page = page_set.condition(parent=tree.conditions)
    page.last_reviewed = MARCH_3
    page.full_clean()
    assert page.next_review_due == datetime.date(2027, 3, 3)


# --- The order of the two dates ----------------------------------------------------------------


def test_next_review_before_the_last_is_an_error_on_the_field(page_set, tree):
    for page in make_pages(page_set, tree):
        page.last_reviewed = MARCH_3
        page.next_review_due = datetime.date(2026, 3, 2)
        with pytest.raises(ValidationError) as raised:
            page.full_clean()
        assert raised.value.message_dict == {
            "next_review_due": ["The next review cannot be due before the last review."]
        }


def test_the_order_is_not_checked_when_a_form_leaves_the_field_out(page_set, tree):
    # Django could not show the error on a field its form does not have.
    page = page_set.condition(parent=tree.conditions)
    page.last_reviewed = MARCH_3
    page.next_review_due = datetime.date(2026, 3, 2)
    page.full_clean(exclude=["next_review_due"])


def test_the_order_is_checked_with_the_other_fields(page_set, tree):
    page = page_set.condition(parent=tree.conditions)
    page.title = ""
    page.last_reviewed = MARCH_3
    page.next_review_due = datetime.date(2026, 3, 2)
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert {"title", "next_review_due"} <= set(raised.value.message_dict)


def test_next_review_on_the_day_of_the_last_is_accepted(page_set, tree):
    page = page_set.therapy(parent=tree.therapies)
    page.last_reviewed = page.next_review_due = MARCH_3
    page.full_clean()


def test_the_admin_shows_the_error_under_the_field_and_saves_nothing(page_set, tree, admin_client):
    model = page_set.condition._meta.model
    url = reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, tree.conditions.pk),
    )
    data = condition_form_data(last_reviewed="2026-03-03", next_review_due="2026-01-01")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["next_review_due"] == [
        "The next review cannot be due before the last review."
    ]
    assert not model.objects.filter(slug="muscle-spasms").exists()


def test_the_admin_form_sets_the_default(page_set, tree, admin_client):
    model = page_set.condition._meta.model
    url = reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, tree.conditions.pk),
    )
    data = condition_form_data(last_reviewed="2026-03-03", next_review_due="")
    data["action-publish"] = "action-publish"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page = model.objects.get(slug="muscle-spasms")
    assert page.next_review_due == datetime.date(2027, 3, 3)


def test_the_help_text_names_the_interval(page_set, tree, admin_client):
    model = page_set.therapy._meta.model
    url = reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, tree.therapies.pk),
    )
    content = admin_client.get(url).content.decode()
    assert "Leave it empty to set it 365 days after the last review." in content
    with override_settings(WAGTAIL_CONDITIONS={"REVIEW_INTERVAL_DAYS": 1}):
        content = admin_client.get(url).content.decode()
    assert "Leave it empty to set it 1 day after the last review." in content


# --- Shown on the page -------------------------------------------------------------------------


def review_block(content):
    if 'class="wc-review"' not in content:
        return None
    return content.split('class="wc-review"')[1].split("</div>")[0]


def test_the_page_shows_both_dates(page_set, tree, client):
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3):
        block = review_block(client.get(page.url).content.decode())
        assert block is not None, type(page).__name__
        assert (
            'Page last reviewed: <time datetime="2026-03-03">3 March 2026</time> '
            '<span aria-hidden="true">·</span> '
            'Next review due: <time datetime="2027-03-03">3 March 2027</time>'
        ) in block
        assert "Reviewed by" not in block


def test_the_page_names_the_reviewer(page_set, tree, client, ana):
    for page in make_pages(page_set, tree, last_reviewed=MARCH_3, reviewed_by=ana):
        block = review_block(client.get(page.url).content.decode())
        assert '<p class="wc-review__by">Reviewed by Dr Ana Ruiz, DC</p>' in block


def test_a_page_without_dates_shows_nothing_even_with_a_reviewer(page_set, tree, client, ana):
    for page in make_pages(page_set, tree, reviewed_by=ana):
        content = client.get(page.url).content.decode()
        assert review_block(content) is None
        assert "Page last reviewed" not in content
        assert "Reviewed by" not in content


@override_settings(WAGTAIL_CONDITIONS={"REVIEW_INTERVAL_DAYS": None})
def test_a_last_review_alone_shows_alone(page_set, tree, client):
    page = page_set.therapy(parent=tree.therapies, last_reviewed=MARCH_3)
    block = review_block(client.get(page.url).content.decode())
    assert 'Page last reviewed: <time datetime="2026-03-03">3 March 2026</time></p>' in block
    assert "Next review due" not in block
    assert "·" not in block


def test_a_next_review_alone_shows_alone(page_set, tree, client):
    page = page_set.condition(parent=tree.conditions, next_review_due=MARCH_3)
    block = review_block(client.get(page.url).content.decode())
    assert '">Next review due: <time datetime="2026-03-03">3 March 2026</time></p>' in block
    assert "last reviewed" not in block


def test_the_reviewer_costs_one_query_only_when_set(page_set, tree, client, ana):
    without = page_set.condition(parent=tree.conditions, last_reviewed=MARCH_3)
    with_reviewer = page_set.condition(
        parent=tree.conditions, last_reviewed=MARCH_3, reviewed_by=ana
    )
    counts = []
    for page in (without, with_reviewer):
        client.get(page.url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            client.get(page.url)
        counts.append(len(queries))
    assert counts[1] == counts[0] + 1


# --- The status the report and the dashboard use ------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "status"),
    [
        (None, schedule.ReviewStatus.UNSCHEDULED),
        (-1, schedule.ReviewStatus.OVERDUE),
        (0, schedule.ReviewStatus.DUE_SOON),
        (30, schedule.ReviewStatus.DUE_SOON),
        (31, schedule.ReviewStatus.SCHEDULED),
    ],
)
def test_review_status_on_a_day(offset, status, page_set):
    day = datetime.date(2026, 11, 30)
    due = None if offset is None else day + datetime.timedelta(days=offset)
    assert schedule.review_status(due, day) == status
