"""
The catalogue of JSON appointment requests: what a headless front end, a script or an attacker
may send to ``/api/appointments/`` and, on Wagtail 8, to the same operation on API v3
(``/api/v3/appointments/``). Both endpoints run every case and must answer identically.

Every case states its exact status and body: a receipt (201) or an RFC 7807 problem
(``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and, for 422,
``errors`` shaped ``{"type", "loc": ["body", field], "msg"}``; a 403 also carries a new
``token``). Every case also proves what was stored and mailed: on-commit callbacks are
executed, so a stored row would have sent its two emails (staff notification and
acknowledgement), and a row held as spam none.
"""

import datetime
import json
import logging
import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
import wagtail
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.builders.api import OMIT, error, json_body, problem
from tests.builders.appointments import (
    BASE_SETTINGS,
    FORM_ID,
    OTHER_FORM_ID,
    THANK_YOU,
    FormPage,
    configure,
    form_block,
    publish_host_page,
    valid_answers,
)
from wagtail_conditions.appointments.references import REFERENCE_RE
from wagtail_conditions.appointments.tokens import TOKEN_SALT, make_form_token, read_form_token
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

NO_API_V3 = (
    f"API v3 is new in Wagtail 8; this is Wagtail {wagtail.__version__}, which has only the "
    "plain /api/appointments/ endpoint"
)
needs_api_v3 = pytest.mark.skipif(not HAS_API_V3, reason=NO_API_V3)


def plain_url():
    return reverse("wagtail_conditions:appointment_api_submit")


def v3_url():
    return reverse("wagtailapi_v3:wagtail_conditions_appointment_submit")


ENDPOINTS = {"api": plain_url, "api-v3": v3_url}


@pytest.fixture(
    params=[pytest.param("api"), pytest.param("api-v3", marks=needs_api_v3)],
)
def endpoint(request):
    """The URL of one of the two JSON endpoints; every test using it runs against both."""
    return ENDPOINTS[request.param]()


def test_the_endpoints_are_where_the_docs_say():
    assert plain_url() == "/api/appointments/"
    if HAS_API_V3:
        assert v3_url() == "/api/v3/appointments/"


# --- Building and sending requests ----------------------------------------------------------
# (``json_body``, ``OMIT``, ``problem`` and ``error`` are in tests/builders/api.py.)


class FreshToken:
    """Equal to a new form token for ``block``: genuine and current. (Whether it is dated back
    by the minimum fill time depends on the token refused: see the tests of the 403's token.)"""

    def __init__(self, block=FORM_ID):
        self.block = block

    def __eq__(self, other):
        if not isinstance(other, str):
            return False
        page_id = signing.loads(other, salt=TOKEN_SALT)["p"]
        read_form_token(other, page_id=page_id, block_id=self.block)  # raises unless both
        return True

    def __repr__(self):
        return f"<a fresh token for {self.block}>"


def assert_problem(response, expected):
    assert response.status_code == expected["status"], response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == expected
    assert "no-store" in response["Cache-Control"]
    return response.json()


def assert_receipt(response, submitted=None, message=THANK_YOU):
    """A 201 receipt: status, reference and message, and none of the submitted values."""
    assert response.status_code == 201, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    receipt = response.json()
    assert set(receipt) == {"status", "reference", "message"}
    assert receipt["status"] == "received"
    assert receipt["message"] == message
    assert REFERENCE_RE.match(receipt["reference"]), receipt["reference"]
    text = response.content.decode() + repr(sorted(response.headers.items()))
    for key, value in (submitted or {}).items():
        if key in ("name", "email", "phone", "reason", "preferred_date", "token"):
            assert json.dumps(value)[1:-1] not in text, f"the response repeats the {key}"
    return receipt


def assert_nothing_stored_or_sent():
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []


def assert_one_stored_and_mailed(reference):
    row = AppointmentRequest.objects.get()
    assert row.reference == reference
    assert (row.status, row.spam_reason) == ("new", "")
    assert len(mail.outbox) == 2  # staff notification and acknowledgement
    return row


def assert_one_held_as_spam(reference, reason):
    """Stored, so nothing a real patient sends is lost, but flagged and never notified."""
    row = AppointmentRequest.objects.get()
    assert (row.reference, row.status, row.spam_reason) == (reference, "spam", reason)
    assert row.notification_status == "not_required"
    assert mail.outbox == []
    return row


