"""
Benchmarks: what our pages, API, form and inbox cost, as ratios against a reference that
carries the same content, measured in the same run on the same machine.

    make bench                      # or: python benchmarks/bench.py [--rounds N] [--rows N]
    python benchmarks/bench.py --quick    # query counts only (CI): exits 1 if a count grew
                                          # past its budget, naming it, or a listing's count
                                          # depends on its number of pages

The database is PostgreSQL when one answers at ``BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432/postgres): the benchmark creates a database of its own there
and drops it at the end. Otherwise an SQLite file in a temporary directory. It says which.

Each figure is the median over interleaved rounds (ours, reference, ours, reference, ...), so
load from other processes falls on both sides alike. The references:

- page render, API v2/v3 detail: the demo's "Muscle spasms" condition page against a plain
  Wagtail page whose one rich text body holds the same text (benchmarks/refapp);
- API v2 listing: 20 such condition pages against 20 such plain pages, ``fields=*``; and the
  queries of the API v2 and v3 listings of 1, 20 and 50 condition pages, which must be equal;
- appointment POST: Wagtail's own form page (wagtail.contrib.forms) asking the same questions,
  and a bare ``AppointmentRequest.objects.create``; the POST and the thank-you page a browser
  is sent to by its 303, against the form page's POST (which renders its landing page);
- inbox list and search at ``--rows`` requests: the same views at 100 requests, timed first
  (the only figure not interleaved: one database holds one inbox at a time);
- CSV export: rows per second and the growth of peak RSS while streaming every row; XLSX
  export: rows per second.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# BENCH_DATABASE_NAME: a name of the caller's (tests/project/test_benchmarks.py, one per worker).
NAME = os.environ.get("BENCH_DATABASE_NAME") or f"wc_bench_{os.getpid()}"


def choose_database():
    """(description, DATABASE_URL, cleanup) for PostgreSQL if it answers, else SQLite."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{NAME}"')
    except Exception as error:  # noqa: BLE001  (no driver, no server: fall back)
        folder = tempfile.mkdtemp(prefix="wc-bench-")
        reason = f"PostgreSQL unavailable: {type(error).__name__}"
        return f"SQLite ({reason})", f"sqlite:///{folder}/bench.sqlite3", lambda: None

    def drop():
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')

    return "PostgreSQL", f"{POSTGRES_URL.rsplit('/', 1)[0]}/{NAME}", drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per figure")
    parser.add_argument("--rows", type=int, default=100_000, help="requests in the inbox")
    parser.add_argument("--quick", action="store_true", help="query counts only")
    args = parser.parse_args()

    description, url, cleanup = choose_database()
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    try:
        return run(args, description)
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


def run(args, description):
    import django

    django.setup()
    from benchmarks import cases

    cases.configure()
    print(f"database: {description}")
    print(
        f"wagtail {django.apps.apps.get_app_config('wagtailcore').module.__version__}, "
        f"django {django.get_version()}, python {sys.version.split()[0]}"
    )
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    rows = 200 if args.quick else args.rows
    content = cases.build(rows)
    pairs = cases.pairs(content)

    print(f"\n{'name':<32}{'ours':>11}{'reference':>12}{'ratio':>8}  queries(ours/ref)")
    failures = []
    for name, ours, reference, budget in pairs:
        ours(), reference()  # counted warm: a "warm" row's first call fills the render cache
        ours_queries, reference_queries = cases.count_queries(ours), cases.count_queries(reference)
        failures.append(over_budget(name, ours_queries, budget))
        if args.quick:
            print(f"{name:<32}{'':>31}  {ours_queries}/{reference_queries}{budget_note(budget)}")
            continue
        ours_time, reference_time = interleaved(ours, reference, args.rounds)
        print(
            f"{name:<32}{ours_time * 1000:>9.1f}ms{reference_time * 1000:>10.1f}ms"
            f"{ours_time / reference_time:>8.2f}  {ours_queries}/{reference_queries}"
        )
    for name, counts in cases.listing_counts(content):
        budget = cases.BUDGETS.get(name)
        sizes = "/".join(str(size) for size in counts)
        queries = "/".join(str(count) for count in counts.values())
        print(f"{name} queries at N = {sizes}: {queries}{budget_note(budget)}")
        failures.append(over_budget(f"{name} of {max(counts)}", max(counts.values()), budget))
        failures.append(grows_with_n(name, counts))
    small = {}
    for name, view in cases.inbox_views(content):
        small[name] = (cases.count_queries(view), median_time(view, args.rounds))
    cases.grow(rows)
    for name, view in cases.inbox_views(content):
        reference_queries, reference_time = small[name]
        label = f"{name} {rows:,}/100"
        queries = cases.count_queries(view)
        budget = cases.BUDGETS.get(name)
        failures.append(over_budget(label, queries, budget))
        if args.quick:
            print(f"{label:<32}{'':>31}  {queries}/{reference_queries}{budget_note(budget)}")
            continue
        ours_time = median_time(view, args.rounds)
        print(
            f"{label:<32}{ours_time * 1000:>9.1f}ms{reference_time * 1000:>10.1f}ms"
            f"{ours_time / reference_time:>8.2f}  {queries}/{reference_queries}  (sequential)"
        )
    if not args.quick:
        rate, growth = cases.csv_export(content)
        print(f"\nCSV export of {rows:,} rows: {rate:,.0f} rows/s, peak RSS growth {growth:.1f} MB")
        print(f"XLSX export of {rows:,} rows: {cases.xlsx_export(content):,.0f} rows/s")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    failures = [failure for failure in failures if failure]
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def budget_note(budget):
    return "" if budget is None else f"  (budget {budget})"


def over_budget(name, queries, budget):
    """The line the run fails with when ``name`` costs more queries than its budget."""
    if budget is None or queries <= budget:
        return None
    return (
        f"QUERY BUDGET EXCEEDED: {name} costs {queries} queries, {queries - budget} over its "
        f"budget of {budget} (benchmarks/budgets.py). Find the queries that were "
        "added, or raise the budget in the same change and say why."
    )


def grows_with_n(name, counts):
    """The line the run fails with when a listing's query count depends on its page count."""
    if len(set(counts.values())) <= 1:
        return None
    found = ", ".join(f"{count} at N = {size}" for size, count in counts.items())
    return f"QUERIES GROW WITH N: {name} costs {found}; a listing's count must not depend on N."


def median_time(function, rounds):
    from benchmarks import cases

    function()
    samples = []
    for _ in range(rounds):
        cases.prepare(function)
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def interleaved(ours, reference, rounds):
    """Median seconds of each over ``rounds`` rounds of ours-then-reference, after a warm-up
    (what a side needs before each run, ``cases.prepare``, is left out of its time)."""
    from benchmarks import cases

    ours(), reference()
    ours_samples, reference_samples = [], []
    for _ in range(rounds):
        for function, samples in ((ours, ours_samples), (reference, reference_samples)):
            cases.prepare(function)
            start = time.perf_counter()
            function()
            samples.append(time.perf_counter() - start)
    return statistics.median(ours_samples), statistics.median(reference_samples)


if __name__ == "__main__":
    sys.exit(main())
