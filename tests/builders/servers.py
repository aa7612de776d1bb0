"""
The pieces tests/appointments/test_server_faults.py runs the site with, as a deployment does: a database
of its own on the PostgreSQL server, gunicorn with two workers, ``manage.py db_worker``, SMTP
servers that work or hang, and an HTTP client that times every answer.

Every wait here is bounded: processes get a deadline and are killed after it, sockets have
timeouts, loops have a maximum number of turns.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
BLOCK_ID = "3c5e0f7a-9b1d-4e2a-8c6f-0d4b2a1e9f57"
STAFF_EMAIL = "frontdesk@clinic.example"
CONSENT = "I agree to the clinic keeping these details to contact me."
REQUEST_TIMEOUT = 30  # seconds, for every HTTP request the tests send
TABLE = "wagtail_conditions_appointmentrequest"
TASK_TABLE = "django_tasks_database_dbtaskresult"


# --- Where the services are, and whether they answer -----------------------------------------


def postgres_url():
    """The PostgreSQL server of the test run (its maintenance database)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("POSTGRES_URL") or DEFAULT_POSTGRES_URL
    return url


def redis_url():
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def services_verdict(environ, problem):
    """("run" | "skip" | "fail", reason) for the server fault tests, given the environment
    and the answer of ``unavailable_services`` (called only when it matters)."""
    if environ.get("WAGTAIL_CONDITIONS_TEST_DB") == "sqlite":
        return "skip", "server fault tests run in the PostgreSQL envs (tox -e wagtail80-postgres)"
    problem = problem()
    if not problem:
        return "run", ""
    # In CI a missing service fails these tests instead of skipping them.
    if (
        environ.get("CI", "").lower() == "true"
        or environ.get("WAGTAIL_CONDITIONS_REQUIRE_SERVICES") == "1"
    ):
        return "fail", f"{problem}; CI requires PostgreSQL and Redis for the server fault tests"
    return "skip", f"{problem}; server fault tests skipped"


def unavailable_services():
    """A sentence naming each service that does not answer, or None."""
    import psycopg
    import redis

    problems = []
    try:
        with psycopg.connect(postgres_url(), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        problems.append(f"PostgreSQL at {_safe(postgres_url())} did not answer ({error})")
    try:
        redis.Redis.from_url(redis_url(), socket_timeout=3, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        problems.append(f"Redis at {_safe(redis_url())} did not answer ({error})")
    return "; ".join(problems) or None


def _safe(url):
    """``url`` without a password."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


# --- Databases ------------------------------------------------------------------------------


class Databases:
    """Creates databases on the PostgreSQL server and drops every one of them at the end."""

    def __init__(self):
        self.server_url = postgres_url()
        self.prefix = f"wc_server_faults_{os.getpid()}_{secrets.token_hex(3)}"
        self.created = []

    def url(self, name):
        return urllib.parse.urlunsplit(
            urllib.parse.urlsplit(self.server_url)._replace(path=f"/{name}")
        )

    def admin(self):
        import psycopg

        return psycopg.connect(self.server_url, autocommit=True, connect_timeout=5)

    def create(self, suffix, template=None):
        from psycopg import sql

        name = f"{self.prefix}_{suffix}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.admin() as connection:
            connection.execute(statement)
        self.created.append(name)
        return name

    def connect(self, name):
        import psycopg

        return psycopg.connect(self.url(name), autocommit=True, connect_timeout=5)

    def terminate_connections(self, name):
        """End every session on database ``name``; returns how many were ended."""
        with self.admin() as connection:
            return connection.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            ).fetchone()[0]

    def drop_all(self):
        from psycopg import sql

        with self.admin() as connection:
            for name in reversed(self.created):
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        self.created.clear()


def server_environment(database_url, *, smtp_port, **overrides):
    """The environment tests/settings_server.py reads, for a server or a worker."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SERVER_FAULTS_") and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings_server",
        PYTHONPATH=str(REPO),
        PYTHONDONTWRITEBYTECODE="1",
        SERVER_FAULTS_DATABASE_URL=database_url,
        SERVER_FAULTS_REDIS_URL=redis_url(),
        SERVER_FAULTS_CACHE_PREFIX=f"server-faults-{secrets.token_hex(4)}",
        SERVER_FAULTS_SMTP_PORT=str(smtp_port),
    )
    environment.update(
        {f"SERVER_FAULTS_{key.upper()}": str(value) for key, value in overrides.items()}
    )
    return environment