# --- The catalogue --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One request and its exact answer.

    ``body`` is a dict of overrides on a valid submission (``OMIT`` leaves a key out), or a
    function of the ``FormPage`` returning what to send. ``expected`` is the problem body,
    or None for a 201 receipt; ``spam`` is the reason a receipted request is held as spam,
    or "" for a request stored and notified.
    """

    id: str
    body: object
    expected: dict | None = None
    spam: str = ""
    content_type: str = "application/json"
    meta: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def build(self, form_page):
        if callable(self.body):
            return self.body(form_page)
        return json_body(form_page, **self.body)


EMPTY_BODY = problem(400, "The request body is empty. Send the answers as a JSON object.")
NOT_UTF_8 = problem(400, "The request body is not valid UTF-8.")
NOT_A_NUMBER = problem(
    400, "The request body is not valid JSON: NaN and Infinity are not JSON numbers."
)
TOO_DEEP = problem(400, "The request body is not valid JSON: it is nested too deeply.")


def not_json(problem_at):
    return problem(400, f"The request body is not valid JSON: {problem_at}.")


NOT_AN_OBJECT = problem(422, "Validation failed", [error(None, "Send a JSON object.", "dict_type")])
TOO_LARGE = problem(413, "The request body is too large.")
NOT_JSON_TYPE = problem(415, "Send the request as application/json.")
BAD_TOKEN = problem(
    403,
    "The form token is missing, invalid or expired. Send the request again with the token in "
    "this answer.",
    token=FreshToken(),
)
NO_FORM = problem(404, "There is no such appointment form.")


def invalid(*errors):
    return problem(422, "Validation failed", list(errors))


def not_a_string(key):
    return invalid(error(key, "Give this field as a string.", "string_type"))


def not_accepted(key):
    return invalid(error(key, "This field is not accepted.", "extra_forbidden"))


def not_asked(key):
    return error(key, "This form does not ask for this field.", "extra_forbidden")


CONTROL = "Remove line breaks and control characters from this answer."
EMAIL_BREAKS = "Enter an email address without line breaks."
NO_CONSENT = "Tick the box to agree before sending your request."
NUL = "\x00"


def raw(text):
    return lambda form_page: text


def encoded(form_page):
    return urlencode(json_body(form_page))


def forged_token(form_page):
    payload = {"p": form_page.page.pk, "b": FORM_ID, "t": int(time.time()), "n": "forged"}
    token = signing.dumps(payload, key="not-the-site-secret", salt=TOKEN_SALT, compress=False)
    return json_body(form_page, token=token)


def signed_token(**payload):
    """A body whose token is genuinely signed (with the site's key) but carries ``payload``
    over a current, well-formed one: what a leaked key or a bug elsewhere could produce."""

    def build(form_page):
        token = {"p": form_page.page.pk, "b": FORM_ID, "t": int(time.time()), "n": "x", **payload}
        return json_body(form_page, token=signing.dumps(token, salt=TOKEN_SALT, compress=False))

    return build


def over_the_limit(form_page):
    body = json.dumps(json_body(form_page, reason="x" * 100))
    return body + " " * (16 * 1024 + 1 - len(body.encode()))


CASES = [
    # 201: stored, one row and its two emails.
    Case("valid-every-question", {}),
    Case(
        "valid-only-what-is-always-asked",
        {
            key: OMIT
            for key in ("phone", "preferred_date", "preferred_time", "patient_status", "reason")
        },
    ),
    Case("valid-optional-answers-null", {"phone": None, "reason": None, "website": None}),
    Case("valid-charset-parameter", {}, content_type="application/json; charset=utf-8"),
    Case("valid-body-exactly-at-the-size-limit", lambda fp: over_the_limit(fp)[:-1]),
    # 201, the same receipt, for a valid request held as spam: stored, never notified, so a
    # bot learns nothing and a real patient is never lost.
    Case("honeypot-filled", {"website": "https://spam.example"}, spam="honeypot"),
    Case("honeypot-with-nul", {"website": NUL}, spam="honeypot"),
    Case("too-fast", {}, spam="too_fast", settings={"APPOINTMENT_MIN_FILL_SECONDS": 60}),
    # The default minimum fill time (3 s), and a token issued this very second.
    Case("token-0-seconds-old", {}, spam="too_fast", settings={"APPOINTMENT_MIN_FILL_SECONDS": 3}),
    # 400: not JSON, each with a message saying what is wrong.
    Case(
        "malformed-json",
        raw('{"page": 1, "name": '),
        not_json("Expecting value at line 1, column 21"),
    ),
    Case(
        "empty-body-content-length-0",
        raw(""),
        EMPTY_BODY,
        meta={"CONTENT_LENGTH": "0", "CONTENT_TYPE": "application/json"},
    ),
    Case("whitespace-only-body", raw(" \n "), EMPTY_BODY),
    Case(
        "single-quoted-json",
        raw("{'page': 1}"),
        not_json("Expecting property name enclosed in double quotes at line 1, column 2"),
    ),
    Case("nan-is-not-json", raw('{"page": NaN}'), NOT_A_NUMBER),
    Case("infinity-is-not-json", raw('{"page": 1, "consent": -Infinity}'), NOT_A_NUMBER),
    Case("invalid-utf-8", lambda fp: b'{"name": "\xff\xfe"}', NOT_UTF_8),
    Case("trailing-data", raw('{"page": 1} {}'), not_json("Extra data at line 1, column 13")),
    Case(
        "raw-tab-in-a-string",
        raw('{"name": "Ann\tPatient"}'),
        not_json("Invalid control character at line 1, column 14"),
    ),
    # Deeper than Python's recursion limit, within the size limit.
    Case("arrays-nested-16000-deep", raw("[" * 16_000), TOO_DEEP),
    Case("objects-nested-2500-deep", raw('{"a": ' * 2500), TOO_DEEP),
    # 422: JSON, but not an object.
    Case("top-level-array", lambda fp: [json_body(fp)], NOT_AN_OBJECT),
    Case("top-level-string", raw('"page=1&name=Ann"'), NOT_AN_OBJECT),
    Case("top-level-number", raw("42"), NOT_AN_OBJECT),
    Case("top-level-null", raw("null"), NOT_AN_OBJECT),
    # 422: wrong types.
    Case(
        "page-as-string",
        {"page": "1"},
        invalid(error("page", "Give the page id as an integer.", "int_type")),
    ),
    Case(
        "page-as-float",
        {"page": 1.0},
        invalid(error("page", "Give the page id as an integer.", "int_type")),
    ),
    Case(
        "page-as-boolean",
        {"page": True},
        invalid(error("page", "Give the page id as an integer.", "int_type")),
    ),
    Case(
        "page-missing", {"page": OMIT}, invalid(error("page", "This field is required.", "missing"))
    ),
    Case(
        "consent-as-yes",
        {"consent": "yes"},
        invalid(error("consent", "Give consent as true or false.", "bool_type")),
    ),
    Case(
        "consent-as-1",
        {"consent": 1},
        invalid(error("consent", "Give consent as true or false.", "bool_type")),
    ),
    Case("name-as-number", {"name": 42}, not_a_string("name")),
    Case("name-as-list", {"name": ["Ann", "Patient"]}, not_a_string("name")),
    Case("email-as-object", {"email": {"address": "a@example.com"}}, not_a_string("email")),
    Case("token-as-number", {"token": 12345}, not_a_string("token")),
    Case(
        "several-wrong-types-in-body-order",
        {"name": 1, "page": "1", "email": [], "consent": "true"},
        invalid(
            error("page", "Give the page id as an integer.", "int_type"),
            error("consent", "Give consent as true or false.", "bool_type"),
            error("name", "Give this field as a string.", "string_type"),
            error("email", "Give this field as a string.", "string_type"),
        ),
    ),
    # 422: keys the client may not set, never written.
    Case("unknown-key-id", {"id": 1}, not_accepted("id")),
    Case("unknown-key-status", {"status": "archived"}, not_accepted("status")),
    Case("unknown-key-page-id", {"page_id": 1}, not_accepted("page_id")),
    Case(
        "unknown-key-notification-status",
        {"notification_status": "sent"},
        not_accepted("notification_status"),
    ),
    Case(
        "unknown-key-created-at", {"created_at": "2020-01-01T00:00:00Z"}, not_accepted("created_at")
    ),
    # 422: the form's own validation, as on the HTML path.
    Case("consent-false", {"consent": False}, invalid(error("consent", NO_CONSENT, "required"))),
    Case("consent-missing", {"consent": OMIT}, invalid(error("consent", NO_CONSENT, "required"))),
    Case(
        "name-missing", {"name": OMIT}, invalid(error("name", "Enter your full name.", "required"))
    ),
    Case(
        "email-invalid",
        {"email": "not-an-email"},
        invalid(
            error(
                "email",
                "Enter an email address in the correct format, like name@example.com.",
                "invalid",
            )
        ),
    ),
    Case(
        "name-over-100-characters",
        {"name": "x" * 101},
        invalid(
            error(
                "name", "Ensure this value has at most 100 characters (it has 101).", "max_length"
            )
        ),
    ),
    Case(
        "name-with-nul",
        {"name": f"Ann{NUL}Patient"},
        invalid(error("name", CONTROL, "control_character")),
    ),
    Case(
        "email-with-nul",
        {"email": f"ann{NUL}@example.com"},
        invalid(error("email", EMAIL_BREAKS, "control_character")),
    ),
    Case(
        "phone-with-nul",
        {"phone": f"0123{NUL}456789"},
        invalid(error("phone", CONTROL, "control_character")),
    ),
    Case(
        "reason-with-nul",
        {"reason": f"Back{NUL}pain"},
        invalid(error("reason", CONTROL, "control_character")),
    ),
    Case(
        "preferred-date-with-nul",
        {"preferred_date": f"2030-01-01{NUL}"},
        invalid(error("preferred_date", "Enter a real date in the format YYYY-MM-DD.", "invalid")),
    ),
    Case(
        "preferred-time-with-nul",
        {"preferred_time": f"morning{NUL}"},
        invalid(error("preferred_time", "Choose one of the times listed.", "invalid_choice")),
    ),
    Case(
        "patient-status-with-nul",
        {"patient_status": f"new{NUL}"},
        invalid(error("patient_status", "Choose new or returning patient.", "invalid_choice")),
    ),
    Case(
        "name-with-lone-surrogate",
        {"name": "Ann \ud800"},
        invalid(error("name", "This text contains invalid characters.", "string_unicode")),
    ),
    Case(
        "reason-with-lone-surrogate",
        {"reason": "\udfff"},
        invalid(error("reason", "This text contains invalid characters.", "string_unicode")),
    ),
    Case(
        "name-with-crlf",
        {"name": "Ann\r\nBcc: x@evil.example"},
        invalid(error("name", CONTROL, "control_character")),
    ),
    Case(
        "name-with-trailing-lf",
        {"name": "Ann Patient\n"},
        invalid(error("name", CONTROL, "control_character")),
    ),
    Case(
        "name-with-line-separator",
        {"name": "Ann\u2028Patient"},
        invalid(error("name", CONTROL, "control_character")),
    ),
    Case(
        "phone-with-paragraph-separator",
        {"phone": "0123\u2029456789"},
        invalid(error("phone", CONTROL, "control_character")),
    ),
    Case(
        "name-only-zero-width-characters",
        {"name": "\u200b\u200c\u200d\ufeff"},
        invalid(error("name", "Enter your full name.", "required")),
    ),
    Case(
        "name-only-spaces-and-zero-width",
        {"name": " \u200b "},
        invalid(error("name", "Enter your full name.", "required")),
    ),
    Case(
        "email-with-crlf-header-injection",
        {"email": "ann@example.com\r\nBcc: victim@example.com"},
        invalid(error("email", EMAIL_BREAKS, "control_character")),
    ),
    Case(
        "email-with-trailing-lf",
        {"email": "ann@example.com\n"},
        invalid(error("email", EMAIL_BREAKS, "control_character")),
    ),
    # 411, 413: the body's size.
    Case("no-content-length", over_the_limit, EMPTY_BODY, meta={"CONTENT_LENGTH": ""}),
    Case("body-over-the-size-limit", over_the_limit, TOO_LARGE),
    Case(
        "body-over-a-lowered-size-limit",
        {},
        TOO_LARGE,
        settings={"APPOINTMENT_MAX_BODY_BYTES": 100},
    ),
    Case("huge-body-any-content-type", over_the_limit, TOO_LARGE, content_type="text/plain"),
    # 415: not sent as JSON.
    Case("text-plain", {}, NOT_JSON_TYPE, content_type="text/plain"),
    Case(
        "multipart-form-data",
        encoded,
        NOT_JSON_TYPE,
        content_type="multipart/form-data; boundary=BoUnDaRy",
    ),
    Case(
        "form-urlencoded", encoded, NOT_JSON_TYPE, content_type="application/x-www-form-urlencoded"
    ),
    Case("content-type-missing", {}, NOT_JSON_TYPE, content_type=""),
    Case("json-suffix-type", {}, NOT_JSON_TYPE, content_type="application/vnd.api+json"),
    # 403: the form token.
    Case("token-missing", {"token": OMIT}, BAD_TOKEN),
    Case("token-null", {"token": None}, BAD_TOKEN),
    Case("token-empty", {"token": ""}, BAD_TOKEN),
    Case("token-forged", forged_token, BAD_TOKEN),
    Case(
        "token-tampered",
        lambda fp: json_body(fp, token=json_body(fp)["token"][:-2] + "xx"),
        BAD_TOKEN,
    ),
    Case(
        "token-expired",
        {"token_now": time.time() - 60 * 60 * 24 - 60},
        BAD_TOKEN,
    ),
    Case(
        "token-of-another-block",
        lambda fp: json_body(fp, token=make_form_token(fp.page.pk, OTHER_FORM_ID)),
        BAD_TOKEN,
    ),
    Case(
        "token-of-another-page",
        lambda fp: json_body(fp, token=make_form_token(fp.page.pk + 1, FORM_ID)),
        BAD_TOKEN,
    ),
    Case("token-with-nul", lambda fp: json_body(fp, token=json_body(fp)["token"] + NUL), BAD_TOKEN),
    Case("token-over-500-characters", {"token": "x" * 501}, BAD_TOKEN),
    # 403: signed with the site's key, but with a time that is not a whole number of seconds
    # now or in the last day. Never a 500, and never a token that does not expire.
    Case("token-time-nan", signed_token(t=math.nan), BAD_TOKEN),
    Case("token-time-infinity", signed_token(t=math.inf), BAD_TOKEN),
    Case("token-time-minus-infinity", signed_token(t=-math.inf), BAD_TOKEN),
    Case("token-time-float", signed_token(t=time.time() - 10.5), BAD_TOKEN),
    Case("token-time-huge", signed_token(t=10**30), BAD_TOKEN),
    Case("token-time-beyond-float", signed_token(t=10**400), BAD_TOKEN),
    Case("token-time-negative", signed_token(t=-1), BAD_TOKEN),
    Case("token-time-string", signed_token(t=str(int(time.time()))), BAD_TOKEN),
    Case("token-time-boolean", signed_token(t=True), BAD_TOKEN),
    Case("token-time-null", signed_token(t=None), BAD_TOKEN),
    Case("token-page-as-string", lambda fp: signed_token(p=str(fp.page.pk))(fp), BAD_TOKEN),
    Case(
        "token-payload-a-list",
        lambda fp: json_body(fp, token=signing.dumps([1], salt=TOKEN_SALT)),
        BAD_TOKEN,
    ),
    # 404: no such live, public form.
    Case("unknown-page", {"page": 999_999}, NO_FORM),
    Case("page-zero", {"page": 0}, NO_FORM),
    Case("negative-page", {"page": -1}, NO_FORM),
    Case("page-beyond-64-bit", {"page": 2**70}, NO_FORM),
    Case("unknown-block", {"block": "0000dead-beef-4000-8000-000000000000"}, NO_FORM),
    Case("block-missing", {"block": OMIT}, NO_FORM),
    Case("block-too-long", {"block": "b" * 65}, NO_FORM),
    Case("block-with-nul", {"block": FORM_ID + NUL}, NO_FORM),
]

CASE_IDS = [case.id for case in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


def run_case(case, form_page, send, settings, url):
    configure(settings, **case.settings)
    body = case.build(form_page)
    return body, send(url, body, content_type=case.content_type, **case.meta)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_catalogue(form_page, send, settings, endpoint, case):
    body, response = run_case(case, form_page, send, settings, endpoint)

    if case.expected is not None:
        answer = assert_problem(response, case.expected)
        if "token" in answer:  # for this page, and good for sending the request again
            assert signing.loads(answer["token"], salt=TOKEN_SALT)["p"] == form_page.page.pk
        assert_nothing_stored_or_sent()
        return
    receipt = assert_receipt(response, body if isinstance(body, dict) else None)
    if case.spam:
        assert_one_held_as_spam(receipt["reference"], case.spam)
    else:
        assert_one_stored_and_mailed(receipt["reference"])


@needs_api_v3
def test_both_endpoints_answer_every_case_identically(form_page, send, settings):
    """Status, body and the headers a client reads are the same, case by case."""

    def answer(url, case):
        AppointmentRequest.objects.all().delete()
        _body, response = run_case(case, form_page, send, settings, url)
        content = response.json()
        if response.status_code == 201:
            content["reference"] = "…"
        if "token" in content:  # a new one each time
            content["token"] = FreshToken() == content["token"]
        headers = {
            name: response.get(name)
            for name in ("Content-Type", "Cache-Control", "Allow", "Retry-After", "Set-Cookie")
        }
        return response.status_code, content, headers, AppointmentRequest.objects.count()

    for case in CASES:
        assert answer(plain_url(), case) == answer(v3_url(), case), case.id


def test_empty_post_from_django_test_client_is_415(form_page, send, endpoint):
    """Django's test client sends neither Content-Length nor Content-Type for an empty body,
    whatever ``content_type`` says (the catalogue's "empty-body-content-length-0" case sets
    both by hand), so such a request is refused for its missing type, before any reading."""
    request = RequestFactory().post("/", b"", content_type="application/json")
    assert "CONTENT_LENGTH" not in request.META
    assert "CONTENT_TYPE" not in request.META

    assert_problem(send(endpoint, b""), NOT_JSON_TYPE)
    assert_nothing_stored_or_sent()


def test_body_without_content_length_is_never_read(form_page):
    """No Content-Length means no body to Django (RFC 9112 says as much), so leaving the
    header out cannot slip a body past the size limit: the catalogue's "no-content-length"
    case sends a body over the limit that way and gets the 400 for an empty body."""
    request = RequestFactory().post(
        "/", over_the_limit(form_page), content_type="application/json", CONTENT_LENGTH=""
    )
    assert request.body == b""


# --- 403: a new token, to send the request again ----------------------------------------------


def test_the_token_in_a_403_for_an_expired_token_lets_the_client_send_again_at_once(
    form_page, send, endpoint, settings
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=3)
    body = json_body(form_page, token_now=time.time() - 60 * 60 * 24 - 60)

    refused = assert_problem(send(endpoint, body), BAD_TOKEN)
    assert AppointmentRequest.objects.count() == 0
    # The expired token was genuine: the client was given the form a day ago, so the new
    # token is dated back by the minimum fill time. Straight away, with the same answers:
    # stored as a real request, not as too fast.
    token = read_form_token(refused["token"], page_id=form_page.page.pk, block_id=FORM_ID)
    assert token.age() >= 3
    receipt = assert_receipt(send(endpoint, {**body, "token": refused["token"]}))

    assert_one_stored_and_mailed(receipt["reference"])


@pytest.mark.parametrize(
    "token_overrides",
    [
        {"token": OMIT},
        {"token": "not-a-token"},
        {"token": make_form_token(1, FORM_ID)},  # genuine, for another page
        {"token_now": time.time() + 3600},  # genuine, issued in the future
    ],
    ids=["missing", "forged", "other-page", "future"],
)
def test_the_token_in_a_403_for_a_bad_token_is_not_aged(
    form_page, send, endpoint, settings, token_overrides
):
    """Garbage buys no head start: the new token is dated now, so using it at once is held
    as too fast (stored, never dropped); used after the minimum fill time it is a request."""
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=3)
    body = json_body(form_page, **token_overrides)

    refused = assert_problem(send(endpoint, body), BAD_TOKEN)
    token = read_form_token(refused["token"], page_id=form_page.page.pk, block_id=FORM_ID)
    assert abs(token.age()) < 2
    receipt = assert_receipt(send(endpoint, {**body, "token": refused["token"]}))

    assert_one_held_as_spam(receipt["reference"], "too_fast")


def test_the_token_in_a_403_is_for_the_form_addressed(form_page, send, endpoint):
    other_block = make_form_token(form_page.page.pk, OTHER_FORM_ID)
    refused = assert_problem(send(endpoint, json_body(form_page, token=other_block)), BAD_TOKEN)

    token = read_form_token(refused["token"], page_id=form_page.page.pk, block_id=FORM_ID)
    assert (token.page_id, token.block_id) == (form_page.page.pk, FORM_ID)


def test_a_bad_token_for_a_form_that_is_gone_is_a_404_without_a_token(
    own_form_page, send, endpoint
):
    body = json_body(own_form_page, token=OMIT)
    own_form_page.page.unpublish()

    assert_problem(send(endpoint, body), NO_FORM)


# --- Spam checks come after validation --------------------------------------------------------


def test_a_quick_invalid_request_gets_its_errors(form_page, send, endpoint, settings):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=60)

    response = send(endpoint, json_body(form_page, email="not-an-email", website="x"))

    assert_problem(
        response,
        invalid(
            error(
                "email",
                "Enter an email address in the correct format, like name@example.com.",
                "invalid",
            )
        ),
    )
    assert_nothing_stored_or_sent()


# --- 422: answers to questions the form does not ask ------------------------------------------


@pytest.fixture
def name_only_form(db, appointment_settings):
    """A page whose form asks only for the name, email and consent."""
    return FormPage(publish_host_page(form_block(fields=[]), slug="name-only"))


def name_only_body(form_page, **answers):
    return {
        "page": form_page.page.pk,
        "block": FORM_ID,
        "token": make_form_token(form_page.page.pk, FORM_ID),
        "name": "Ann Patient",
        "email": "ann.patient@example.com",
        "consent": True,
        **answers,
    }


@pytest.mark.parametrize(
    "key", ["phone", "preferred_date", "preferred_time", "patient_status", "reason"]
)
def test_an_answer_to_a_question_the_form_does_not_ask_is_a_422(
    name_only_form, send, endpoint, key
):
    response = send(endpoint, name_only_body(name_only_form, **{key: valid_answers()[key]}))

    assert_problem(response, invalid(not_asked(key)))
    assert_nothing_stored_or_sent()


def test_unasked_answers_come_first_in_the_clients_order_then_the_forms_errors(
    name_only_form, send, endpoint
):
    body = name_only_body(name_only_form, reason="Back pain.", name="", phone="")
    body["email"] = "not-an-email"  # "phone": "" too, as the form does not ask it

    response = send(endpoint, body)

    assert_problem(
        response,
        invalid(
            not_asked("reason"),
            not_asked("phone"),
            error("name", "Enter your full name.", "required"),
            error(
                "email",
                "Enter an email address in the correct format, like name@example.com.",
                "invalid",
            ),
        ),
    )
    assert_nothing_stored_or_sent()


def test_unasked_questions_left_out_or_null_are_fine(name_only_form, send, endpoint):
    body = name_only_body(name_only_form, phone=None, reason=None, website="")

    receipt = assert_receipt(send(endpoint, body))

    row = assert_one_stored_and_mailed(receipt["reference"])
    assert (row.phone, row.reason, row.preferred_date) == ("", "", None)


# --- 201 from a form described by the API (end to end) --------------------------------------


def answer_for(description):
    """What a front end fills in for one field of a form block's ``fields``."""
    kind = description["type"]
    if kind == "radio":
        return description["choices"][0]["value"]
    if kind == "date":
        return description["min"]
    if kind == "checkbox":
        return True
    return {
        "text": "Mei Ling 梅玲",
        "email": "mei.ling@example.com",
        "tel": "+44 20 7946 0999",
        "textarea": "Stiff neck in the mornings.",
    }[kind]


def appointment_forms(page_json):
    """Every appointment form block in a page's API representation (all its streams)."""
    return [
        item["value"]
        for value in page_json.values()
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and item.get("type") == "appointment_form"
    ]


def submit_described_form(client, description, url=None):
    """Submit exactly what the description says: its fields, page, block and token."""
    submit = description["submit"]
    assert submit["method"] == "POST"
    body = {name: submit[name] for name in ("page", "block", "token")}
    body[submit["honeypot_field"]] = ""
    body.update({item["name"]: answer_for(item) for item in description["fields"]})
    response = client.generic(
        submit["method"],
        url or submit["url"],
        json.dumps(body),
        content_type=submit["content_type"],
    )
    return body, response


@pytest.mark.parametrize("target", ["described-url", "api-v3"])
def test_form_described_by_api_v2_is_submitted_end_to_end(
    client, demo_condition, django_capture_on_commit_callbacks, target
):
    if target == "api-v3" and not HAS_API_V3:
        pytest.skip(NO_API_V3)
    page_json = client.get(f"/api/v2/pages/{demo_condition.pk}/").json()
    (description,) = appointment_forms(page_json)
    assert description["submit"]["url"] == "http://testserver/api/appointments/"
    assert description["submit"]["page"] == demo_condition.pk
    assert {"name", "email", "consent", "phone"} <= {f["name"] for f in description["fields"]}

    with override_settings(WAGTAIL_CONDITIONS={**BASE_SETTINGS, "APPOINTMENT_MIN_FILL_SECONDS": 0}):
        with django_capture_on_commit_callbacks(execute=True):
            body, response = submit_described_form(
                client, description, url=v3_url() if target == "api-v3" else None
            )

    receipt = assert_receipt(response, body, message=description["thank_you_message"])
    row = assert_one_stored_and_mailed(receipt["reference"])
    assert (row.source_page_id, row.block_id) == (demo_condition.pk, body["block"])
    assert row.topic == demo_condition.title
    assert row.consent_text == description["consent"]["text"]
    for name in ("name", "email", "phone", "reason", "preferred_time", "patient_status"):
        assert getattr(row, name) == body[name], name
    assert row.preferred_date.isoformat() == body["preferred_date"]


@needs_api_v3
def test_form_described_by_api_v3_is_submitted_end_to_end(
    client, demo_condition, django_capture_on_commit_callbacks
):
    page_json = client.get(f"/api/v3/pages/{demo_condition.pk}/").json()
    (description,) = appointment_forms(page_json)
    # API v3 serializes without a request, so the URL is the path on this host.
    assert description["submit"]["url"] == "/api/appointments/"

    with django_capture_on_commit_callbacks(execute=True):
        body, response = submit_described_form(client, description)

    receipt = assert_receipt(response, body, message=description["thank_you_message"])
    assert assert_one_stored_and_mailed(receipt["reference"]).name == body["name"]


def test_described_required_field_left_out_is_a_422_on_it(client, demo_condition):
    page_json = client.get(f"/api/v2/pages/{demo_condition.pk}/").json()
    (description,) = appointment_forms(page_json)
    (phone,) = [f for f in description["fields"] if f["name"] == "phone"]
    assert phone["required"] is True  # the demo's editor asked for it

    submit = description["submit"]
    body = {
        **{name: submit[name] for name in ("page", "block", "token")},
        "name": "Ann",
        "email": "ann@example.com",
        "consent": True,
    }
    response = client.post(submit["url"], body, content_type="application/json")

    assert_problem(response, invalid(error("phone", "Enter a phone number.", "required")))
    assert AppointmentRequest.objects.count() == 0


# --- Stored exactly -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "李小龍",
        "Zoë 🙂 Ng",
        "👩🏽‍⚕️ Dr Ana",  # skin tone modifier and zero-width joiner
        "Ægir Ødegård-Łukasz",
        "محمد",
    ],
)
def test_emoji_and_cjk_names_are_stored_exactly(form_page, send, endpoint, name):
    response = send(endpoint, json_body(form_page, name=name, reason=f"{name} 腰痛"))

    assert_receipt(response)
    row = AppointmentRequest.objects.get()
    assert (row.name, row.reason) == (name, f"{name} 腰痛")


