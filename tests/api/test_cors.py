"""
Cross-origin use of the APIs with django-cors-headers, set up as docs/api.md describes: a front
end on a listed origin may read ``/api/`` and POST appointment requests with the
``Idempotency-Key`` header; no other origin may, no cookies are ever allowed across origins,
and nothing outside ``/api/`` is opened up.
"""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.builders.appointments import FORM_ID
from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

FRONTEND = "https://frontend.example"
STRANGER = "https://evil.example"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"

SUBMIT_URLS = [
    pytest.param("/api/appointments/", id="api"),
    pytest.param(
        "/api/v3/appointments/",
        id="api-v3",
        marks=pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8"),
    ),
]


def preflight(client, url, origin, headers="content-type, idempotency-key"):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def submission(form_page, **overrides):
    return json.dumps(
        {
            "page": form_page.page.pk,
            "block": FORM_ID,
            "token": make_form_token(form_page.page.pk, FORM_ID),
            "name": "Ann Patient",
            "email": "ann@example.com",
            "consent": True,
            **overrides,
        }
    )


def split(header):
    return {item.strip().lower() for item in header.split(",")}


# --- Preflight ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_preflight_from_the_listed_origin_allows_post_json_and_idempotency_key(
    client, form_page, url
):
    response = preflight(client, url, FRONTEND)

    assert response.status_code == 200
    assert response[ALLOW_ORIGIN] == FRONTEND
    assert "post" in split(response["Access-Control-Allow-Methods"])
    assert {"content-type", "idempotency-key"} <= split(response["Access-Control-Allow-Headers"])
    assert ALLOW_CREDENTIALS not in response
    assert "origin" in split(response["Vary"])


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_preflight_from_an_unlisted_origin_gets_no_allow_origin(client, form_page, url):
    response = preflight(client, url, STRANGER)

    assert ALLOW_ORIGIN not in response
    assert ALLOW_CREDENTIALS not in response
    assert "Access-Control-Allow-Headers" not in response


@pytest.mark.parametrize(
    "origin", ["null", "http://frontend.example", "https://frontend.example.evil.example"]
)
def test_preflight_from_a_look_alike_origin_gets_no_allow_origin(client, form_page, origin):
    response = preflight(client, "/api/appointments/", origin)

    assert ALLOW_ORIGIN not in response


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_options_that_is_not_a_preflight_is_a_405_problem(client, form_page, url):
    response = client.options(url, HTTP_ORIGIN=FRONTEND)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "POST"
    assert response.json()["status"] == 405
    assert response[ALLOW_ORIGIN] == FRONTEND  # so the front end can read the problem


# --- Actual requests ------------------------------------------------------------------------


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_post_from_the_listed_origin_works_without_cookies(form_page, url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url,
        submission(form_page),
        content_type="application/json",
        HTTP_ORIGIN=FRONTEND,
        HTTP_IDEMPOTENCY_KEY="retry-1",
    )

    assert response.status_code == 201, response.content
    assert response[ALLOW_ORIGIN] == FRONTEND
    assert ALLOW_CREDENTIALS not in response
    assert not response.cookies
    assert AppointmentRequest.objects.count() == 1


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_problem_from_the_listed_origin_is_readable(client, form_page, url):
    response = client.post(
        url,
        submission(form_page, email="bad"),
        content_type="application/json",
        HTTP_ORIGIN=FRONTEND,
    )

    assert response.status_code == 422
    assert response[ALLOW_ORIGIN] == FRONTEND


def test_retry_after_of_a_429_is_exposed_to_the_front_end(client, form_page, settings):
    from tests.builders.appointments import configure

    configure(settings, APPOINTMENT_RATE_LIMIT=0)

    response = client.post(
        "/api/appointments/",
        submission(form_page),
        content_type="application/json",
        HTTP_ORIGIN=FRONTEND,
    )

    assert response.status_code == 429
    assert response[ALLOW_ORIGIN] == FRONTEND
    assert "retry-after" in split(response["Access-Control-Expose-Headers"])


@pytest.mark.parametrize("url", SUBMIT_URLS)
def test_post_from_an_unlisted_origin_gets_no_allow_origin(client, form_page, url):
    # CORS is enforced by browsers: the server answers, but a browser on another origin may
    # not read the answer. The form token, honeypot and rate limit protect the endpoint.
    response = client.post(
        url, submission(form_page), content_type="application/json", HTTP_ORIGIN=STRANGER
    )

    assert ALLOW_ORIGIN not in response
    assert ALLOW_CREDENTIALS not in response


def test_api_v2_pages_are_readable_from_the_listed_origin(client, form_page):
    response = client.get("/api/v2/pages/", HTTP_ORIGIN=FRONTEND)

    assert response.status_code == 200
    assert response[ALLOW_ORIGIN] == FRONTEND
    assert ALLOW_CREDENTIALS not in response


@pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8")
def test_api_v3_pages_are_readable_from_the_listed_origin(client, form_page):
    response = client.get("/api/v3/pages/", HTTP_ORIGIN=FRONTEND)

    assert response.status_code == 200
    assert response[ALLOW_ORIGIN] == FRONTEND
    assert ALLOW_CREDENTIALS not in response


@pytest.mark.parametrize(
    "url", ["/appointments/submit/", "/admin/", "/", "/appointments/sent/1/x/"]
)
def test_nothing_outside_api_is_opened_to_other_origins(client, form_page, url):
    assert ALLOW_ORIGIN not in preflight(client, url, FRONTEND)
    assert ALLOW_ORIGIN not in client.get(url, HTTP_ORIGIN=FRONTEND)


# --- The settings, in the test suite and in the example site ---------------------------------


def load_example_site_settings(monkeypatch, origins=None):
    if origins is None:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)
    else:
        monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origins)
    path = Path(__file__).resolve().parents[2] / "example_site/example_site/settings/base.py"
    spec = importlib.util.spec_from_file_location("example_site_settings_base", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_cors_set_up(config):
    assert config.MIDDLEWARE[0] == "corsheaders.middleware.CorsMiddleware"
    assert "corsheaders" in config.INSTALLED_APPS
    assert config.CORS_URLS_REGEX == r"^/api/.*$"
    assert config.CORS_ALLOW_CREDENTIALS is False
    assert "idempotency-key" in config.CORS_ALLOW_HEADERS
    assert "content-type" in config.CORS_ALLOW_HEADERS
    assert not getattr(config, "CORS_ALLOW_ALL_ORIGINS", False)


def test_the_test_settings_set_up_cors_as_documented():
    assert_cors_set_up(settings)
    assert settings.CORS_ALLOWED_ORIGINS == [FRONTEND]


def test_the_example_site_allows_local_front_ends_by_default(monkeypatch):
    config = load_example_site_settings(monkeypatch)

    assert_cors_set_up(config)
    assert config.CORS_ALLOWED_ORIGINS == ["http://localhost:3000", "http://127.0.0.1:3000"]


def test_the_example_site_reads_allowed_origins_from_the_environment(monkeypatch):
    config = load_example_site_settings(
        monkeypatch, " https://www.clinic.example, https://app.clinic.example ,"
    )

    assert config.CORS_ALLOWED_ORIGINS == [
        "https://www.clinic.example",
        "https://app.clinic.example",
    ]
