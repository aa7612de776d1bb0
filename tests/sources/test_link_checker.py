"""
The source link checker against a local website (never the internet): a working page, a page
that moved, one that redirects to a private address, a missing page, one that hangs; HEAD then
GET; a polite User-Agent; its concurrency bounded by the setting; and the results recorded per
address, by the command and the task, for the addresses live pages cite.
"""

import socket
import time
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from tests.builders.api import block, source_value
from tests.builders.pages import on_each_page_set
from wagtail_conditions import __version__
from wagtail_conditions.models import SourceLinkCheck
from wagtail_conditions.sources import checker, links
from wagtail_conditions.sources.checker import Result
from wagtail_conditions.sources.tasks import check_source_links

pytestmark = pytest.mark.usefixtures("checker_settings")


def test_a_working_page_is_ok(source_site):
    assert checker.check(source_site.url("/ok")) == Result("ok", 200)
    assert [method for method, _path, _agent in source_site.requests] == ["HEAD"]


def test_a_page_refusing_head_is_asked_with_get(source_site):
    assert checker.check(source_site.url("/head-refused")) == Result("ok", 200)
    assert [(m, p) for m, p, _a in source_site.requests] == [
        ("HEAD", "/head-refused"),
        ("GET", "/head-refused"),
    ]


def test_a_missing_page_is_broken(source_site):
    assert checker.check(source_site.url("/gone")) == Result("broken", 404, "", "HTTP 404")


def test_a_server_error_is_unreachable_for_now(source_site):
    assert checker.check(source_site.url("/busy")) == Result("unreachable", 503, "", "HTTP 503")


def test_a_redirect_is_recorded_as_moved_with_its_target(source_site):
    assert checker.check(source_site.url("/moved")) == Result("moved", 301, source_site.url("/ok"))


def test_a_redirect_to_a_missing_page_is_broken(source_site):
    assert checker.check(source_site.url("/moved-then-gone")) == Result(
        "broken", 308, source_site.url("/gone"), "HTTP 404"
    )


