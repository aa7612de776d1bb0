"""
The appointment pipeline under a real server and real faults: gunicorn with two workers in
front of PostgreSQL, the rate limit counted in Redis, notifications queued in the database
and sent by ``manage.py db_worker`` (tests/settings_server.py). Each test counts rows in the
database afterwards: nothing a patient sent is lost, nothing is stored twice or half.

Needs PostgreSQL and Redis; skipped with the reason when they do not answer, except in CI
(``CI=true`` or ``WAGTAIL_CONDITIONS_REQUIRE_SERVICES=1``), where that fails. The SQLite
envs of tox skip the module: it runs in the PostgreSQL ones. The module's servers, workers
and SMTP servers are stopped, and its databases dropped, whatever happens.
"""

import os
import random
import signal
import threading
import time
from collections import Counter

import pytest

from tests.builders.servers import (
    BLOCK_ID,
    CONSENT,
    STAFF_EMAIL,
    Databases,
    Gunicorn,
    SilentServer,
    SmtpSink,
    Supervisor,
    closed_port,
    delete_requests,
    get,
    migrate_and_seed,
    percentile,
    queued_task_arguments,
    run_command,
    run_worker,
    send_all,
    server_environment,
    services_verdict,
    stored_rows,
    submissions,
    unavailable_services,
    wait_until,
)
from wagtail_conditions.compat import HAS_API_V3

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SUBMIT_PATHS = ("/api/appointments/", "/appointments/submit/", "/api/v3/appointments/")


@pytest.fixture(scope="module")
def services():
    verdict, reason = services_verdict(os.environ, unavailable_services)
    if verdict == "fail":
        pytest.fail(reason)
    if verdict == "skip":
        pytest.skip(reason)


@pytest.mark.parametrize(
    "environ, problem, verdict",
    [
        ({"WAGTAIL_CONDITIONS_TEST_DB": "sqlite", "CI": "true"}, None, "skip"),
        ({}, None, "run"),
        ({}, "Redis at redis://127.0.0.1:6379/0 did not answer", "skip"),
        ({"CI": "true"}, "Redis at redis://127.0.0.1:6379/0 did not answer", "fail"),
        ({"WAGTAIL_CONDITIONS_REQUIRE_SERVICES": "1"}, "PostgreSQL did not answer", "fail"),
        ({"WAGTAIL_CONDITIONS_TEST_DB": "postgres", "CI": "true"}, None, "run"),
    ],
)
def test_missing_services_skip_except_in_ci_where_they_fail(environ, problem, verdict):
    got, reason = services_verdict(environ, lambda: problem)
    assert got == verdict
    assert (problem or "") in reason
    assert bool(reason) == (verdict != "run")


class Site:
    """The module's database, migrated, with a published page carrying the appointment form."""

    def __init__(self, databases, name, page_id, log_dir):
        self.databases, self.name, self.page_id = databases, name, page_id
        self.url = databases.url(name)
        self.log_dir = log_dir

    def connect(self):
        return self.databases.connect(self.name)


@pytest.fixture(scope="module")
def prepared_site(services, tmp_path_factory):
    databases = Databases()
    try:
        name = databases.create("site")
        page_id = migrate_and_seed(databases.url(name))
        yield Site(databases, name, page_id, tmp_path_factory.mktemp("gunicorn"))
    finally:
        databases.drop_all()


@pytest.fixture
def site(prepared_site):
    """The site, with no requests stored and no tasks queued."""
    with prepared_site.connect() as connection:
        delete_requests(connection)
    return prepared_site


