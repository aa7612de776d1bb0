"""
Benchmarks: what our pages, API, form and inbox cost, as ratios against a reference that
carries the same content, measured in the same run on the same machine.

    make bench                      # or: python benchmarks/bench.py [--rounds N] [--rows N]
    python benchmarks/bench.py --quick    # query counts only (CI): exits 1 if a count grew

The database is PostgreSQL when one answers at ``BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432/postgres): the benchmark creates a database of its own there
and drops it at the end. Otherwise an SQLite file in a temporary directory. It says which.

Each figure is the median over interleaved rounds (ours, reference, ours, reference, ...), so
load from other processes falls on both sides alike. The references:

- page render, API v2/v3 detail: the demo's "Muscle spasms" condition page against a plain
  Wagtail page whose one rich text body holds the same text (benchmarks/refapp);
- API v2 listing: 20 such condition pages against 20 such plain pages, ``fields=*``;
- appointment POST: Wagtail's own form page (wagtail.contrib.forms) asking the same questions,
  and a bare ``AppointmentRequest.objects.create``;
- inbox list and search at ``--rows`` requests: the same views at 100 requests, timed first
  (the only figure not interleaved: one database holds one inbox at a time);
- CSV export: rows per second and the growth of peak RSS while streaming every row.
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
NAME = f"wc_bench_{os.getpid()}"


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

    print(f"\n{'name':<28}{'ours':>11}{'reference':>12}{'ratio':>8}  queries(ours/ref)")
    grew = []
    for name, ours, reference, budget in pairs:
        ours_queries, reference_queries = cases.count_queries(ours), cases.count_queries(reference)
        if budget is not None and ours_queries > budget:
            grew.append(f"{name}: {ours_queries} queries, budget {budget}")
        if args.quick:
            print(f"{name:<28}{'':>11}{'':>12}{'':>8}  {ours_queries}/{reference_queries}")
            continue
        ours_time, reference_time = interleaved(ours, reference, args.rounds)
        print(
            f"{name:<28}{ours_time * 1000:>9.1f}ms{reference_time * 1000:>10.1f}ms"
            f"{ours_time / reference_time:>8.2f}  {ours_queries}/{reference_queries}"
        )
    small = {}
    for name, view in cases.inbox_views(content):
        small[name] = (cases.count_queries(view), median_time(view, args.rounds))
    cases.grow(rows)
    for name, view in cases.inbox_views(content):
        reference_queries, reference_time = small[name]
        label = f"{name} {rows:,}/100"
        if args.quick:
            print(f"{label:<28}{'':>31}  {cases.count_queries(view)}/{reference_queries}")
            continue
        ours_time = median_time(view, args.rounds)
        print(
            f"{label:<28}{ours_time * 1000:>9.1f}ms{reference_time * 1000:>10.1f}ms"
            f"{ours_time / reference_time:>8.2f}  {cases.count_queries(view)}/{reference_queries}"
            "  (sequential)"
        )
    if not args.quick:
        rate, growth = cases.csv_export(content)
        print(f"\nCSV export of {rows:,} rows: {rate:,.0f} rows/s, peak RSS growth {growth:.1f} MB")
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    for line in grew:
        print("QUERY BUDGET EXCEEDED:", line)
    return 1 if grew else 0


def median_time(function, rounds):
    function()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def interleaved(ours, reference, rounds):
    """Median seconds of each over ``rounds`` rounds of ours-then-reference, after a warm-up."""
    ours(), reference()
    ours_samples, reference_samples = [], []
    for _ in range(rounds):
        for function, samples in ((ours, ours_samples), (reference, reference_samples)):
            start = time.perf_counter()
            function()
            samples.append(time.perf_counter() - start)
    return statistics.median(ours_samples), statistics.median(reference_samples)


if __name__ == "__main__":
    sys.exit(main())