SEED_SCRIPT = """
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from wagtail.models import Site
from tests.testapp.models import HostPage
home = Site.objects.get(is_default_site=True).root_page
page = HostPage(title="Book a visit", slug="book", body=[{
    "type": "appointment_form",
    "id": sys.argv[1],
    "value": {
        "heading": "Request an appointment",
        "fields": ["phone", "reason"],
        "consent_text": sys.argv[2],
        "thank_you_message": "Thank you.",
        "send_acknowledgement": True,
    },
}])
home.add_child(instance=page)
page.save_revision().publish()
# Wagtail's own tasks (the reference index) queued by publishing: run them now.
call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
print(json.dumps({"page": page.pk}))
"""


def migrate_and_seed(database_url, timeout=240):
    """Migrate the database and publish a page with the appointment form; returns its id."""
    result = subprocess.run(
        [sys.executable, "-c", SEED_SCRIPT, BLOCK_ID, CONSENT],
        cwd=REPO,
        env=server_environment(database_url, smtp_port=1),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(f"migrate and seed failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])["page"]


# --- Sockets --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port():
    """A port on which nothing listens (connections are refused at once)."""
    return free_port()


class SmtpSink(socketserver.ThreadingTCPServer):
    """An SMTP server that accepts every message and counts the recipients it was sent to and
    the subjects; with ``delay``, it takes that many seconds to accept each message."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay=0):
        self.recipients = Counter()
        self.subjects = Counter()
        self.delay = delay
        self.messages = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1})

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 10

    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        recipients = []
        while True:
            line = self.rfile.readline(1000)
            if not line:
                return
            command = line[:4].upper()
            if command in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif command == b"RCPT":
                recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.wfile.write(b"250 OK\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                subject = ""
                for _turn in range(100_000):  # a message is far shorter than this
                    data = self.rfile.readline(10_000)
                    if data in (b".\r\n", b""):
                        break
                    if data.lower().startswith(b"subject:") and not subject:
                        subject = data.split(b":", 1)[1].strip().decode(errors="replace")
                time.sleep(self.server.delay)
                with self.server.lock:
                    self.server.messages += 1
                    self.server.recipients.update(recipients)
                    self.server.subjects[subject] += 1
                recipients = []
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RSET, NOOP
                self.wfile.write(b"250 OK\r\n")


class SilentServer:
    """Accepts TCP connections and never says a word: a hung SMTP (or Redis) server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept)

    def _accept(self):
        while not self.stop.is_set():
            with contextlib.suppress(OSError):
                self.accepted.append(self.sock.accept()[0])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.sock.close()


# --- gunicorn and the worker ----------------------------------------------------------------


def _die_with_parent():
    """In the child, before exec: on Linux, have the kernel send SIGTERM when the test process
    dies, so that a killed test run leaves no server behind."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Gunicorn:
    """gunicorn serving tests/settings_server.py with two sync workers on a free port."""

    def __init__(self, environment, log_dir, workers=2, timeout=30):
        self.environment = environment
        self.port = free_port()
        self.log_dir = Path(log_dir)
        self.access_log = self.log_dir / f"access-{self.port}.log"
        self.error_log = self.log_dir / f"error-{self.port}.log"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "django.core.wsgi:get_wsgi_application()",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "3",
            # Loaded once before forking: both workers answer from the first request.
            "--preload",
            "--access-logfile",
            str(self.access_log),
            # worker pid, status, duration in ms, path
            "--access-logformat",
            "%(p)s %(s)s %(M)s %(U)s",
            "--error-logfile",
            "-",  # stderr, which start() sends to self.error_log
        ]
        self.process = None

    def start(self, deadline=60):
        with open(self.error_log, "ab") as log:  # the site's own log lines go there too
            self.process = subprocess.Popen(
                self.command,
                cwd=REPO,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        stop_at = time.monotonic() + deadline
        while time.monotonic() < stop_at:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.errors()}")
            with contextlib.suppress(OSError):
                status, _latency, _body = get(self.port, "/book/", timeout=5)
                if status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not answer within {deadline}s:\n{self.errors()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def errors(self):
        with contextlib.suppress(OSError):
            return self.error_log.read_text()[-6000:]
        return ""

    def access_entries(self, path_prefix="/"):
        """(worker pid, status, milliseconds) of each request gunicorn logged under a path."""
        entries = []
        with contextlib.suppress(OSError):
            for line in self.access_log.read_text().splitlines():
                pid, status, millis, path = line.split(" ", 3)
                if path.startswith(path_prefix):
                    entries.append((int(pid.strip("<>")), int(status), int(millis)))
        return entries


def run_command(environment, *args, timeout=120):
    """``django-admin <args>`` under the server settings; returns (result, seconds)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result, time.monotonic() - started


def run_worker(environment, timeout=120):
    """Run ``db_worker`` until the queue is empty (``--batch``); returns (result, seconds)."""
    return run_command(
        environment, "db_worker", "--batch", "--no-startup-delay", "--no-reload", timeout=timeout
    )


WORKER_SETTINGS = ("autorestart", "startsecs", "startretries", "stopsignal", "stopwaitsecs")


def shipped_worker_program():
    """The settings of the worker program in example_site/supervisord.conf."""
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(REPO / "example_site" / "supervisord.conf")
    return {key: parser.get("program:worker", key) for key in WORKER_SETTINGS}


class Supervisor:
    """supervisord running ``db_worker`` under the server settings, with the worker program's
    settings of example_site/supervisord.conf (restarted whenever it exits)."""

    def __init__(self, environment, directory):
        self.environment = environment
        self.directory = Path(directory)
        self.config = self.directory / "supervisord.conf"
        self.log = self.directory / "supervisord.log"
        program = "\n".join(f"{key}={value}" for key, value in shipped_worker_program().items())
        self.config.write_text(
            f"""[supervisord]
nodaemon=true
logfile={self.log}
pidfile={self.directory / "supervisord.pid"}
[unix_http_server]
file={self.directory / "supervisor.sock"}
[supervisorctl]
serverurl=unix://{self.directory / "supervisor.sock"}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:worker]
command={sys.executable} -m django db_worker --no-startup-delay --interval 0.2
directory={REPO}
{program}
redirect_stderr=true
stdout_logfile={self.directory / "worker.log"}
"""
        )
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.config)],
            cwd=REPO,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        wait_until(lambda: self.worker_pid() is not None, "the supervised worker to start")
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def worker_pid(self):
        """The running worker's process id, or None."""
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "supervisor.supervisorctl",
                "-c",
                str(self.config),
                "pid",
                "worker",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            env=self.environment,
        )
        pid = result.stdout.strip()
        return int(pid) if pid.isdigit() and pid != "0" else None

    def starts(self):
        """How many times supervisord has started the worker."""
        with contextlib.suppress(OSError):
            return self.log.read_text().count("spawned: 'worker'")
        return 0

    def worker_log(self):
        with contextlib.suppress(OSError):
            return (self.directory / "worker.log").read_text()[-6000:]
        return ""


