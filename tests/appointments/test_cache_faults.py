"""
A cache that is down or hangs never costs a patient's request, in one process (the server
fault tests, tests/appointments/test_server_faults.py, do the same under gunicorn).

Two layouts: the documented production one, where one Redis holds everything behind
``wagtail_conditions.cache.FailSoftRedisCache`` (Wagtail's own reads then miss instead of
raising, so pages answer too), and Django's plain ``RedisCache``, which lets the client's
error escape: there the pipeline's own site lookup reads the database instead, so the request
is still stored, but Wagtail's page rendering fails (which is why the documented settings use
the fail-soft backend).
"""

import json
import logging
import time
import uuid

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.builders.api import json_body
from tests.builders.appointments import BASE_SETTINGS
from tests.builders.servers import SilentServer, closed_port, redis_url
from wagtail_conditions import cache as fail_soft
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

redis = pytest.importorskip("redis", reason="the redis package is not installed")

FAIL_SOFT = "wagtail_conditions.cache.FailSoftRedisCache"
PLAIN = "django.core.cache.backends.redis.RedisCache"


def _redis_cache(backend, location, **options):
    return {
        "BACKEND": backend,
        "LOCATION": location,
        "KEY_PREFIX": f"wc-test-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
    }


def _one_redis(backend, location, **options):
    """The shipped layout: one Redis for everything (Wagtail's caching and the limits)."""
    return {"default": _redis_cache(backend, location, **options)}


@pytest.fixture(autouse=True)
def _closed_circuits():
    fail_soft._unavailable_until.clear()
    yield
    fail_soft._unavailable_until.clear()


def _backend(location, **options):
    return fail_soft.FailSoftRedisCache(location, _redis_cache(FAIL_SOFT, location, **options))


def _outage_lines(caplog):
    return [r for r in caplog.records if r.name == fail_soft.__name__ and r.levelno >= 40]


# --- The backend ------------------------------------------------------------------------------