def report(label, results):
    """One line for the test log: status counts and client-side latencies."""
    seconds = [latency for _status, latency in results]
    print(
        f"{label}: {dict(Counter(status for status, _latency in results))}; "
        f"latency p50 {percentile(seconds, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(seconds, 0.95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )


def served_by(server):
    return {pid for path in SUBMIT_PATHS for pid, _status, _ms in server.access_entries(path)}


def assert_rows_are_exactly(rows, batch):
    """Each stored row is complete and holds the answers of one submission, once."""
    sent = {tuple(submission.answers.values()): submission for submission in batch}
    stored = [(row["name"], row["email"], row["phone"], row["reason"]) for row in rows]
    assert len(stored) == len(set(stored)), "a submission was stored twice"
    assert set(stored) <= set(sent), "a stored row holds answers nobody sent"
    for row in rows:
        assert row["consent_text"] == CONSENT and row["consent_given_at"] is not None
        assert row["source_page_id"] is not None and row["block_id"]
    return {sent[answers].number for answers in stored}


# --- 1. Load ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_200_concurrent_submissions_are_all_stored(site):
    # Each request held 50 ms, so both workers take submissions even on a busy machine.
    environment = server_environment(site.url, smtp_port=closed_port(), request_delay=0.05)
    batch = submissions(site.page_id, 200)
    with Gunicorn(environment, site.log_dir) as server:
        started = time.monotonic()
        results = send_all(server.port, batch, threads=50)
        elapsed = time.monotonic() - started
        workers = served_by(server)
    report(f"200 submissions from 50 threads in {elapsed:.1f}s", results)

    assert [status for status, _ in results] == [s.success_status for s in batch]
    assert len(workers) == 2, "both gunicorn workers took submissions"
    with site.connect() as connection:
        rows = stored_rows(connection)
        tasks = queued_task_arguments(connection)
    assert len(rows) == 200
    assert assert_rows_are_exactly(rows, batch) == set(range(200))
    # One queued notification per row, whose only argument is the row's key; nothing was
    # sent inside a request (the SMTP port is closed, yet every answer was a success).
    assert sorted(task["args"] for task in tasks) == sorted([row["id"]] for row in rows)
    assert all(task["kwargs"] == {} for task in tasks)
    assert {row["notification_status"] for row in rows} == {"pending"}


# --- 2. The rate limit across two workers -----------------------------------------------------


@pytest.mark.slow
def test_rate_limit_is_exact_across_two_workers_sharing_redis(site):
    limit = 7
    with SmtpSink() as sink:
        # Each request held 0.2 s: while one worker holds one, the other must take the next,
        # so both workers count against the one limit even on a busy machine.
        environment = server_environment(
            site.url, smtp_port=sink.port, rate_limit=limit, request_delay=0.2
        )
        batch = submissions(site.page_id, 40)
        with Gunicorn(environment, site.log_dir) as server:
            results = send_all(server.port, batch, threads=20)
            workers = served_by(server)
        report(f"40 submissions from one client, limit {limit}", results)

        accepted = [
            s for s, (status, _) in zip(batch, results, strict=True) if status == s.success_status
        ]
        statuses = Counter(status for status, _ in results)
        assert len(accepted) == limit
        assert statuses[429] == 40 - limit
        assert len(workers) == 2
        with site.connect() as connection:
            rows = stored_rows(connection)
            assert len(rows) == limit
            assert assert_rows_are_exactly(rows, batch) == {s.number for s in accepted}

            # The worker sends what the web requests queued: each request notified once.
            result, seconds = run_worker(environment)
            assert result.returncode == 0, result.stderr[-3000:]
            statuses = Counter(row["notification_status"] for row in stored_rows(connection))
    print(f"db_worker sent {sink.messages} emails for {limit} requests in {seconds:.1f}s")
    assert statuses == {"sent": limit}
    assert sink.recipients[STAFF_EMAIL] == limit
    assert all(sink.recipients[s.answers["email"]] == 1 for s in accepted)
    assert sink.messages == 2 * limit


# --- 3. Redis down ----------------------------------------------------------------------------

# Every way in: the HTML form, the JSON endpoint and, on Wagtail 8, API v3.
ALL_FACES = ("json", "html", "v3") if HAS_API_V3 else ("json", "html")
OUTAGE_LINE = "unavailable (ConnectionError)"


def assert_pages_answer(server, site):
    """A condition page and a thank-you page, served from the database: 200, no 500."""
    for path in ("/book/", f"/appointments/sent/{site.page_id}/{BLOCK_ID}/"):
        status, _latency, _body = get(server.port, path)
        assert status == 200, (path, status, server.errors())


@pytest.mark.slow
def test_the_one_redis_refusing_loses_no_submission_and_pages_answer(site):
    """The example site's production cache layout, one Redis for everything, with Redis
    refusing connections: Wagtail's own cache reads miss (the fail-soft backend), so every
    face stores every request and pages answer; the rate limit fails open."""
    environment = server_environment(
        site.url,
        smtp_port=closed_port(),
        rate_limit=3,  # would refuse most of them, if it could count
        redis_url=f"redis://127.0.0.1:{closed_port()}/0",
    )
    batch = submissions(site.page_id, 30, faces=ALL_FACES)
    with Gunicorn(environment, site.log_dir) as server:  # its start-up GETs a page: 200
        results = send_all(server.port, batch, threads=10)
        assert_pages_answer(server, site)
        log = server.errors()
    report("30 submissions, the one Redis refusing connections", results)

    assert [status for status, _ in results] == [s.success_status for s in batch]
    with site.connect() as connection:
        rows = stored_rows(connection)
    assert len(rows) == 30
    assert assert_rows_are_exactly(rows, batch) == set(range(30))
    # One line per worker process for the whole outage, never a traceback.
    assert 1 <= log.count(OUTAGE_LINE) <= 2, log
    assert "Traceback" not in log and "Internal Server Error" not in log


@pytest.mark.slow
def test_the_one_redis_hung_stores_every_submission_within_the_socket_timeout(site):
    """Redis accepting connections and never answering: each worker waits for one socket
    timeout (1 s) per retry interval (5 s), not one per cache call."""
    with SilentServer() as hung_redis:
        environment = server_environment(
            site.url,
            smtp_port=closed_port(),
            rate_limit=1,
            redis_url=f"redis://127.0.0.1:{hung_redis.port}/0",
        )
        batch = submissions(site.page_id, 12, faces=ALL_FACES)
        with Gunicorn(environment, site.log_dir) as server:
            results = send_all(server.port, batch, threads=4)
            assert_pages_answer(server, site)
            log = server.errors()
    report("12 submissions, the one Redis hung", results)

    assert [status for status, _ in results] == [s.success_status for s in batch]
    # At worst a request waits for its own worker's timeout behind one other request.
    assert max(latency for _, latency in results) < 5
    with site.connect() as connection:
        assert len(stored_rows(connection)) == 12
    assert "unavailable (TimeoutError)" in log
    assert "Traceback" not in log


# --- 3b. The rate limit's own cache down (a separate alias) ------------------------------------


@pytest.mark.slow
def test_rate_limit_cache_down_loses_no_submission(site):
    environment = server_environment(
        site.url,
        smtp_port=closed_port(),
        rate_limit=3,  # would refuse most of them, if it could count
        cache_layout="separate",
        rate_limit_redis_url=f"redis://127.0.0.1:{closed_port()}/0",
    )
    batch = submissions(site.page_id, 20)
    with Gunicorn(environment, site.log_dir) as server:
        results = send_all(server.port, batch, threads=10)
    report("20 submissions, rate-limit Redis refusing connections", results)

    assert [status for status, _ in results] == [s.success_status for s in batch]
    with site.connect() as connection:
        rows = stored_rows(connection)
    assert len(rows) == 20
    assert assert_rows_are_exactly(rows, batch) == set(range(20))


@pytest.mark.slow
def test_hung_rate_limit_cache_delays_but_loses_no_submission(site):
    """A Redis that accepts connections and never answers: the socket timeout (1 s in the
    settings) bounds each submission, and the limit fails open."""
    with SilentServer() as hung_redis:
        environment = server_environment(
            site.url,
            smtp_port=closed_port(),
            rate_limit=1,
            cache_layout="separate",
            rate_limit_redis_url=f"redis://127.0.0.1:{hung_redis.port}/0",
        )
        batch = submissions(site.page_id, 4)
        with Gunicorn(environment, site.log_dir) as server:
            results = send_all(server.port, batch, threads=4)
    report("4 submissions, rate-limit Redis hung", results)

    assert [status for status, _ in results] == [s.success_status for s in batch]
    # Two workers, four requests: each waits for its own cache timeout and at most one other.
    assert max(latency for _, latency in results) < 10
    with site.connect() as connection:
        assert len(stored_rows(connection)) == 4


# --- 4. A mail server that never answers ------------------------------------------------------


@pytest.mark.slow
def test_hung_mail_server_never_holds_a_web_worker(site):
    email_timeout = 10  # the example site's production value
    with SilentServer() as hung_smtp:
        environment = server_environment(
            site.url, smtp_port=hung_smtp.port, email_timeout=email_timeout
        )
        batch = submissions(site.page_id, 8)
        with Gunicorn(environment, site.log_dir) as server:
            # Few at a time, so the latencies measure the request, not a queue for workers.
            results = send_all(server.port, batch, threads=2)
        report("8 submissions, SMTP server hung", results)

        assert [status for status, _ in results] == [s.success_status for s in batch]
        slowest = max(latency for _, latency in results)
        assert slowest < email_timeout / 4, f"a response took {slowest:.1f}s"
        assert not hung_smtp.accepted, "a web worker connected to the mail server"

        # The worker meets the hung server; with a 0.5 s timeout each request fails once and
        # is kept for the retry command, instead of the worker hanging.
        worker_environment = {**environment, "SERVER_FAULTS_EMAIL_TIMEOUT": "0.5"}
        result, seconds = run_worker(worker_environment, timeout=90)
        assert len(hung_smtp.accepted) >= 8, "the worker tried each request"
    print(f"db_worker against the hung SMTP server: {seconds:.1f}s for 8 tasks")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Patient" not in result.stderr and "example.com" not in result.stderr
    with site.connect() as connection:
        rows = stored_rows(connection)
        assert len(rows) == 8
        assert {row["notification_status"] for row in rows} == {"failed"}
        assert {row["notification_attempts"] for row in rows} == {1}
        assert all(row["notification_error"] for row in rows)
    # Marked for the retry command (tests/appointments/test_notifications.py covers the
    # retry itself; test_rate_limit_is_exact_... shows the worker delivering).


# --- 5. PostgreSQL connections killed ---------------------------------------------------------


class ConnectionKiller(threading.Thread):
    """Terminates every session on the database at random intervals until stopped: often
    enough to catch requests mid-way, rarely enough that others get through."""

    def __init__(self, databases, name, interval=(0.03, 0.2), max_turns=1000):
        super().__init__()
        self.databases, self.name = databases, name
        self.interval, self.max_turns = interval, max_turns
        self.stop = threading.Event()
        self.terminated = self.turns = 0

    def run(self):
        with self.databases.admin() as connection:
            while not self.stop.is_set() and self.turns < self.max_turns:
                self.turns += 1
                self.terminated += connection.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name],
                ).fetchone()[0]
                self.stop.wait(random.uniform(*self.interval))


