"""
Benchmarks: what our pages, API and exports cost, as ratios against a reference measured in
the same run on the same machine (absolute times vary between machines; the ratios should not
move much). Run with ``make bench`` or ``python benchmarks/bench.py [--rows N] [--repeat N]``.

1. Rendering the demo "Muscle spasms" page (seven sections, six linked therapies, the
   appointment form) against a plain Wagtail page with one paragraph of the same length.
2. Its API v2 detail response against the plain page's.
3. Peak memory of a streamed CSV export of N requests against reading the same rows into a
   list first, the way a non-streaming export would.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)


def timed(function, repeat):
    """Median seconds of ``repeat`` calls, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def compare(title, ours, reference, repeat):
    ours_time, reference_time = timed(ours, repeat), timed(reference, repeat)
    print(
        f"{title:<34} ours {ours_time * 1000:8.2f} ms ({queries(ours):3d} queries)   "
        f"reference {reference_time * 1000:8.2f} ms ({queries(reference):3d} queries)   "
        f"ratio {ours_time / reference_time:5.2f}"
    )


def peak_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per measurement")
    parser.add_argument("--rows", type=int, default=5000, help="requests in the export test")
    args = parser.parse_args()

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)

    from tests.factories import AppointmentRequestFactory, make_site_tree
    from tests.testapp.models import HostPage
    from wagtail_conditions.demo import SEED_OVERVIEW, load_demo
    from wagtail_conditions.inbox.exports import stream_csv
    from wagtail_conditions.models import AppointmentRequest

    tree = make_site_tree()
    condition = load_demo(tree.home)
    plain = HostPage(title="Plain page", slug="plain", body=[("paragraph", f"<p>{SEED_OVERVIEW}</p>")])
    tree.home.add_child(instance=plain)
    plain.save_revision().publish()

    client = Client()
    print(f"wagtail-conditions benchmarks ({connection.vendor}, {args.repeat} timed calls each)\n")
    compare(
        "HTML page render",
        lambda: client.get(condition.url),
        lambda: client.get(plain.url),
        args.repeat,
    )
    compare(
        "API v2 page detail",
        lambda: client.get(f"/api/v2/pages/{condition.pk}/"),
        lambda: client.get(f"/api/v2/pages/{plain.pk}/"),
        args.repeat,
    )

    AppointmentRequestFactory.create_batch(args.rows, source_page=condition)
    rows = AppointmentRequest.objects.order_by("pk")

    def streamed():
        for _line in stream_csv(rows):
            pass

    def loaded():
        everything = list(rows)
        for _line in stream_csv(rows.filter(pk__in=[obj.pk for obj in everything])):
            pass

    streamed_peak, loaded_peak = peak_memory(streamed), peak_memory(loaded)
    print(
        f"{'CSV export, ' + str(args.rows) + ' requests':<34} streamed peak "
        f"{streamed_peak / 1e6:6.2f} MB   loaded-first peak {loaded_peak / 1e6:6.2f} MB   "
        f"ratio {streamed_peak / loaded_peak:5.2f}"
    )


if __name__ == "__main__":
    main()
