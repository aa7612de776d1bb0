"""
Load run: the site served as a deployment serves it, and patients sending appointment
requests at once, against Wagtail's own form page in the same run.

    make load                       # or: python benchmarks/load.py [--requests 2000] [--clients 50]

gunicorn (``--workers``, default 2, sync) serves benchmarks/settings_load.py on a loopback port:
PostgreSQL (a database of its own, ``wc_load_<pid>_<hex>``, dropped at the end), Redis as the
cache, notifications queued in the database for ``manage.py db_worker``. The page is the
demo's "Muscle spasms" condition page with its appointment form; the reference is Wagtail's
own form page (``benchmarks/refapp``) asking the same questions.

Three faces each get ``--requests`` submissions from ``--clients`` concurrent clients:

- HTML: each client first loads the page, as a browser does, and keeps its form's hidden
  fields (page, block, signed token); a submission is the POST and the GET of the thank-you
  page the 303 sends the browser to;
- JSON: each client first reads the page from API v2 and keeps the form block's token; a
  submission is one POST to ``/api/appointments/`` with an ``Idempotency-Key``;
- FormPage: each client first loads the form page and keeps its CSRF cookie and token; a
  submission is the POST, which renders the landing page.

The submissions go in interleaved rounds (the order of the faces rotated each round) after
one warm-up round, so load from other processes falls on every face alike. Printed: each
face's throughput and its ratio to FormPage's, p50/p95/p99 latency, answers that were not
2xx/3xx, and the stored rows, which must equal the accepted submissions: the run exits 1
when they do not. Only loopback connections are made; every process it starts is stopped
on exit, Ctrl-C included.
"""

import argparse
import contextlib
import html.parser
import http.client
import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import servers  # noqa: E402  (the test suite's gunicorn, db_worker, SMTP sink)

SETTINGS = "benchmarks.settings_load"
TIMEOUT = 30  # seconds, for each HTTP request
DRAIN_TIMEOUT = 900  # seconds db_worker may take to send the run's notifications
FACES = ("html", "json", "formpage")
LABELS = {"html": "ours, HTML", "json": "ours, JSON", "formpage": "Wagtail FormPage"}