@pytest.fixture
def live_redis():
    client = redis.Redis.from_url(redis_url(), socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {redis_url()} did not answer ({error}); fail-soft tests skipped")
    return redis_url()


@pytest.mark.redis
def test_while_redis_answers_it_is_djangos_redis_cache(live_redis):
    cache = _backend(live_redis)

    assert cache.add("k", 1, 60) is True and cache.add("k", 2, 60) is False
    assert cache.get("k") == 1 and cache.get("missing", "default") == "default"
    assert cache.incr("k") == 2
    assert cache.touch("k", 60) is True and cache.has_key("k")
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.delete("a") is True
    cache.delete_many(["b", "k"])
    assert cache.get_many(["a", "b", "k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.available


def test_while_redis_refuses_it_answers_as_an_empty_cache_and_logs_once(caplog):
    cache = _backend(f"redis://127.0.0.1:{closed_port()}/0")

    with caplog.at_level(logging.WARNING):
        # Django's DummyCache answers, call for call.
        assert cache.add("k", 1, 60) is True
        assert cache.get("k") is None and cache.get("k", "default") == "default"
        assert cache.set("k", 1, 60) is None
        assert cache.touch("k") is False and cache.delete("k") is False
        assert cache.has_key("k") is False
        assert cache.get_many(["k"]) == {} and cache.set_many({"k": 1}) == []
        assert cache.delete_many(["k"]) is None and cache.clear() is None
        assert cache.get_or_set("k", 5) == 5
        with pytest.raises(ValueError):
            cache.incr("k")

    assert not cache.available
    [line] = _outage_lines(caplog)
    assert "unavailable (ConnectionError)" in line.getMessage()
    assert "the appointment rate limit is not applied" in line.getMessage()


def test_a_hung_redis_costs_one_socket_timeout_per_interval_not_per_call():
    with SilentServer() as hung:
        cache = _backend(f"redis://127.0.0.1:{hung.port}/0", socket_timeout=0.3)
        started = time.monotonic()
        answers = [cache.get(f"key-{n}", "miss") for n in range(50)]
        elapsed = time.monotonic() - started

    assert answers == ["miss"] * 50
    # The first call waits for its timeout (the connect succeeds, the answer never comes);
    # the other 49 do not ask.
    assert 0.3 <= elapsed < 1.5, elapsed


@pytest.mark.redis
def test_after_the_interval_it_asks_again_and_recovers(live_redis, caplog):
    cache = _backend(live_redis, RETRY_AFTER=0.2)
    cache.set("k", "v", 60)
    with caplog.at_level(logging.WARNING):
        cache._mark_unavailable(redis.exceptions.ConnectionError("test"))
        assert cache.get("k") is None  # not asked while the circuit is open
        time.sleep(0.25)
        assert cache.get("k") == "v"

    assert cache.available
    assert [r.getMessage().split(" ", 2)[2] for r in caplog.records] == [
        "unavailable (ConnectionError): serving without it, asking again every 0.2 s "
        "(cache reads miss; the appointment rate limit is not applied)",
        "answers again",
    ]


def test_the_interval_is_an_option_of_its_own_not_passed_to_redis():
    cache = _backend("redis://127.0.0.1:6379/0", RETRY_AFTER=7)

    assert cache.retry_after == 7
    assert "RETRY_AFTER" not in cache._options


def test_log_lines_name_the_host_never_the_password(caplog):
    cache = _backend(f"redis://:s3cret@127.0.0.1:{closed_port()}/0")

    with caplog.at_level(logging.WARNING):
        cache.get("k")

    assert "s3cret" not in caplog.text and "127.0.0.1" in caplog.text


# --- The pipeline, with one Redis for everything that is down ---------------------------------


def _faces(form_page):
    """(face, send) for each way a patient can send a request: (status, follow-up status)."""

    def html(n):
        client = Client(REMOTE_ADDR="203.0.113.7")
        response = form_page.post(client, reason=f"Request {n}")
        # The thank-you page the browser follows, rendered by Wagtail from the cache-less site.
        thanks = client.get(response["Location"]) if response.status_code == 303 else None
        return response.status_code, thanks and thanks.status_code

    def plain_json(n):
        body = json_body(form_page, reason=f"Request {n}")
        url = reverse("wagtail_conditions:appointment_api_submit")
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            url, json.dumps(body), content_type="application/json"
        )
        return response.status_code, None

    def v3_json(n):
        body = json_body(form_page, reason=f"Request {n}")
        url = reverse("wagtailapi_v3:wagtail_conditions_appointment_submit")
        response = Client(REMOTE_ADDR="203.0.113.7").post(
            url, json.dumps(body), content_type="application/json"
        )
        return response.status_code, None

    faces = [("html", html, (303, 200)), ("json", plain_json, (201, None))]
    if HAS_API_V3:
        faces.append(("v3", v3_json, (201, None)))
    return faces


def _settings(caches_setting, **overrides):
    return override_settings(
        CACHES=caches_setting,
        WAGTAIL_CONDITIONS={
            **BASE_SETTINGS,
            # Would refuse all but the first, if it could count.
            "APPOINTMENT_RATE_LIMIT": 1,
            "APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL": 3600,
            **overrides,
        },
    )


@pytest.mark.django_db
def test_default_cache_refused_every_request_is_stored_and_pages_answer(
    own_form_page, django_capture_on_commit_callbacks, caplog
):
    location = f"redis://127.0.0.1:{closed_port()}/0"
    faces = _faces(own_form_page)
    with (
        _settings(_one_redis(FAIL_SOFT, location)),
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answers = {face: [send(n) for n in range(3)] for face, send, _expected in faces}
        page = Client().get(own_form_page.page.url)

    for face, _send, expected in faces:
        assert answers[face] == [expected] * 3, face
    assert page.status_code == 200
    assert AppointmentRequest.objects.filter(status="new").count() == 3 * len(faces)
    # The limits fail open: every patient is acknowledged (one address, a limit of one an hour).
    acknowledgements = [m for m in mail.outbox if "We have received" in m.subject]
    assert len(acknowledgements) == 3 * len(faces)
    # One line says so, for the whole outage, in this process.
    assert len(_outage_lines(caplog)) == 1
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_default_cache_hung_every_request_is_stored_within_the_socket_timeout(
    own_form_page, django_capture_on_commit_callbacks
):
    faces = _faces(own_form_page)
    with SilentServer() as hung:
        location = f"redis://127.0.0.1:{hung.port}/0"
        with (
            _settings(_one_redis(FAIL_SOFT, location)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            started = time.monotonic()
            answers = [send(0) for _face, send, _expected in faces]
            elapsed = time.monotonic() - started

    assert answers == [expected for _face, _send, expected in faces]
    assert AppointmentRequest.objects.count() == len(faces)
    # One socket timeout (0.5 s) for the lot, not one per cache call.
    assert elapsed < 0.5 + 3, elapsed


@pytest.mark.django_db
def test_plain_redis_cache_refused_the_request_is_still_stored(
    own_form_page, django_capture_on_commit_callbacks, caplog
):
    """Django's own RedisCache raises; the pipeline's site lookup reads the database instead,
    so no request is lost (Wagtail's pages need the fail-soft backend to render)."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    url = reverse("wagtail_conditions:appointment_api_submit")
    with (
        _settings(_one_redis(PLAIN, location)),
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client = Client(REMOTE_ADDR="203.0.113.8")
        html = own_form_page.post(client, reason="HTML")
        json_answer = client.post(
            url,
            json.dumps(json_body(own_form_page, reason="JSON")),
            content_type="application/json",
        )

    assert (html.status_code, json_answer.status_code) == (303, 201)
    assert sorted(AppointmentRequest.objects.values_list("reason", flat=True)) == ["HTML", "JSON"]
    assert "reading the site from the database" in caplog.text
    assert "Appointment rate limit not applied" in caplog.text
