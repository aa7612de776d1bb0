"""
Sources in the "Pages due for review" report: a column counting each page's sources, those
not checked within ``SOURCES_CHECK_INTERVAL_DAYS`` and those whose link the checker found moved
or broken; a filter by them that lists pages whatever their review date; the exports; a cost
that does not grow with the pages.
"""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.builders.api import block, source_value
from tests.builders.pages import HOST, OURS
from wagtail_conditions.models import SourceLinkCheck
from wagtail_conditions.reviews.schedule import today

pytestmark = pytest.mark.django_db

REPORT = "wagtail_conditions_reviews:report"


def days(n):
    return today() + datetime.timedelta(days=n)


def source(url, checked_days_ago, title="A source"):
    return block(
        "source",
        source_value(title=title, url=url, last_checked=f"{days(-checked_days_ago):%Y-%m-%d}"),
    )


@pytest.fixture
def clinic(db):
    ours, host = OURS.make_tree(), HOST.make_tree()
    later = days(200)  # no page is due for review: only the sources bring them up
    pages = {
        "fresh": OURS.condition(
            parent=ours.conditions,
            title="Fresh",
            next_review_due=later,
            sources=[source("https://fresh.example/", 10)],
        ),
        "stale": OURS.therapy(
            parent=ours.therapies,
            title="Stale",
            next_review_due=later,
            sources=[source("https://ok.example/", 10), source("https://old.example/", 400)],
        ),
        "moved": HOST.condition(
            parent=host.conditions,
            title="Moved",
            next_review_due=later,
            sources=[source("https://fresh.example/", 1), source("https://moved.example/", 1, "B")],
        ),
        "none": OURS.condition(parent=ours.conditions, title="No sources", next_review_due=later),
    }
    now = timezone.now()
    SourceLinkCheck.objects.create(url="https://fresh.example/", status="ok", checked_at=now)
    SourceLinkCheck.objects.create(
        url="https://moved.example/",
        status="moved",
        status_code=301,
        final_url="https://new.example/page",
        checked_at=now,
    )
    return pages


def titles(response):
    return [page.title for page in response.context["object_list"]]


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ("attention", ["Moved", "Stale"]),
        ("check_due", ["Stale"]),
        ("link_problems", ["Moved"]),
    ],
)
def test_filters_pages_by_their_sources_whatever_their_review_date(
    admin_client, clinic, sources, expected
):
    response = admin_client.get(reverse(REPORT), {"sources": sources})
    assert sorted(titles(response)) == expected


def test_the_review_status_still_narrows_the_sources_filter(admin_client, clinic):
    response = admin_client.get(reverse(REPORT), {"sources": "attention", "status": "overdue"})
    assert titles(response) == []


def test_the_interval_is_a_setting(admin_client, clinic, settings):
    settings.WAGTAIL_CONDITIONS = {"RENDER_CACHE": False, "SOURCES_CHECK_INTERVAL_DAYS": 5}
    response = admin_client.get(reverse(REPORT), {"sources": "check_due"})
    assert sorted(titles(response)) == ["Fresh", "Stale"]


def test_the_column_says_what_needs_attention(admin_client, clinic):
    response = admin_client.get(reverse(REPORT), {"sources": "attention"})
    html = response.content.decode()
    assert re.search(r"<th[^>]*>\s*Sources\s*</th>", html)
    rows = {page.title: page.sources_summary for page in response.context["object_list"]}
    assert (rows["Stale"].count, rows["Stale"].check_due, rows["Stale"].problems) == (2, 1, [])
    moved = rows["Moved"].problems
    assert [(p.number, p.title, p.check.status) for p in moved] == [(2, "B", "moved")]
    assert "1 not checked in time" in html
    assert '[2] Moved</span> → <a href="https://new.example/page"' in html


def test_exports_the_sources_summary(admin_client, clinic):
    response = admin_client.get(reverse(REPORT), {"export": "csv", "sources": "attention"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "Sources"
    assert {row[0]: row[-1] for row in rows[1:]} == {
        "Moved": "2 sources; [2] Moved",
        "Stale": "2 sources; 1 not checked in time",
    }


def test_the_filter_and_column_cost_the_same_for_few_pages_as_for_many(admin_client, clinic):
    url = reverse(REPORT)
    params = {"sources": "attention"}
    admin_client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, params)
    for n in range(12):
        OURS.condition(
            parent=clinic["fresh"].get_parent(),
            title=f"Stale {n}",
            next_review_due=days(200),
            sources=[source(f"https://stale-{n}.example/", 500)],
        )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url, params)
    assert len(titles(response)) == 14
    assert len(many) == len(few)