@pytest.mark.slow
def test_killed_database_connections_give_503_never_500_and_lose_nothing(site):
    environment = server_environment(site.url, smtp_port=closed_port())
    batch = submissions(site.page_id, 100)
    with Gunicorn(environment, site.log_dir) as server:
        killer = ConnectionKiller(site.databases, site.name)
        killer.start()
        try:
            results = send_all(server.port, batch, threads=25)
        finally:
            killer.stop.set()
            killer.join(timeout=10)
        report(
            f"100 submissions, {killer.terminated} sessions killed in {killer.turns} rounds",
            results,
        )
        statuses = Counter(status for status, _ in results)

        # A request whose connection dies answers 503 (try again), never 500.
        assert set(statuses) <= {201, 303, 503}, statuses
        assert statuses[503] >= 1, "the kills caught no request mid-way"
        succeeded = [s for s, (status, _) in zip(batch, results, strict=True) if status != 503]
        failed = [s for s, (status, _) in zip(batch, results, strict=True) if status == 503]
        assert all(
            status == s.success_status
            for s, (status, _) in zip(batch, results, strict=True)
            if status != 503
        )
        with site.connect() as connection:
            rows = stored_rows(connection)
        stored = assert_rows_are_exactly(rows, batch)
        # Every success is stored. A 503 usually stored nothing, but a connection that dies
        # while COMMIT is answered leaves a stored row behind a 503: so the stored rows are
        # the successes plus at most the 503s, never fewer.
        assert {s.number for s in succeeded} <= stored
        assert len(stored) <= len(succeeded) + len(failed)
        print(
            f"{len(rows)} rows for {len(succeeded)} successes and {len(failed)} 503s "
            f"({len(stored - {s.number for s in succeeded})} stored behind a 503)"
        )

        # Recovery: with the killing over (and the idle connections killed once more),
        # CONN_HEALTH_CHECKS replaces the dead connections; no request fails for them. The
        # patients who got a 503 send again: the same answers (and, in JSON, the same
        # Idempotency-Key) store nothing twice.
        site.databases.terminate_connections(site.name)
        retried = [submission.send(server.port) for submission in failed]
        fresh = submissions(site.page_id, 20, start=1000)
        after = [submission.send(server.port) for submission in fresh]
    report("after the kills", retried + after)
    assert [status for status, _ in retried] == [s.success_status for s in failed]
    assert [status for status, _ in after] == [s.success_status for s in fresh]
    with site.connect() as connection:
        rows = stored_rows(connection)
    assert len(rows) == 120
    assert assert_rows_are_exactly(rows, batch + fresh) == set(range(100)) | set(range(1000, 1020))


