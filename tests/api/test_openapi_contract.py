"""
The OpenAPI contract of ``POST /api/v3/appointments/``: real answers of the real endpoint,
one for every documented status, each validated with openapi-core against the document that
``/api/v3/openapi.json`` publishes: its status, its content type (errors are
``application/problem+json``), its body and its required headers (``Retry-After``).
"""

import json

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.urls import reverse

from tests.builders.api import OMIT, json_body
from tests.builders.appointments import configure
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

if not HAS_API_V3:
    import wagtail

    pytest.skip(
        f"API v3 is new in Wagtail 8; this is Wagtail {wagtail.__version__}.",
        allow_module_level=True,
    )

openapi_core = pytest.importorskip("openapi_core", reason="openapi-core is in the testing extra")
openapi_django = pytest.importorskip("openapi_core.contrib.django")

pytestmark = pytest.mark.django_db

PATH = "/api/v3/appointments/"
ERROR_STATUSES = ["400", "403", "404", "409", "413", "415", "422", "429", "503"]


def url():
    return reverse("wagtailapi_v3:wagtail_conditions_appointment_submit")


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


def valid_document(document):
    """The document, with the one entry of Wagtail 8.0's own that is not valid OpenAPI (its
    ``AllowAnonymous`` scheme lacks ``scheme``) patched as in tests/test_api_v3.py."""
    schemes = document["components"].get("securitySchemes", {})
    if schemes.get("AllowAnonymous") == {"type": "http"}:
        schemes = {**schemes, "AllowAnonymous": {"type": "http", "scheme": "anonymous"}}
        document = {
            **document,
            "components": {**document["components"], "securitySchemes": schemes},
        }
    return document


@pytest.fixture(scope="module")
def spec(document):
    # from_dict validates the document itself first. openapi-core reads only
    # application/json (and vnd.api+json) bodies as JSON unless told about problem+json.
    config = openapi_core.Config(
        extra_media_type_deserializers={"application/problem+json": json.loads}
    )
    return openapi_core.OpenAPI.from_dict(valid_document(document), config=config)


def assert_conforms(spec, response, status):
    """``response`` has ``status``, the documented content type, and validates against the
    OpenAPI document (body, content type and headers)."""
    assert response.status_code == status, response.content[:500]
    expected_type = "application/json" if status == 201 else "application/problem+json"
    assert response["Content-Type"] == expected_type
    assert "no-store" in response["Cache-Control"]
    spec.validate_response(
        openapi_django.DjangoOpenAPIRequest(response.wsgi_request),
        openapi_django.DjangoOpenAPIResponse(response),
    )
    return response.json()


# --- The document ---------------------------------------------------------------------------


def test_the_document_says_errors_are_problem_json(document):
    operation = document["paths"][PATH]["post"]
    responses = operation["responses"]

    assert sorted(responses) == ["201", *ERROR_STATUSES]
    assert list(responses["201"]["content"]) == ["application/json"]
    for status in ERROR_STATUSES:
        assert list(responses[status]["content"]) == ["application/problem+json"], status
        schema = responses[status]["content"]["application/problem+json"]["schema"]
        assert schema["properties"]["status"] == {"const": int(status)}
        assert {"type", "title", "status", "detail"} <= set(schema["required"])
    assert (
        responses["403"]["content"]["application/problem+json"]["schema"]["properties"]["token"][
            "type"
        ]
        == "string"
    )
    assert "token" in responses["403"]["content"]["application/problem+json"]["schema"]["required"]
    assert "errors" in responses["422"]["content"]["application/problem+json"]["schema"]["required"]
    for status in ("429", "503"):
        assert responses[status]["headers"]["Retry-After"]["required"] is True


def test_the_document_says_what_a_request_must_hold(document):
    operation = document["paths"][PATH]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]

    assert operation["requestBody"]["required"] is True
    assert set(schema["required"]) == {"page", "block", "token", "name", "email", "consent"}
    assert schema["additionalProperties"] is False
    assert schema["properties"]["name"]["minLength"] == 1
    assert schema["properties"]["email"]["minLength"] == 1
    assert schema["properties"]["consent"] == {"const": True, "description": "Must be true."}
    (header,) = operation["parameters"]
    assert (header["name"], header["in"], header["required"]) == (
        "Idempotency-Key",
        "header",
        False,
    )


def test_the_receipt_reference_is_the_short_reference(document):
    receipt = document["components"]["schemas"]["AppointmentReceipt"]
    assert receipt["required"] == ["status", "reference", "message"]
    assert receipt["properties"]["reference"]["pattern"] == (
        "^AR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{2}$"
    )


# --- The validator is strict enough to catch a wrong answer ----------------------------------