def wait_until(condition, what, timeout=60):
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    stop_at = time.monotonic() + timeout
    while time.monotonic() < stop_at:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def make_form_token(page_id, block_id, *, now):
    # tokens.py is the new home of the form tokens; spam.py held them before.
    try:
        from wagtail_conditions.appointments.tokens import make_form_token as make
    except ImportError:
        from wagtail_conditions.appointments.spam import make_form_token as make
    return make(page_id, block_id, now=now)


# --- The HTTP client ------------------------------------------------------------------------


def get(port, path, timeout=REQUEST_TIMEOUT):
    return _request(port, "GET", path, None, {}, timeout)


def _request(port, method, path, body, headers, timeout=REQUEST_TIMEOUT):
    started = time.monotonic()
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, time.monotonic() - started, payload
    finally:
        connection.close()


@dataclass
class Submission:
    """One patient's request, sent as JSON or as the HTML form; its answers are unique."""

    number: int
    page_id: int
    face: str  # "json", "html", or "v3" (JSON through Wagtail 8's API v3)
    token: str = ""
    idempotency_key: str = field(default_factory=lambda: secrets.token_hex(16))

    def __post_init__(self):
        # A minute old, so the minimum fill time does not take it for a bot.
        self.token = make_form_token(self.page_id, BLOCK_ID, now=time.time() - 60)

    @property
    def answers(self):
        return {
            "name": f"Patient {self.number}",
            "email": f"patient{self.number}@example.com",
            "phone": f"+44 20 7946 {self.number:04d}",
            "reason": f"Back pain, case {self.number}.",
        }

    @property
    def success_status(self):
        return 303 if self.face == "html" else 201

    def send(self, port, timeout=REQUEST_TIMEOUT):
        """(status or the exception's name, seconds)."""
        if self.face in ("json", "v3"):
            body = json.dumps(
                {"page": self.page_id, "block": BLOCK_ID, "token": self.token, "consent": True}
                | self.answers
            )
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": self.idempotency_key,
            }
            path = "/api/appointments/" if self.face == "json" else "/api/v3/appointments/"
        else:
            body = urllib.parse.urlencode(
                {"page": self.page_id, "block": BLOCK_ID, "token": self.token, "consent": "on"}
                | self.answers
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            path = "/appointments/submit/"
        started = time.monotonic()
        try:
            status, latency, _body = _request(port, "POST", path, body.encode(), headers, timeout)
        except OSError as error:  # refused, reset, timed out: reported, never raised
            return type(error).__name__, time.monotonic() - started
        return status, latency


def submissions(page_id, count, start=0, faces=("json", "html")):
    """``count`` submissions, through each of ``faces`` in turn."""
    return [
        Submission(number, page_id, faces[number % len(faces)])
        for number in range(start, start + count)
    ]


def send_all(port, batch, threads=50):
    """Send every submission of ``batch`` from ``threads`` client threads at once; returns
    the (status, seconds) of each, in order."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda submission: submission.send(port), batch))


# --- Reading the database -------------------------------------------------------------------


def stored_rows(connection):
    """Every stored request as a dict of the columns the tests look at."""
    cursor = connection.execute(
        f"SELECT id, name, email, phone, reason, consent_text, consent_given_at, "
        f"source_page_id, block_id, notification_status, notification_attempts, "
        f"notification_error FROM {TABLE} ORDER BY id"
    )
    columns = [column.name for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def delete_requests(connection):
    """Start a test with no requests and no queued tasks."""
    connection.execute(f"DELETE FROM {TASK_TABLE}")
    connection.execute(f"DELETE FROM {TABLE}")


def queued_task_arguments(connection):
    """The arguments of every queued notification task."""
    rows = connection.execute(
        f"SELECT args_kwargs FROM {TASK_TABLE} WHERE task_path = %s",
        ["wagtail_conditions.appointments.tasks.notify_appointment_request"],
    ).fetchall()
    return [row[0] for row in rows]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0