@pytest.mark.parametrize(
    ("path", "target", "address"),
    [
        ("/to-private", "http://10.0.0.7/admin", "10.0.0.7"),
        ("/to-metadata", "http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused_and_never_asked(
    source_site, path, target, address
):
    real_connect = socket.create_connection
    with mock.patch.object(socket, "create_connection", side_effect=real_connect) as connect:
        result = checker.check(source_site.url(path))
    assert result == Result(
        "refused",
        301 if path == "/to-private" else 302,
        target,
        f"redirects to a refused address: address not public ({address})",
    )
    assert [call.args[0][0] for call in connect.call_args_list] == ["127.0.0.1"]  # never there


def test_an_address_resolving_to_a_private_address_is_refused():
    with mock.patch.object(checker, "_resolve", return_value=["93.184.215.14", "10.0.0.1"]):
        result = checker.check("https://rebinding.example/page")
    assert result == Result("refused", None, "", "refused: address not public (10.0.0.1)")


def test_loopback_needs_the_setting(source_site, settings):
    settings.WAGTAIL_CONDITIONS = {}
    result = checker.check(source_site.url("/ok"))
    assert result.status == "refused"
    assert source_site.requests == []


def test_a_page_that_hangs_times_out(source_site):
    started = time.monotonic()
    result = checker.check(source_site.url("/hang"))
    assert result == Result("unreachable", None, "", "timed out")
    assert time.monotonic() - started < 2.5  # SOURCES_CHECK_TIMEOUT is 1 s here


def test_a_redirect_loop_gives_up(source_site):
    result = checker.check(source_site.url("/loop"))
    assert (result.status, result.error) == ("broken", "too many redirects")
    assert len(source_site.requests) == 6  # the address and SOURCES_CHECK_MAX_REDIRECTS (5)


def test_nothing_listens_is_unreachable(source_site):
    url = source_site.url("/ok")
    source_site.stop()
    assert checker.check(url).status == "unreachable"


def test_the_user_agent_names_the_package_and_the_site(source_site):
    agent = checker.user_agent("https://clinic.example")
    assert agent == f"wagtail-conditions/{__version__} source link checker; +https://clinic.example"
    checker.check(source_site.url("/ok"), agent)
    assert source_site.requests[0][2] == agent


def test_a_doi_that_resolves_is_working_not_moved(source_site):
    with mock.patch.object(checker, "RESOLVER_HOSTS", {"127.0.0.1"}):
        assert checker.check(source_site.url("/moved")) == Result("ok", 301, source_site.url("/ok"))


def test_concurrency_is_bounded_by_the_setting(source_site, db):
    urls = [source_site.url(f"/slow/{number}") for number in range(6)]
    started = time.monotonic()
    counts = links.check_all(urls)
    assert counts == {"ok": 6}
    assert source_site.most_in_flight == 2  # SOURCES_CHECK_CONCURRENCY
    # Two at a time: three rounds of 0.3 s, not one, nor six.
    assert 0.85 < time.monotonic() - started < 1.8


# --- The addresses of live pages, the command and the task -----------------------------------


@pytest.fixture
def cited(page_set, source_site, db):
    tree = page_set.make_tree()
    page_set.condition(
        parent=tree.conditions,
        title="Cramps",
        slug="cramps",
        sources=[
            block("source", source_value(url=source_site.url("/ok"))),
            block("source", source_value(url=source_site.url("/gone"))),
        ],
    )
    page_set.therapy(
        parent=tree.therapies,
        title="Stretching",
        slug="stretching",
        sources=[
            block("source", source_value(url=source_site.url("/moved"))),
            block("source", source_value(url=source_site.url("/ok"))),  # the same address
        ],
    )
    draft = page_set.therapy(
        parent=tree.therapies,
        title="Draft",
        slug="draft",
        sources=[block("source", source_value(url=source_site.url("/hang")))],
    )
    draft.unpublish()
    return tree


@on_each_page_set
def test_each_distinct_address_of_live_pages_is_checked_once(cited, source_site, page_set):
    assert links.cited_urls() == sorted(
        [source_site.url("/gone"), source_site.url("/moved"), source_site.url("/ok")]
    )


@on_each_page_set
def test_the_command_records_each_address(cited, source_site, page_set):
    SourceLinkCheck.objects.create(
        url="https://no-longer.example/", status="ok", checked_at="2026-01-01T00:00Z"
    )
    out = StringIO()
    call_command("check_sources", stdout=out)
    assert out.getvalue().strip() == "Checked 3 source addresses. Working: 1, Moved: 1, Broken: 1."
    rows = {row.url: row for row in SourceLinkCheck.objects.all()}
    assert set(rows) == set(links.cited_urls())  # the address no page cites is gone
    moved = rows[source_site.url("/moved")]
    assert (moved.status, moved.status_code, moved.final_url) == (
        "moved",
        301,
        source_site.url("/ok"),
    )
    assert (rows[source_site.url("/gone")].status, rows[source_site.url("/gone")].error) == (
        "broken",
        "HTTP 404",
    )
    # Checked again: updated in place.
    call_command("check_sources", stdout=StringIO())
    assert SourceLinkCheck.objects.count() == 3


def test_the_command_checks_one_address_and_keeps_the_others(source_site, db):
    SourceLinkCheck.objects.create(
        url="https://kept.example/", status="ok", checked_at="2026-01-01T00:00Z"
    )
    call_command("check_sources", url=[source_site.url("/gone")], stdout=StringIO())
    assert set(SourceLinkCheck.objects.values_list("url", "status")) == {
        ("https://kept.example/", "ok"),
        (source_site.url("/gone"), "broken"),
    }


@on_each_page_set
def test_the_task_runs_the_check(cited, source_site, page_set):
    result = check_source_links.enqueue()  # the immediate backend runs it now
    assert result.return_value == {"ok": 1, "moved": 1, "broken": 1}
    assert SourceLinkCheck.objects.count() == 3


def test_the_command_can_queue_the_task(db):
    out = StringIO()
    command = "wagtail_conditions.management.commands.check_sources.check_source_links"
    with mock.patch(command) as task:
        call_command("check_sources", enqueue=True, stdout=out)
    task.enqueue.assert_called_once_with()
    assert out.getvalue().strip() == "Queued the source link check."