@pytest.mark.parametrize(
    "status,content_type,body",
    [
        # A problem sent as application/json: what ninja documents by default.
        (
            404,
            "application/json",
            {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "x"},
        ),
        # A 403 without the new token.
        (
            403,
            "application/problem+json",
            {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": "x"},
        ),
        # A UUID reference.
        (
            201,
            "application/json",
            {
                "status": "received",
                "reference": "5ff67749-b691-47d7-9f8a-783d5c5a6fe1",
                "message": "Thanks.",
            },
        ),
        # An undocumented status.
        (
            500,
            "application/problem+json",
            {"type": "about:blank", "title": "Server Error", "status": 500, "detail": "x"},
        ),
    ],
    ids=["problem-as-json", "403-without-token", "uuid-reference", "500"],
)
def test_an_answer_unlike_the_document_fails_validation(
    spec, form_page, client, status, content_type, body
):
    request = client.post(url(), b"{}", content_type="application/json").wsgi_request
    response = HttpResponse(json.dumps(body), status=status, content_type=content_type)

    with pytest.raises(openapi_core.exceptions.OpenAPIError):
        spec.validate_response(
            openapi_django.DjangoOpenAPIRequest(request),
            openapi_django.DjangoOpenAPIResponse(response),
        )


def test_a_429_without_retry_after_fails_validation(spec, form_page, client):
    request = client.post(url(), b"{}", content_type="application/json").wsgi_request
    body = {"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": "x"}
    response = HttpResponse(json.dumps(body), status=429, content_type="application/problem+json")

    with pytest.raises(openapi_core.exceptions.OpenAPIError):
        spec.validate_response(
            openapi_django.DjangoOpenAPIRequest(request),
            openapi_django.DjangoOpenAPIResponse(response),
        )


# --- Every status, produced by the real endpoint ---------------------------------------------


def test_201_receipt(spec, form_page, send):
    receipt = assert_conforms(spec, send(url(), json_body(form_page)), 201)

    assert AppointmentRequest.objects.get().reference == receipt["reference"]


def test_201_receipt_for_a_request_held_as_spam(spec, form_page, send):
    receipt = assert_conforms(
        spec, send(url(), json_body(form_page, website="https://spam.example")), 201
    )

    row = AppointmentRequest.objects.get()
    assert (row.reference, row.status, row.spam_reason) == (
        receipt["reference"],
        "spam",
        "honeypot",
    )


def test_400_malformed_json(spec, form_page, send):
    assert_conforms(spec, send(url(), '{"page": 1, "name": '), 400)


def test_403_with_a_token_that_works(spec, form_page, send):
    problem = assert_conforms(spec, send(url(), json_body(form_page, token=OMIT)), 403)

    assert_conforms(spec, send(url(), json_body(form_page, token=problem["token"])), 201)


def test_404_unknown_form(spec, form_page, send):
    assert_conforms(spec, send(url(), json_body(form_page, page=999_999)), 404)


def test_409_idempotency_key_reused_with_other_answers(spec, form_page, send):
    key = {"HTTP_IDEMPOTENCY_KEY": "press-1"}
    assert_conforms(spec, send(url(), json_body(form_page), **key), 201)

    assert_conforms(spec, send(url(), json_body(form_page, reason="Something else."), **key), 409)
    assert AppointmentRequest.objects.count() == 1


def test_413_body_too_large(spec, form_page, send):
    body = json.dumps(json_body(form_page, reason="x" * 16 * 1024))

    assert_conforms(spec, send(url(), body), 413)


def test_415_not_json(spec, form_page, send):
    assert_conforms(spec, send(url(), json_body(form_page), content_type="text/plain"), 415)


@pytest.mark.parametrize(
    "overrides",
    [{"status": "archived"}, {"email": "not-an-email"}, {"name": "\u200b\u200b"}],
    ids=["key-never-accepted", "form-error", "zero-width-name"],
)
def test_422_invalid(spec, form_page, send, overrides):
    problem = assert_conforms(spec, send(url(), json_body(form_page, **overrides)), 422)

    assert [error["loc"] for error in problem["errors"]] == [["body", *overrides]]


def test_429_rate_limited_with_retry_after(spec, form_page, send, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=1)
    assert_conforms(spec, send(url(), json_body(form_page)), 201)

    response = send(url(), json_body(form_page, reason="Again."))

    assert_conforms(spec, response, 429)
    assert response["Retry-After"] == "600"


def _database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_503_database_down_with_retry_after(spec, form_page, send):
    with connection.execute_wrapper(_database_down):
        response = send(url(), json_body(form_page))

    assert_conforms(spec, response, 503)
    assert response["Retry-After"] == "60"
    assert AppointmentRequest.objects.count() == 0