@pytest.mark.slow
def test_without_connection_health_checks_a_killed_connection_fails_a_request(site):
    """The control for CONN_HEALTH_CHECKS: the setting is what makes recovery clean."""
    # Each request held 0.1 s, so both workers take part in the warm-up even on a busy machine.
    environment = server_environment(
        site.url, smtp_port=closed_port(), conn_health_checks=0, request_delay=0.1
    )
    with Gunicorn(environment, site.log_dir) as server:
        warm_up = send_all(server.port, submissions(site.page_id, 20), threads=10)
        assert {status for status, _ in warm_up} <= {201, 303}
        assert len(served_by(server)) == 2, "both workers hold a connection"
        assert site.databases.terminate_connections(site.name) >= 2
        first, _latency = submissions(site.page_id, 1, start=500)[0].send(server.port)
    assert first == 503


# --- 6. The notification worker under a supervisor --------------------------------------------


def notification_statuses(connection):
    return Counter(row["notification_status"] for row in stored_rows(connection))


@pytest.mark.slow
def test_the_supervised_worker_survives_its_database_and_sigkill_and_every_notification_goes(
    site, tmp_path
):
    """db_worker under supervisord with example_site/supervisord.conf's worker settings: its
    database connections are killed while it sends, then the process is SIGKILLed in the
    middle of a task. supervisord starts it again each time; the scheduled retry command
    sends what the killed task left pending. Every request is notified at least once, and a
    duplicate carries the same reference."""
    with SmtpSink(delay=0.3) as sink:  # 0.3 s a message: the worker is caught mid-task
        environment = server_environment(site.url, smtp_port=sink.port)
        batch = submissions(site.page_id, 16)
        with Gunicorn(environment, site.log_dir) as server:
            results = send_all(server.port, batch, threads=4)
        assert [status for status, _ in results] == [s.success_status for s in batch]

        with Supervisor(environment, tmp_path) as supervisor:
            wait_until(lambda: sink.messages >= 4, "the worker to send")
            # Its sessions killed for a second and a half, so some kill lands mid-task.
            killer = ConnectionKiller(site.databases, site.name, interval=(0.2, 0.4))
            killer.start()
            time.sleep(1.5)
            killer.stop.set()
            killer.join(timeout=10)
            killed = killer.terminated
            wait_until(lambda: sink.messages >= 14, "the worker to send after the kills")
            pid = supervisor.worker_pid()
            os.kill(pid, signal.SIGKILL)
            wait_until(
                lambda: supervisor.worker_pid() not in (None, pid), "supervisord to restart it"
            )
            starts_before_retry = supervisor.starts()

            def settled():
                with site.connect() as connection:
                    statuses = notification_statuses(connection)
                return statuses["sent"] + statuses["pending"] == 16 and sink.messages >= 30

            wait_until(settled, "the restarted worker to send the rest")
            # The task the SIGKILL interrupted stays RUNNING in django-tasks' table; its request
            # is still pending: the retry command, run on a schedule, sends it.
            result, _seconds = run_command(
                environment, "retry_appointment_notifications", "--min-age", "0"
            )
            worker_log = supervisor.worker_log()
        assert result.returncode == 0, result.stdout + result.stderr

    print(
        f"killed {killed} database sessions and the worker (SIGKILL); supervisord started it "
        f"{starts_before_retry} times; {sink.messages} emails for 16 requests"
    )
    assert starts_before_retry >= 2
    with site.connect() as connection:
        rows = stored_rows(connection)
    assert {row["notification_status"] for row in rows} == {"sent"}
    references = {s.split()[-1] for s in sink.subjects if "appointment request" in s}
    assert len(references) == 16, sink.subjects
    # At least once each: the staff email of every request, the acknowledgement of each.
    assert sink.recipients[STAFF_EMAIL] >= 16
    assert all(sink.recipients[s.answers["email"]] >= 1 for s in batch)
    assert "Patient" not in worker_log and "example.com" not in worker_log
