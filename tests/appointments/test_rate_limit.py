"""
Abuse controls that hold across processes and servers: a per-client rate limit in a shared
cache, X-Forwarded-For believed only from configured proxies, no addresses in cache keys,
and a database that takes a burst of submissions without losing or doubling any.
"""

import os
import re
import subprocess
import sys
import textwrap
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import Client, RequestFactory

from tests.builders.appointments import (
    FormPage,
    configure,
    form_block,
    post_form,
    publish_host_page,
)
from tests.builders.faults import DOWN_REDIS_CACHE
from wagtail_conditions import checks
from wagtail_conditions.appointments import rate_limit
from wagtail_conditions.models import AppointmentRequest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Database 15 of the server in REDIS_URL (default: local). Each test writes under a key prefix
# of its own and deletes those keys after, so runs in parallel (xdist workers, tox envs, other
# checkouts) never count each other's requests.
REDIS_URL = (
    urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))._replace(path="/15").geturl()
)


def client_from(address, **extra):
    return Client(REMOTE_ADDR=address, **extra)


# --- One client, one process ----------------------------------------------------------------


@pytest.mark.django_db
def test_request_over_the_limit_gets_429_with_retry_after(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    configure(settings, APPOINTMENT_RATE_LIMIT=3, APPOINTMENT_RATE_LIMIT_WINDOW=120)
    client = client_from("203.0.113.10")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [own_form_page.post(client, reason=f"Request {n}").status_code for n in range(4)]

    assert statuses == [303, 303, 303, 429]
    assert AppointmentRequest.objects.count() == 3
    # Three staff emails, and one acknowledgement: all three requests gave the same address,
    # and a patient's address gets one per APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL.
    assert len(mail.outbox) == 4
    limited = own_form_page.post(client, reason="Request 5")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "120"
    assert "Too many requests" in limited.content.decode()


@pytest.mark.django_db
def test_invalid_and_spam_attempts_count_towards_the_limit(own_form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=2)
    client = client_from("203.0.113.11")

    assert own_form_page.post(client, email="bad").status_code == 422
    assert own_form_page.post(client, website="spam").status_code == 303
    assert own_form_page.post(client).status_code == 429
    assert list(AppointmentRequest.objects.values_list("status", flat=True)) == ["spam"]


@pytest.mark.django_db
def test_other_clients_are_not_limited_by_one_noisy_client(own_form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=1)

    assert own_form_page.post(client_from("203.0.113.12")).status_code == 303
    assert own_form_page.post(client_from("203.0.113.12"), reason="again").status_code == 429
    assert own_form_page.post(client_from("203.0.113.13")).status_code == 303


# --- X-Forwarded-For ------------------------------------------------------------------------


@pytest.mark.django_db
def test_x_forwarded_for_from_an_untrusted_address_is_ignored(own_form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=1)
    client = client_from("198.51.100.1")

    first = own_form_page.post(client, headers={"X-Forwarded-For": "203.0.113.1"})
    second = own_form_page.post(client, reason="again", headers={"X-Forwarded-For": "203.0.113.2"})

    assert (first.status_code, second.status_code) == (303, 429)


@pytest.mark.django_db
def test_x_forwarded_for_from_a_trusted_proxy_identifies_the_client(own_form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=1, TRUSTED_PROXIES=["198.51.100.1"])
    proxy = client_from("198.51.100.1")

    assert own_form_page.post(proxy, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 303
    assert own_form_page.post(proxy, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 303
    assert (
        own_form_page.post(
            proxy, reason="again", headers={"X-Forwarded-For": "203.0.113.1"}
        ).status_code
        == 429
    )


@pytest.mark.parametrize(
    "remote,forwarded,trusted,expected",
    [
        ("198.51.100.1", "203.0.113.1", [], "198.51.100.1"),
        ("198.51.100.1", "203.0.113.1", ["198.51.100.1"], "203.0.113.1"),
        # A client cannot choose its address by sending its own X-Forwarded-For first.
        ("198.51.100.1", "6.6.6.6, 203.0.113.1", ["198.51.100.1"], "203.0.113.1"),
        ("10.0.0.2", "203.0.113.1, 10.0.0.1", ["10.0.0.1", "10.0.0.2"], "203.0.113.1"),
        ("198.51.100.1", "", ["198.51.100.1"], "198.51.100.1"),
        ("198.51.100.1", " , ", ["198.51.100.1"], "198.51.100.1"),
    ],
    ids=["untrusted", "trusted-proxy", "spoofed-left-entry", "proxy-chain", "empty", "blank"],
)
def test_client_address_believes_x_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, trusted, expected
):
    configure(settings, TRUSTED_PROXIES=trusted)
    request = RequestFactory().post("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert rate_limit.client_ip(request) == expected


# --- No addresses in cache keys -------------------------------------------------------------


def test_rate_limit_cache_key_holds_no_address(settings):
    first = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
    same = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
    other = RequestFactory().post("/", REMOTE_ADDR="203.0.113.78")

    key = rate_limit._client_key(first)

    assert re.fullmatch(r"wagtail_conditions:appointment-rate:[0-9a-f]{32}", key)
    assert "203.0.113.77" not in caches["default"].make_key(key)
    assert key == rate_limit._client_key(same)
    assert key != rate_limit._client_key(other)


@pytest.mark.django_db
def test_cache_holds_no_address_or_answers_after_a_submission(own_form_page, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=5)
    cache = caches["default"]
    cache.clear()

    own_form_page.post(client_from("203.0.113.79"))

    keys = list(cache._cache)  # LocMemCache's store: the full keys
    assert keys, "the submission was not counted"
    for key in keys:
        for value in ["203.0.113.79", "ann.patient", "Ann", "7946"]:
            assert value not in key


# --- A cache that is down never costs a request ---------------------------------------------

DOWN_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "down": DOWN_REDIS_CACHE,
}


@pytest.mark.django_db
def test_rate_limit_cache_down_fails_open_and_every_request_is_stored(
    own_form_page, settings, caplog, django_capture_on_commit_callbacks
):
    pytest.importorskip("redis", reason="the redis package is not installed")
    settings.CACHES = DOWN_CACHES
    configure(settings, APPOINTMENT_RATE_LIMIT=1, APPOINTMENT_RATE_LIMIT_CACHE="down")
    client = client_from("203.0.113.90")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [own_form_page.post(client, reason=f"Request {n}").status_code for n in range(3)]

    assert statuses == [303, 303, 303]  # no limit without its cache, and no 500
    assert AppointmentRequest.objects.filter(status="new").count() == 3
    # The acknowledgement limit uses the same cache: it fails open too, so all three went.
    assert len(mail.outbox) == 6
    assert "Appointment rate limit not applied: the 'down' cache failed (ConnectionError)" in (
        caplog.text
    )
    assert "203.0.113.90" not in caplog.text


@pytest.mark.django_db
def test_one_acknowledgement_per_address_per_interval(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    configure(settings, APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL=3600)

    with django_capture_on_commit_callbacks(execute=True):
        own_form_page.post(client_from("203.0.113.91"), reason="First")
        own_form_page.post(client_from("203.0.113.92"), reason="Second", email="ANN.patient@example.com")
        own_form_page.post(client_from("203.0.113.93"), reason="Third", email="other@example.com")

    acknowledged = sorted(m.to[0] for m in mail.outbox if "We have received" in m.subject)
    assert acknowledged == ["ann.patient@example.com", "other@example.com"]
    second = AppointmentRequest.objects.get(reason="Second")
    assert (second.send_acknowledgement, second.notification_status) == (False, "sent")
    assert second.acknowledged_at is None and second.staff_notified_at is not None


@pytest.mark.django_db
def test_plus_tag_and_case_variants_of_one_address_get_one_acknowledgement(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    configure(settings, APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL=3600)

    with django_capture_on_commit_callbacks(execute=True):
        own_form_page.post(client_from("203.0.113.96"), reason="First", email="Ann+1@Example.com")
        own_form_page.post(client_from("203.0.113.97"), reason="Second", email="ann@example.com")
        own_form_page.post(client_from("203.0.113.98"), reason="Third", email="ANN+2@EXAMPLE.COM")
        own_form_page.post(client_from("203.0.113.99"), reason="Fourth", email="other@example.com")

    acknowledged = sorted(m.to[0] for m in mail.outbox if "We have received" in m.subject)
    assert acknowledged == ["Ann+1@Example.com", "other@example.com"]
    assert AppointmentRequest.objects.count() == 4  # every request is stored all the same
    unacknowledged = AppointmentRequest.objects.filter(send_acknowledgement=False)
    assert sorted(unacknowledged.values_list("reason", flat=True)) == ["Second", "Third"]


@pytest.mark.parametrize(
    "address,canonical",
    [
        ("Ann+1@Example.com", "ann@example.com"),
        (" ANN@EXAMPLE.COM ", "ann@example.com"),
        ("ann+@example.com", "ann@example.com"),
        ("ann+a+b@example.com", "ann@example.com"),
        # Dots are kept: only Gmail ignores them, and elsewhere they tell two people apart.
        ("ann.patient@example.com", "ann.patient@example.com"),
        ("a.n.n@gmail.com", "a.n.n@gmail.com"),
        # Nothing before the "+": the whole local part is the name.
        ("+44@example.com", "+44@example.com"),
        # The domain as Django's mail sends it, however it was spelt.
        ("ann@Bücher.Example", "ann@xn--bcher-kva.example"),
        ("ann@bu\u0308cher.example", "ann@xn--bcher-kva.example"),
        ("ann@XN--BCHER-KVA.example", "ann@xn--bcher-kva.example"),
    ],
)
def test_canonical_address_is_one_spelling_per_mailbox(address, canonical):
    assert rate_limit.canonical_address(address) == canonical


@pytest.mark.django_db
def test_acknowledgement_limit_can_be_turned_off(
    own_form_page, settings, django_capture_on_commit_callbacks
):
    configure(settings, APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL=0)

    with django_capture_on_commit_callbacks(execute=True):
        own_form_page.post(client_from("203.0.113.94"), reason="First")
        own_form_page.post(client_from("203.0.113.95"), reason="Second")

    assert sum("We have received" in m.subject for m in mail.outbox) == 2


# --- Two processes sharing Redis ------------------------------------------------------------

# Runs with DJANGO_SETTINGS_MODULE=tests.settings (same SECRET_KEY, so the same cache keys).
# The rate limit needs only settings and the cache, so the child skips django.setup() and the
# seconds it takes to load every app.
CHILD = textwrap.dedent(
    """
    import sys, time
    import redis
    from django.conf import settings
    settings.SECRET_KEY  # load tests.settings before override_settings wraps them
    from django.test import RequestFactory, override_settings
    from wagtail_conditions.appointments.rate_limit import rate_limit_exceeded

    url, limit, attempts, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": url, "KEY_PREFIX": prefix}}
    barrier, barrier_key = redis.Redis.from_url(url), f"{prefix}:test-barrier"
    with override_settings(CACHES=caches, WAGTAIL_CONDITIONS={
        "APPOINTMENT_RATE_LIMIT": limit, "APPOINTMENT_RATE_LIMIT_WINDOW": 60,
    }):
        request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.50")
        barrier.incr(barrier_key)
        deadline = time.time() + 30
        while int(barrier.get(barrier_key)) < 2 and time.time() < deadline:
            time.sleep(0.01)
        allowed = sum(not rate_limit_exceeded(request) for _ in range(attempts))
    print(allowed)
    """
)


@pytest.fixture
def redis_keys():
    """(a Redis client, a key prefix of this test's own); the prefix's keys are deleted after."""
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} did not answer ({error}); shared-limit test skipped")
    prefix = f"wagtail-conditions-test-{uuid.uuid4().hex}"
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.mark.redis
def test_two_processes_sharing_redis_share_one_limit(redis_keys):
    redis_client, prefix = redis_keys
    limit, attempts = 12, 12
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(REPO_ROOT)}

    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, REDIS_URL, str(limit), str(attempts), prefix],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [child.communicate(timeout=60) for child in children]

    for child, (_out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
    allowed = [int(out.strip().splitlines()[-1]) for out, _err in results]
    assert sum(allowed) == limit, f"allowed per process: {allowed}"


@pytest.mark.redis
def test_a_counter_that_lost_its_expiry_gets_one_back(settings, redis_keys):
    """If the key expires just before INCR, Redis re-creates it with no expiry."""
    redis_client, prefix = redis_keys
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    configure(settings, APPOINTMENT_RATE_LIMIT=5, APPOINTMENT_RATE_LIMIT_WINDOW=60)
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.51")
    cache = caches["default"]
    key = cache.make_key(rate_limit._client_key(request))
    redis_client.set(key, 0)  # what INCR leaves behind: a counter with no expiry

    assert rate_limit.rate_limit_exceeded(request) is False
    assert 0 < redis_client.ttl(key) <= 60


# --- A burst of submissions on PostgreSQL ---------------------------------------------------


# Skipped before any fixture runs, so SQLite pays nothing for these transactional tests.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL (SQLite serialises writers); run with DATABASE_URL=postgres://…",
)


def run_in_threads(function, count, workers):
    def call(n):
        try:
            return function(n)
        finally:
            connection.close()  # each thread had its own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(call, range(count)))


@pytest.fixture
def quiet_form_page(settings):
    """A form that sends no email, so the burst tests measure the database only."""
    configure(settings, APPOINTMENT_RECIPIENTS=[], APPOINTMENT_RATE_LIMIT=10_000)
    caches["default"].clear()
    return FormPage(publish_host_page(form_block(send_acknowledgement=False)))


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_submissions_store_200_requests(quiet_form_page):

    def submit(n):
        client = client_from(f"10.20.{n // 200}.{n % 200 + 1}")
        response = post_form(
            client, quiet_form_page.payload(name=f"Patient {n}", email=f"patient{n}@example.com")
        )
        return response.status_code

    statuses = run_in_threads(submit, 200, workers=25)

    assert statuses == [303] * 200
    assert AppointmentRequest.objects.count() == 200
    assert AppointmentRequest.objects.values("email").distinct().count() == 200


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_20_concurrent_identical_submissions_store_one_request(quiet_form_page):
    payload = quiet_form_page.payload()
    start = threading.Barrier(20)

    def double_click(n):
        start.wait(timeout=30)
        return post_form(client_from("10.30.0.1"), payload).status_code

    statuses = run_in_threads(double_click, 20, workers=20)

    assert statuses == [303] * 20
    assert AppointmentRequest.objects.count() == 1


# --- The start-up check ---------------------------------------------------------------------

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
    ids=["locmem", "dummy"],
)
def test_per_process_rate_limit_cache_in_production_is_warned_about(settings, backend):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": backend}}

    [warning] = checks.check_rate_limit_cache(None)

    assert warning.id == "wagtail_conditions.W003"
    assert isinstance(warning, checks.Warning)
    assert backend.rsplit(".", 1)[-1] in warning.msg
    assert "Redis" in warning.hint and "Memcached" in warning.hint
    assert "APPOINTMENT_RATE_LIMIT_CACHE" in warning.hint


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
    ids=["redis", "memcached", "database", "file"],
)
def test_shared_rate_limit_cache_passes(settings, backend):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "somewhere"}}

    assert checks.check_rate_limit_cache(None) == []


def test_local_memory_cache_is_fine_while_developing(settings):
    settings.DEBUG = True
    settings.CACHES = LOCMEM

    assert checks.check_rate_limit_cache(None) == []


def test_check_looks_at_the_configured_rate_limit_cache(settings):
    settings.DEBUG = False
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"},
    }
    configure(settings, APPOINTMENT_RATE_LIMIT_CACHE="shared")

    assert checks.check_rate_limit_cache(None) == []

    configure(settings, APPOINTMENT_RATE_LIMIT_CACHE="default")
    assert [w.id for w in checks.check_rate_limit_cache(None)] == ["wagtail_conditions.W003"]


def test_manage_py_check_reports_w003_at_start_up(settings):
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    settings.SILENCED_SYSTEM_CHECKS = []  # the test settings silence it: tests run in one process

    with pytest.raises(SystemCheckError, match="wagtail_conditions.W003"):
        call_command("check", "--fail-level", "WARNING", "--tag", "caches")