SEED_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from wagtail.models import Site
from benchmarks.cases import add_form_page
from wagtail_conditions.blocks.appointment import iter_form_blocks
from wagtail_conditions.conf import conf
from wagtail_conditions.demo import load_demo
from wagtail_conditions.models import ConditionPage
load_demo()
page = ConditionPage.objects.get(title="Muscle spasms")
# At /book/, where the test suite's gunicorn helper waits for a page to answer.
form = add_form_page(Site.objects.get(is_default_site=True).root_page, slug="book")
# Wagtail's own tasks (the reference index) queued by publishing: run them now.
call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
print(json.dumps({
    "page": page.pk, "page_url": page.url, "form_page": form.pk, "form_url": form.url,
    "min_fill": conf.APPOINTMENT_MIN_FILL_SECONDS, "rate_limit": conf.APPOINTMENT_RATE_LIMIT,
}))
"""


# --- HTTP, as a browser sends it ------------------------------------------------------------


@dataclass
class Answer:
    status: object  # the HTTP status, or the name of the exception for a failed connection
    seconds: float
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self):
        return isinstance(self.status, int) and 200 <= self.status < 400


def send(port, method, path, body=None, headers=None):
    """One request on a new connection (gunicorn's sync workers close each one)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        payload = response.read()
        headers = {key.lower(): value for key, value in response.getheaders()}
        return Answer(response.status, time.perf_counter() - started, headers, payload)
    except OSError as error:  # refused, reset, timed out: counted, never raised
        return Answer(type(error).__name__, time.perf_counter() - started)
    finally:
        connection.close()


class _HiddenInputs(html.parser.HTMLParser):
    """The hidden inputs of the first form posting to ``action`` (or of any form)."""

    def __init__(self, action=None):
        super().__init__()
        self.action, self.inside, self.done, self.values = action, False, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = self.action is None or (attrs.get("action") or "").startswith(self.action)
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.values[attrs.get("name")] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def hidden_inputs(page, action=None):
    parser = _HiddenInputs(action)
    parser.feed(page.decode())
    return parser.values


def find_form_submit(data):
    """What the appointment form block's API representation says to send (its ``submit``:
    page, block, token), found anywhere in an API v2 page."""
    if isinstance(data, dict):
        if isinstance(data.get("token"), str) and {"page", "block"} <= data.keys():
            return data
        children = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = find_form_submit(child)
        if found is not None:
            return found
    return None


# --- The clients ----------------------------------------------------------------------------


class Stopped(Exception):
    pass


@dataclass
class Result:
    face: str
    accepted: bool
    seconds: float
    statuses: list
    post_seconds: float


class Client:
    """One patient's browser (or a headless front end) for one face."""

    def __init__(self, face, port, site, numbers, stop):
        self.face, self.port, self.site, self.numbers, self.stop = face, port, site, numbers, stop
        self.form, self.headers = {}, {}

    def prepare(self):
        """Load what a browser has before it submits: the page's form, or the API's token."""
        if self.face == "html":
            answer = self._get(self.site["page_url"])
            self.form = hidden_inputs(answer.body, "/appointments/submit/")
            missing = {"page", "block", "token"} - set(self.form)
            if missing:
                raise RuntimeError(f"the page's form has no {', '.join(sorted(missing))} input")
        elif self.face == "json":
            answer = self._get(f"/api/v2/pages/{self.site['page']}/")
            submit = find_form_submit(json.loads(answer.body))
            if submit is None:
                raise RuntimeError("the API page has no appointment form block with a token")
            self.form = {key: submit[key] for key in ("page", "block", "token")}
        else:
            answer = self._get(self.site["form_url"])
            self.form = hidden_inputs(answer.body)
            cookie = SimpleCookie(answer.headers.get("set-cookie", ""))
            if "csrftoken" not in cookie or "csrfmiddlewaretoken" not in self.form:
                raise RuntimeError("the form page gave no CSRF cookie and token")
            self.headers = {"Cookie": f"csrftoken={cookie['csrftoken'].value}"}

    def _get(self, path):
        answer = send(self.port, "GET", path)
        if answer.status != 200:
            raise RuntimeError(f"GET {path} answered {answer.status}")
        return answer

    def answers(self, number):
        return {
            "name": f"Load Patient {number}",
            "email": f"load{number}@example.com",
            "phone": f"+44 20 7946 {number % 10000:04d}",
            "preferred_date": (date.today() + timedelta(days=7)).isoformat(),
            "preferred_time": "morning",
            "patient_status": "new",
            "reason": f"Lower back pain, case {number}.",
        }

    def run(self, count):
        results = []
        for _ in range(count):
            if self.stop.is_set():
                raise Stopped
            results.append(getattr(self, f"_submit_{self.face}")(next(self.numbers)))
        return results

    def _submit_html(self, number):
        body = urllib.parse.urlencode(
            self.form | {"website": ""} | self.answers(number) | {"consent": "on"}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        post = send(self.port, "POST", "/appointments/submit/", body.encode(), headers)
        if post.status != 303:
            return Result(self.face, False, post.seconds, [post.status], post.seconds)
        # The browser follows the redirect (without the #fragment) and shows the thank-you.
        location = urllib.parse.urlsplit(post.headers.get("location", ""))
        page = send(self.port, "GET", urllib.parse.urlunsplit(("", "", *location[2:4], "")))
        seconds = post.seconds + page.seconds
        return Result(self.face, True, seconds, [post.status, page.status], post.seconds)

    def _submit_json(self, number):
        body = json.dumps(self.form | self.answers(number) | {"consent": True})
        headers = {"Content-Type": "application/json", "Idempotency-Key": secrets.token_hex(16)}
        post = send(self.port, "POST", "/api/appointments/", body.encode(), headers)
        return Result(self.face, post.status == 201, post.seconds, [post.status], post.seconds)

    def _submit_formpage(self, number):
        body = urllib.parse.urlencode(self.form | self.answers(number) | {"consent": "on"})
        headers = self.headers | {"Content-Type": "application/x-www-form-urlencoded"}
        post = send(self.port, "POST", self.site["form_url"], body.encode(), headers)
        # An invalid form is answered 200 too, with the form again: only the landing page
        # means the submission was stored.
        accepted = post.status == 200 and b"Thank you." in post.body
        return Result(self.face, accepted, post.seconds, [post.status], post.seconds)


def round_of(clients, per_client, stop):
    """Every client sends ``per_client`` submissions at once; (results, wall seconds)."""
    pool = ThreadPoolExecutor(max_workers=len(clients))
    started = time.perf_counter()
    try:
        futures = [pool.submit(client.run, per_client) for client in clients]
        results = [result for future in futures for result in future.result()]
    except BaseException:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results, time.perf_counter() - started


# --- Figures --------------------------------------------------------------------------------


def percentile(values, fraction):
    return servers.percentile(values, fraction) * 1000


@dataclass
class Tally:
    results: list = field(default_factory=list)
    seconds: float = 0.0

    def add(self, results, seconds):
        self.results += results
        self.seconds += seconds

    @property
    def rate(self):
        return len(self.results) / self.seconds if self.seconds else 0.0

    def row(self, label, reference_rate):
        latencies = [result.seconds for result in self.results]
        failed = sum(
            1
            for result in self.results
            for status in result.statuses
            if not (isinstance(status, int) and 200 <= status < 400)
        )
        ratio = f"{self.rate / reference_rate:.2f}" if reference_rate else "-"
        requests = sum(len(result.statuses) for result in self.results)
        request_rate = requests / self.seconds if self.seconds else 0.0
        return (
            f"{label:<18}{len(self.results):>6}{self.rate:>9.1f}{ratio:>7}{request_rate:>8.1f}"
            f"{percentile(latencies, 0.50):>8.0f}{percentile(latencies, 0.95):>8.0f}"
            f"{percentile(latencies, 0.99):>8.0f}{failed:>13}"
        )


def load_average():
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def count(connection, query, *args):
    return connection.execute(query, args).fetchone()[0]


# --- The run --------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="submissions per face")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--no-drain", action="store_true", help="leave the notifications queued at the end"
    )
    args = parser.parse_args()
    if args.requests % (args.clients * args.rounds):
        parser.error("--requests must be a multiple of --clients × --rounds")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C (even where the shell started the run with SIGINT ignored) and SIGTERM both end
    # the run through the cleanup below.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    problem = servers.unavailable_services()
    if problem:
        print(f"load run not possible: {problem}", file=sys.stderr)
        return 2
    databases = servers.Databases()
    databases.prefix = f"wc_load_{os.getpid()}_{secrets.token_hex(3)}"
    gunicorn = None
    stop = threading.Event()
    try:
        with servers.SmtpSink() as smtp, tempfile.TemporaryDirectory(prefix="wc-load-") as logs:
            name = databases.create("db")
            environment = servers.server_environment(databases.url(name), smtp_port=smtp.port)
            environment["DJANGO_SETTINGS_MODULE"] = SETTINGS
            site = seed(environment)
            gunicorn = servers.Gunicorn(environment, logs, workers=args.workers, timeout=TIMEOUT)
            gunicorn.start()  # waits for /book/: the form page
            with databases.connect(name) as connection:
                code = run(args, site, gunicorn, connection, environment, smtp, stop)
            if code and gunicorn.errors():
                print("\ngunicorn's log (the end):\n" + gunicorn.errors()[-3000:], file=sys.stderr)
            return code
    except KeyboardInterrupt:
        stop.set()
        print("\ninterrupted: stopping gunicorn and dropping the database", file=sys.stderr)
        return 130
    finally:
        stop.set()
        if gunicorn is not None:
            gunicorn.stop()
        databases.drop_all()


def seed(environment):
    result = subprocess.run(
        [sys.executable, "-c", SEED_SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrate and seed failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(args, site, gunicorn, connection, environment, smtp, stop):
    per_round = args.requests // args.rounds
    per_client = per_round // args.clients
    print(
        f"load run: gunicorn {args.workers} sync workers on 127.0.0.1:{gunicorn.port}, "
        f"PostgreSQL (database {connection.info.dbname}), Redis cache, notifications queued"
    )
    print(
        f"rate limit raised to {site['rate_limit']:,} requests per address for this run "
        "(benchmarks/settings_load.py): every client is 127.0.0.1"
    )
    print(
        f"{args.requests:,} submissions per face from {args.clients} clients: a warm-up round of "
        f"{args.clients}, then {args.rounds} interleaved rounds of {per_round} (order rotated)"
    )
    print(f"load average before: {load_average()}")

    numbers = itertools.count(1)  # next() is atomic under the GIL: unique answers
    clients = {
        face: [Client(face, gunicorn.port, site, numbers, stop) for _ in range(args.clients)]
        for face in FACES
    }
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        for face in FACES:
            list(pool.map(lambda client: client.prepare(), clients[face]))
    # A patient takes a while to fill the form in: the token is dated when the page was
    # served, and the pipeline takes a quicker submission for a bot's (held as spam).
    time.sleep(site["min_fill"] + 0.5)

    tallies = {face: Tally() for face in FACES}
    warm_up = []
    for face in FACES:
        warm_up += round_of(clients[face], 1, stop)[0]
    for number in range(args.rounds):
        for face in FACES[number % 3 :] + FACES[: number % 3]:
            tallies[face].add(*round_of(clients[face], per_client, stop))

    reference = tallies["formpage"].rate
    print(
        f"\n{'face':<18}{'sent':>6}{'subm/s':>9}{'ratio':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'non-2xx/3xx':>13}"
    )
    for face in FACES:
        print(tallies[face].row(LABELS[face], reference))
    for face in FACES:
        answers = Counter(status for result in tallies[face].results for status in result.statuses)
        if any(not (isinstance(status, int) and 200 <= status < 400) for status in answers):
            print(f"{LABELS[face]} answers: {dict(answers.most_common())}")
    posts = [result.post_seconds for result in tallies["html"].results]
    print(
        "(subm/s: submissions per second, the ratio's figure; req/s: every HTTP request)\n"
        f"(ours, HTML: a submission is the POST and the GET of the thank-you page; the POST "
        f"alone: p50 {percentile(posts, 0.5):.0f} ms, p95 {percentile(posts, 0.95):.0f} ms, "
        f"p99 {percentile(posts, 0.99):.0f} ms)"
    )
    print(f"load average after: {load_average()}")

    every = warm_up + [result for tally in tallies.values() for result in tally.results]
    accepted = {face: sum(r.accepted for r in every if r.face == face) for face in FACES}
    ours_accepted = accepted["html"] + accepted["json"]
    stored = count(connection, f"SELECT count(*) FROM {servers.TABLE}")
    spam = count(connection, f"SELECT count(*) FROM {servers.TABLE} WHERE status = 'spam'")
    form_stored = count(
        connection,
        "SELECT count(*) FROM wagtailforms_formsubmission WHERE page_id = %s",
        site["form_page"],
    )
    ours_sent = sum(1 for result in every if result.face != "formpage")
    print(
        f"\nstored: {stored:,} appointment requests for {ours_accepted:,} accepted of "
        f"{ours_sent:,} sent, warm-up included ({spam} held as spam); FormPage: "
        f"{form_stored:,} submissions stored for {accepted['formpage']:,} accepted of "
        f"{len(every) - ours_sent:,} sent"
    )
    code = 0
    if stored != ours_accepted or form_stored != accepted["formpage"]:
        print("FAILED: the stored rows do not equal the accepted submissions", file=sys.stderr)
        code = 1
    if not args.no_drain:
        drain(connection, environment, smtp)
    return code


def drain(connection, environment, smtp):
    """Send the queued notifications with ``db_worker`` to the SMTP sink, as a deployment's
    worker would, and say how many were sent."""
    try:
        result, seconds = servers.run_worker(environment, timeout=DRAIN_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"db_worker was still sending after {DRAIN_TIMEOUT} s: stopped", file=sys.stderr)
        return
    if result.returncode != 0:
        print(f"db_worker failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return
    statuses = dict(
        connection.execute(
            f"SELECT notification_status, count(*) FROM {servers.TABLE} "
            "GROUP BY notification_status"
        ).fetchall()
    )
    print(
        f"notifications: db_worker sent {smtp.messages:,} emails in {seconds:.0f} s; requests by "
        f"notification status: {', '.join(f'{k} {v:,}' for k, v in sorted(statuses.items()))}"
    )


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
