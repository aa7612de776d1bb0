"""
The inbox at scale: a list page costs the same queries however many requests there are, counts
them once (one GROUP BY on the status index), offers filter values without a DISTINCT over the
table, caches the menu badge briefly (failing open), and searches through trigram indexes on
PostgreSQL.
"""

from unittest import mock

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from tests.builders.inbox import inbox_url
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import actions, counts
from wagtail_conditions.inbox.modeladmin.filters import distinct_values
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

TABLE = AppointmentRequest._meta.db_table


def make_requests(count, **kwargs):
    statuses = ["new", "contacted", "booked", "closed", "spam"]
    topics = ["Back pain", "Neck pain", ""]
    return [
        AppointmentRequestFactory(status=statuses[number % 5], topic=topics[number % 3], **kwargs)
        for number in range(count)
    ]


def list_queries(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries], response


def on_requests_table(queries):
    return [sql for sql in queries if TABLE in sql]


@pytest.mark.parametrize(
    # Every query matches rows in both cases: a search that finds nothing skips queries, and
    # the factory's names and addresses depend on how many tests ran before.
    "query", ["", "?q=Patient", "?status__exact=spam", "?topic=Back+pain"], ids=repr
)
def test_a_list_page_costs_the_same_queries_for_5_or_60_requests(superuser_client, query):
    url = inbox_url("index") + query
    make_requests(5)
    few, _response = list_queries(superuser_client, url)
    make_requests(55)
    many, _response = list_queries(superuser_client, url)
    assert len(many) == len(few), "\n".join(many)


def test_the_default_list_counts_once_and_never_distinct(superuser_client):
    make_requests(12)
    queries, response = list_queries(superuser_client, inbox_url("index"))
    ours = on_requests_table(queries)
    assert not [sql for sql in ours if "DISTINCT" in sql.upper()], ours
    counting = [sql for sql in ours if "COUNT(" in sql.upper()]
    assert len(counting) == 1 and "GROUP BY" in counting[0], counting
    # 12 requests, 2 of them spam: the list shows the other 10, out of 12, and "Spam (2)".
    assert response.context["result_count"] == 10
    assert response.context["all_count"] == 12
    assert "Spam (2)" in response.content.decode()


def test_a_search_adds_one_count_of_its_results(superuser_client):
    make_requests(12)
    queries, response = list_queries(superuser_client, inbox_url("index") + "?q=Patient")
    counting = [sql for sql in on_requests_table(queries) if "COUNT(" in sql.upper()]
    assert len(counting) == 2, counting
    assert response.context["result_count"] == 10


def test_a_status_list_is_counted_by_the_status_query(superuser_client):
    make_requests(12)
    _queries, response = list_queries(superuser_client, inbox_url("index") + "?status__exact=spam")
    assert response.context["result_count"] == 2
    assert len(response.context["object_list"]) == 2


def test_filter_values_are_those_a_distinct_would_give(site_tree):
    make_requests(7, source_page=site_tree.conditions)
    make_requests(2, source_page=site_tree.therapies)
    make_requests(1, source_page=None)
    for field, column in (("topic", "topic"), ("source_page", "source_page_id")):
        expected = list(
            AppointmentRequest.objects.exclude(**{f"{column}__isnull": True})
            .order_by(column)
            .values_list(column, flat=True)
            .distinct()
        )
        assert distinct_values(AppointmentRequest, field) == expected


def test_the_menu_badge_is_counted_once_then_cached(rf, django_assert_num_queries):
    make_requests(10)  # 2 new
    assert counts.new_request_count() == 2
    AppointmentRequestFactory(status="new")
    with django_assert_num_queries(0):
        assert counts.new_request_count() == 2  # Until the cache expires.


def test_staff_status_changes_and_deletions_refresh_the_badge(superuser_client):
    made = make_requests(10)
    assert counts.new_request_count() == 2
    new = [request for request in made if request.status == "new"]
    actions.change_status(
        AppointmentRequest.objects.filter(pk=new[0].pk), "contacted", user=superuser_client.user
    )
    assert counts.new_request_count() == 1
    actions.delete_request(new[1], user=superuser_client.user)
    assert counts.new_request_count() == 0


def test_the_badge_fails_open_when_the_cache_fails():
    make_requests(10)
    broken = mock.Mock(side_effect=ConnectionError("cache down"))
    with (
        mock.patch.object(counts.cache, "get", broken),
        mock.patch.object(counts.cache, "set", broken),
        mock.patch.object(counts.cache, "delete", broken),
    ):
        assert counts.new_request_count() == 2
        counts.forget_counts()


# --- PostgreSQL: the indexes the plans use -----------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="trigram indexes exist on PostgreSQL only (SQLite keeps the plain scan)",
)


def plan(queryset):
    """The plan of ``queryset`` with sequential scans made a last resort, so that a test table
    of a few rows shows which indexes the planner can use, as it would on a large one."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.postgres
@postgres_only
def test_search_uses_the_trigram_indexes():
    make_requests(20)
    term = "atient 1"
    searched = AppointmentRequest.objects.filter(
        Q(name__icontains=term) | Q(email__icontains=term) | Q(phone__icontains=term)
    )
    # Unordered, as the search's COUNT is (a page of results may walk the order's index).
    explained = plan(searched.order_by())
    for index in ("wc_appt_name_trgm", "wc_appt_email_trgm", "wc_appt_phone_trgm"):
        assert index in explained, explained


@pytest.mark.postgres
@postgres_only
def test_the_default_order_is_read_off_its_index():
    make_requests(20)
    newest = AppointmentRequest.objects.exclude(status="spam").order_by("-created_at", "-pk")[:50]
    explained = plan(newest)
    assert "wc_appt_created_id" in explained, explained
    assert "Sort" not in explained.split("Index")[0], explained
