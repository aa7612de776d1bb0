"""
CI runs the benchmark's quick mode (``benchmarks/bench.py --quick``): every query count of the
benchmark's pages, API, form and inbox is taken on PostgreSQL and must stay within its budget
(benchmarks/budgets.py), and an API listing's count must not depend on its number of pages.
The run takes about a minute, so it is marked slow (tox env ``slow``).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import wagtail

from benchmarks import bench
from benchmarks.budgets import BUDGETS
from tests.builders.servers import postgres_url

REPO = Path(__file__).resolve().parents[2]


def test_a_count_over_its_budget_fails_with_its_name_the_count_and_the_budget():
    assert bench.over_budget("page render", 13, 13) is None
    assert bench.over_budget("page render", 2, None) is None
    message = bench.over_budget("page render", 15, 13)
    assert message.startswith(
        "QUERY BUDGET EXCEEDED: page render costs 15 queries, 2 over its budget of 13"
    )
    assert "(benchmarks/budgets.py)" in message


def test_a_listing_whose_queries_grow_with_its_pages_fails():
    assert bench.grows_with_n("API v2 listing", {1: 12, 20: 12, 50: 12}) is None
    assert bench.grows_with_n("API v2 listing", {1: 12, 20: 31, 50: 61}) == (
        "QUERIES GROW WITH N: API v2 listing costs 12 at N = 1, 31 at N = 20, 61 at N = 50; "
        "a listing's count must not depend on N."
    )


def _postgres_problem(url):
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL did not answer ({type(error).__name__})"
    return None


@pytest.mark.slow
def test_quick_mode_counts_every_figure_within_its_budget_on_postgresql():
    url = postgres_url()
    problem = _postgres_problem(url)
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem}; CI runs the benchmark's quick mode on PostgreSQL")
        pytest.skip(f"{problem}; the budgets are PostgreSQL's")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    } | {
        "BENCH_POSTGRES_URL": url,
        # A database of this test's own, whichever xdist worker runs it (dropped at the end).
        "BENCH_DATABASE_NAME": f"wc_bench_quick_{worker}_{os.getpid()}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quick"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout
    assert result.returncode == 0, output + result.stderr[-3000:]
    assert "database: PostgreSQL" in output
    expected = [name for name in BUDGETS if wagtail.VERSION >= (8,) or "v3" not in name]
    for name in expected:
        # "name  13/5  (budget 13)", "inbox list 200/100  12/12  (budget 12)" or
        # "API v2 listing queries at N = 1/20/50: 12/12/12  (budget 12)".
        figure = re.search(
            rf"^{re.escape(name)}(?: queries at N = [\d/]+:| [\d,]+/100)? +(\d+)(?:/\d+)*"
            rf"  \(budget (\d+)\)$",
            output,
            re.M,
        )
        assert figure, f"no query count for {name!r} in:\n{output}"
        assert int(figure.group(1)) <= int(figure.group(2))
    assert "EXCEEDED" not in output and "GROW" not in output