# --- 404 for pages that are not live and public ----------------------------------------------


def _unpublish(page):
    page.unpublish()


def _restrict(page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


@pytest.mark.parametrize("change", [_unpublish, _restrict], ids=["unpublished", "private"])
def test_form_on_a_page_that_is_not_live_and_public_is_404(own_form_page, send, endpoint, change):
    body = json_body(own_form_page)
    change(own_form_page.page)

    assert_problem(send(endpoint, body), NO_FORM)
    assert_nothing_stored_or_sent()


# --- Methods ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_other_methods_are_405_with_allow_post(form_page, client, endpoint, method):
    if method == "get":
        response = client.get(endpoint, {"page": form_page.page.pk})
    else:
        body = json.dumps(json_body(form_page))
        response = getattr(client, method)(endpoint, body, content_type="application/json")

    assert_problem(response, problem(405, "Use POST."))
    assert response["Allow"] == "POST"
    assert AppointmentRequest.objects.count() == 0


def test_head_is_405_with_allow_post(form_page, client, endpoint):
    response = client.head(endpoint)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "application/problem+json"


# --- Replays and the Idempotency-Key header ---------------------------------------------------


def test_replayed_token_with_identical_answers_stores_one_request(form_page, send, endpoint):
    body = json_body(form_page)

    first = assert_receipt(send(endpoint, body))
    second = assert_receipt(send(endpoint, body))

    assert first["reference"] == second["reference"]
    assert_one_stored_and_mailed(first["reference"])


@needs_api_v3
def test_replay_to_the_other_endpoint_is_the_same_request(form_page, send):
    body = json_body(form_page)

    first = assert_receipt(send(plain_url(), body))
    second = assert_receipt(send(v3_url(), body))

    assert first["reference"] == second["reference"]
    assert AppointmentRequest.objects.count() == 1


def test_replayed_token_with_different_answers_is_a_second_request(form_page, send, endpoint):
    body = json_body(form_page)

    first = assert_receipt(send(endpoint, body))
    second = assert_receipt(send(endpoint, {**body, "reason": "Also my neck."}))

    assert first["reference"] != second["reference"]
    assert AppointmentRequest.objects.count() == 2


def test_same_idempotency_key_and_answers_twice_stores_one_request(form_page, send, endpoint):
    key = {"HTTP_IDEMPOTENCY_KEY": "4b0c2f9e-retry-1"}

    first = assert_receipt(send(endpoint, json_body(form_page), **key))
    # A retry after a lost response: a fresh token, the same answers, the same key.
    second = assert_receipt(send(endpoint, json_body(form_page), **key))

    assert first == second
    assert_one_stored_and_mailed(first["reference"])


def test_same_idempotency_key_with_other_answers_is_a_409_storing_nothing_new(
    form_page, send, endpoint
):
    key = {"HTTP_IDEMPOTENCY_KEY": "4b0c2f9e-retry-1"}
    first = assert_receipt(send(endpoint, json_body(form_page), **key))

    for changed in ({"reason": "Edited."}, {"name": "Ann Other"}, {"phone": OMIT}):
        response = send(endpoint, json_body(form_page, **changed), **key)

        assert_problem(
            response,
            problem(409, "This Idempotency-Key was already used with different answers."),
        )
    row = assert_one_stored_and_mailed(first["reference"])
    assert row.reason == valid_answers()["reason"]  # the first request is the one kept
    # The key still stands for the first request's answers.
    assert assert_receipt(send(endpoint, json_body(form_page), **key)) == first


def test_different_idempotency_keys_store_two_requests(form_page, send, endpoint):
    body = json_body(form_page)

    send(endpoint, body, HTTP_IDEMPOTENCY_KEY="key-1")
    send(endpoint, body, HTTP_IDEMPOTENCY_KEY="key-2")

    assert AppointmentRequest.objects.count() == 2


def test_idempotency_key_is_scoped_to_one_form(form_page, send, endpoint):
    key = {"HTTP_IDEMPOTENCY_KEY": "same-key"}

    send(endpoint, json_body(form_page), **key)
    send(endpoint, json_body(form_page, block=OTHER_FORM_ID), **key)

    assert AppointmentRequest.objects.count() == 2


def test_idempotency_key_is_not_stored_as_given(form_page, send, endpoint):
    send(endpoint, json_body(form_page), HTTP_IDEMPOTENCY_KEY="ann.patient@example.com")

    assert "ann.patient" not in AppointmentRequest.objects.get().submission_key


# --- Rate limit -----------------------------------------------------------------------------


def test_requests_over_the_rate_limit_get_429_with_retry_after(form_page, send, endpoint, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=2, APPOINTMENT_RATE_LIMIT_WINDOW=120)

    for n in range(2):
        assert_receipt(send(endpoint, json_body(form_page, reason=f"Request {n}")))
    limited = send(endpoint, json_body(form_page, reason="Request 3"))

    assert_problem(limited, problem(429, "Too many requests. Try again later."))
    assert limited["Retry-After"] == "120"
    assert AppointmentRequest.objects.count() == 2
    # Two staff notifications; one acknowledgement per address per
    # APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL.
    assert len(mail.outbox) == 3


@needs_api_v3
def test_both_endpoints_share_one_rate_limit(form_page, send, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=1)

    assert_receipt(send(plain_url(), json_body(form_page)))

    assert send(v3_url(), json_body(form_page, reason="Again")).status_code == 429


def test_invalid_and_spam_requests_count_towards_the_limit(form_page, send, endpoint, settings):
    configure(settings, APPOINTMENT_RATE_LIMIT=2)

    assert send(endpoint, json_body(form_page, email="bad")).status_code == 422
    spam = assert_receipt(send(endpoint, json_body(form_page, website="spam")))
    assert send(endpoint, json_body(form_page)).status_code == 429
    assert_one_held_as_spam(spam["reference"], "honeypot")


# --- Sessions and CSRF ----------------------------------------------------------------------


def test_staff_session_is_treated_as_anonymous_and_needs_no_csrf_token(
    form_page, send, endpoint, staff_client
):
    body = json_body(form_page)

    response = send(endpoint, body, client=staff_client)

    assert_receipt(response, body)
    assert not response.cookies  # no CSRF or session cookie set or refreshed
    row = AppointmentRequest.objects.get()
    assert not any(f.is_relation and f.related_model is get_user_model() for f in row._meta.fields)


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({"token": OMIT}, BAD_TOKEN),
        ({"email": "bad"}, None),
    ],
    ids=["no-token", "invalid"],
)
def test_staff_session_gets_the_same_answer_as_anyone(
    form_page, send, endpoint, staff_client, client, overrides, expected
):
    body = json_body(form_page, **overrides)

    as_staff = send(endpoint, body, client=staff_client)
    as_anyone = send(endpoint, body, client=client)

    def answer(response):
        content = dict(response.json())  # the client caches json(): leave it as it was
        if "token" in content:  # a new one each time
            content["token"] = FreshToken() == content["token"]
        return response.status_code, content

    assert answer(as_staff) == answer(as_anyone)
    if expected:
        assert_problem(as_staff, expected)
    assert AppointmentRequest.objects.count() == 0


# --- A database that fails ------------------------------------------------------------------


def fail_inserts(execute, sql, params, many, context):
    """A ``connection.execute_wrapper``: the database refuses to store anything (the page
    and form are still read)."""
    if sql.lstrip().upper().startswith("INSERT"):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


def fail_everything(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


UNAVAILABLE = problem(503, "The request could not be stored just now; try again.")


@pytest.mark.parametrize("failure", [fail_inserts, fail_everything], ids=["insert", "down"])
def test_database_error_is_503_and_nothing_is_stored(form_page, send, endpoint, caplog, failure):
    body = json_body(form_page)
    with caplog.at_level(logging.INFO), connection.execute_wrapper(failure):
        response = send(endpoint, body)

    assert_problem(response, UNAVAILABLE)
    assert response["Retry-After"] == "60"
    assert_nothing_stored_or_sent()
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    for value in (body["name"], body["email"], body["reason"], body["phone"]):
        assert value not in caplog.text


def test_after_a_database_error_the_retry_is_stored(form_page, send, endpoint):
    body = json_body(form_page)
    with connection.execute_wrapper(fail_inserts):
        assert_problem(send(endpoint, body), UNAVAILABLE)

    assert_one_stored_and_mailed(assert_receipt(send(endpoint, body))["reference"])


# --- The date window (sanity: the JSON path shares the HTML path's form) ---------------------


def test_preferred_date_beyond_the_booking_window_is_a_field_error(form_page, send, endpoint):
    horizon = timezone.localdate() + datetime.timedelta(days=180)
    late = (horizon + datetime.timedelta(days=1)).isoformat()

    response = send(endpoint, json_body(form_page, preferred_date=late))

    assert_problem(
        response,
        invalid(error("preferred_date", f"Choose a date before {horizon.isoformat()}.", "too_far")),
    )


def test_preferred_date_that_does_not_exist_is_a_field_error(form_page, send, endpoint):
    response = send(endpoint, json_body(form_page, preferred_date="2030-02-30"))

    assert_problem(
        response,
        invalid(error("preferred_date", "Enter a real date in the format YYYY-MM-DD.", "invalid")),
    )
