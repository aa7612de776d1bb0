"""
Clear answers for requests that used to get an unclear or silent one (issue 16, item 7): more
fields or files than Django parses, a body over Django's own size limit, a submit URL without
its trailing slash, an unknown thank-you URL, an ``Idempotency-Key`` that is not one, and a
field or key sent twice.

Each case runs on every face it applies to (the HTML form, ``/api/appointments/`` and, on
Wagtail 8, ``/api/v3/appointments/``) and states its status, content type and body; every
refused request also proves that nothing was stored and no email went out.
"""

import json
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from tests.builders.api import error, json_body, problem
from tests.builders.appointments import FORM_ID, sent_url, submit_url
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART_WITH_BOUNDARY = f"multipart/form-data; boundary={BOUNDARY}"
V3 = pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8")
JSON_FACES = [
    pytest.param("wagtail_conditions:appointment_api_submit", id="api"),
    pytest.param("wagtailapi_v3:wagtail_conditions_appointment_submit", id="api-v3", marks=V3),
]

UNREADABLE_TITLE = "Your answers could not be read"
TOO_MANY_FIELDS = (
    "Your answers were sent with more fields than this form has. Send the form again with the "
    "button on its page."
)
REPEATED_FIELDS = (
    "Your answers were sent twice for the same question. Send the form again with the button "
    "on its page."
)
NO_FILES = "This form does not accept files."


def assert_nothing_stored_or_sent():
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []


def assert_problem_page(response, status, title, message):
    """Our problem page, in the site's base template, never cached or indexed."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert '<a class="wc-skip-link" href="#main-content">' in html  # the base template
    assert f"<h1>{escape(title)}</h1>" in html
    assert f'<p class="wc-lead">{escape(message)}</p>' in html
    return html


def assert_problem_json(response, expected):
    assert response.status_code == expected["status"], response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == expected


def send_json(send, url_name, body, **extra):
    text = body if isinstance(body, str) else json.dumps(body)
    return send("post", reverse(url_name), text, content_type="application/json", **extra)


# --- More fields or files than Django parses: our 400, not Django's bare page --------------


def test_more_form_fields_than_django_parses_is_our_400_page(form_page, send):
    body = urlencode(form_page.payload()) + "&" + "&".join(f"x{i}=" for i in range(1001))

    response = send("post", submit_url(), body, content_type=URLENCODED)

    assert_problem_page(response, 400, UNREADABLE_TITLE, TOO_MANY_FIELDS)
    assert_nothing_stored_or_sent()


def test_more_multipart_fields_than_django_parses_is_our_400_page(form_page, send, settings):
    # 1,000 multipart fields do not fit in APPOINTMENT_MAX_BODY_BYTES; a site's lower
    # DATA_UPLOAD_MAX_NUMBER_FIELDS is reached within it.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    fields = {**form_page.payload(), **{f"x{i}": "" for i in range(20)}}

    response = send(
        "post", submit_url(), encode_multipart(BOUNDARY, fields), content_type=MULTIPART_WITH_BOUNDARY
    )

    assert_problem_page(response, 400, UNREADABLE_TITLE, TOO_MANY_FIELDS)
    assert_nothing_stored_or_sent()


def test_more_files_than_django_parses_is_the_no_files_400_page(form_page, send):
    files = {f"f{i}": SimpleUploadedFile(f"scan{i}.txt", b"x") for i in range(101)}
    body = encode_multipart(BOUNDARY, {**form_page.payload(), **files})

    response = send("post", submit_url(), body, content_type=MULTIPART_WITH_BOUNDARY)

    assert_problem_page(response, 400, UNREADABLE_TITLE, NO_FILES)
    assert_nothing_stored_or_sent()


def test_form_declaring_another_charset_is_our_400_page(form_page, send):
    # Django refuses a form body in any charset but UTF-8 with a bare 400 (BadRequest).
    response = send(
        "post",
        submit_url(),
        urlencode(form_page.payload()),
        content_type=f"{URLENCODED}; charset=latin-1",
    )

    assert_problem_page(
        response, 400, UNREADABLE_TITLE, "Your answers were sent in a form the server could not read."
    )
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_body_with_more_keys_than_django_parses_is_a_422_naming_them(
    form_page, send, url_name
):
    # Django's field limit is for form bodies: JSON is ours to read, so its keys are checked.
    extra = {f"k{i}": None for i in range(1001)}

    response = send_json(send, url_name, json_body(form_page, **extra))

    assert_problem_json(
        response,
        problem(
            422,
            "Validation failed",
            [error(key, "This field is not accepted.", "extra_forbidden") for key in extra],
        ),
    )
    assert_nothing_stored_or_sent()


def test_form_over_django_memory_limit_is_our_413_page(form_page, send, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # below APPOINTMENT_MAX_BODY_BYTES

    response = send("post", submit_url(), form_page.payload())

    assert_problem_page(
        response,
        413,
        "Request too large",
        "Your answers are too long to send. Shorten them and try again.",
    )
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_over_django_memory_limit_is_our_413(form_page, send, settings, url_name):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = send_json(send, url_name, json_body(form_page))

    assert_problem_json(response, problem(413, "The request body is too large."))
    assert_nothing_stored_or_sent()


# --- The submit URLs without their trailing slash --------------------------------------------


def test_reverse_gives_the_documented_urls_with_the_slash():
    assert submit_url() == "/appointments/submit/"
    assert reverse("wagtail_conditions:appointment_api_submit") == "/api/appointments/"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_form_posted_without_the_trailing_slash_is_received(form_page, send, settings, debug):
    settings.DEBUG = debug  # where APPEND_SLASH raised a RuntimeError for a POST

    response = send("post", "/appointments/submit", form_page.payload())

    row = AppointmentRequest.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{form_page.sent_url}?reference={row.reference}#appointment"
    assert len(mail.outbox) == 2


SLASHLESS_JSON_URLS = [
    pytest.param("/api/appointments", id="api"),
    pytest.param("/api/v3/appointments", id="api-v3", marks=V3),
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("url", SLASHLESS_JSON_URLS)
def test_json_posted_without_the_trailing_slash_is_received(form_page, send, settings, url, debug):
    settings.DEBUG = debug

    response = send("post", url, json.dumps(json_body(form_page)), content_type="application/json")

    assert response.status_code == 201, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response.json()["reference"] == AppointmentRequest.objects.get().reference
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("url", SLASHLESS_JSON_URLS)
def test_json_url_without_the_slash_answers_other_methods_with_the_405_problem(client, url):
    response = client.get(url)

    assert_problem_json(response, problem(405, "Use POST."))
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("url", SLASHLESS_JSON_URLS)
def test_json_url_without_the_slash_refuses_like_the_other(form_page, send, url):
    response = send("post", url, json.dumps(json_body(form_page, page=999_999)), content_type="application/json")

    assert_problem_json(response, problem(404, "There is no such appointment form."))
    assert_nothing_stored_or_sent()


@V3
def test_the_openapi_document_gives_the_v3_operation_once_with_its_slash(client):
    paths = client.get("/api/v3/openapi.json").json()["paths"]

    assert "/api/v3/appointments/" in paths
    assert "/api/v3/appointments" not in paths


# --- An unknown thank-you URL: our 404 page ---------------------------------------------------

SENT_NOT_FOUND = (
    "This page is no longer available: the appointment form it belongs to has been moved or "
    "removed. Requests already sent from it are not affected."
)


def _unpublish(form_page):
    form_page.page.unpublish()


def _make_private(form_page):
    PageViewRestriction.objects.create(
        page=form_page.page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda page: f"/appointments/sent/999999/{FORM_ID}/", id="unknown-page"),
        pytest.param(lambda page: sent_url(page, "no-such-block"), id="unknown-block"),
        pytest.param(lambda page: sent_url(page, "x" * 65), id="block-id-too-long"),
    ],
)
def test_thank_you_url_of_no_form_is_our_404_page(own_form_page, client, url):
    response = client.get(url(own_form_page.page) + "?reference=AR-7K3Q-9M")

    html = assert_problem_page(response, 404, "Page not found", SENT_NOT_FOUND)
    assert "AR-7K3Q-9M" not in html  # a reference in the URL is not confirmed
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("change", [_unpublish, _make_private], ids=["unpublished", "private"])
def test_thank_you_url_of_a_form_no_longer_public_is_our_404_page(own_form_page, client, change):
    change(own_form_page)

    response = client.get(own_form_page.sent_url)

    assert_problem_page(response, 404, "Page not found", SENT_NOT_FOUND)
    assert_nothing_stored_or_sent()


# --- An Idempotency-Key that is not one: 422 naming the header --------------------------------

KEY_TOO_SHORT = error(None, "Send a key of at least 1 character, or no header.", "string_too_short")
KEY_ERRORS = {
    "empty": ("", "Send a key of at least 1 character, or no header.", "string_too_short"),
    "201-chars": ("k" * 201, "Send a key of at most 200 characters.", "string_too_long"),
    "control-character": (
        "press\x011",
        "Use only printable ASCII characters (space to ~) in the key.",
        "string_pattern_mismatch",
    ),
    # A server hands a header's bytes over as Latin-1: "clé" in UTF-8 arrives as "clÃ©".
    "utf8-bytes": (
        "clé".encode().decode("latin-1"),
        "Use only printable ASCII characters (space to ~) in the key.",
        "string_pattern_mismatch",
    ),
}


def header_error(msg, code):
    return {"type": code, "loc": ["header", "Idempotency-Key"], "msg": msg}


@pytest.mark.parametrize("url_name", JSON_FACES)
@pytest.mark.parametrize("case", KEY_ERRORS.values(), ids=KEY_ERRORS.keys())
def test_idempotency_key_that_is_not_one_is_a_422_naming_the_header(
    form_page, send, url_name, case
):
    key, msg, code = case

    response = send_json(send, url_name, json_body(form_page), HTTP_IDEMPOTENCY_KEY=key)

    assert_problem_json(response, problem(422, "Validation failed", [header_error(msg, code)]))
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_idempotency_key_errors_come_with_the_body_errors_header_first(form_page, send, url_name):
    response = send_json(
        send, url_name, json_body(form_page, status="new"), HTTP_IDEMPOTENCY_KEY="k" * 201
    )

    assert_problem_json(
        response,
        problem(
            422,
            "Validation failed",
            [
                header_error("Send a key of at most 200 characters.", "string_too_long"),
                error("status", "This field is not accepted.", "extra_forbidden"),
            ],
        ),
    )
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_keys_alike_in_their_first_200_characters_are_two_keys(form_page, send, url_name):
    # Cutting keys to 200 characters made these one key, and the second a 409.
    base = "k" * 199
    first = send_json(send, url_name, json_body(form_page), HTTP_IDEMPOTENCY_KEY=base + "1")
    second = send_json(
        send,
        url_name,
        json_body(form_page, reason="Something else."),
        HTTP_IDEMPOTENCY_KEY=base + "2",
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["reference"] != second.json()["reference"]
    assert AppointmentRequest.objects.count() == 2


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_idempotency_key_of_200_printable_characters_with_spaces_is_accepted(
    form_page, send, url_name
):
    key = ("press 1 ~!" * 20)[:200]

    first = send_json(send, url_name, json_body(form_page), HTTP_IDEMPOTENCY_KEY=key)
    again = send_json(send, url_name, json_body(form_page), HTTP_IDEMPOTENCY_KEY=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["reference"] == again.json()["reference"]
    assert AppointmentRequest.objects.count() == 1


# --- A field or key sent twice: 400, naming the keys (never their values) --------------------


@pytest.mark.parametrize("field", ["name", "email", "page", "consent"])
def test_form_field_sent_twice_is_our_400_page(form_page, send, field):
    body = urlencode(form_page.payload()) + "&" + urlencode({field: "Bob"})

    response = send("post", submit_url(), body, content_type=URLENCODED)

    assert_problem_page(response, 400, UNREADABLE_TITLE, REPEATED_FIELDS)
    assert_nothing_stored_or_sent()


def test_multipart_field_sent_twice_is_our_400_page(form_page, send):
    fields = {**form_page.payload(), "reason": ["Back pain.", "Knee pain."]}

    response = send("post", submit_url(), fields, content_type=MULTIPART_CONTENT)

    assert_problem_page(response, 400, UNREADABLE_TITLE, REPEATED_FIELDS)
    assert_nothing_stored_or_sent()


def repeat_keys(body, **again):
    """``body`` as JSON text with ``again`` appended: keys it already has, a second time."""
    text = json.dumps(body)
    return text[:-1] + "".join(f", {json.dumps(k)}: {json.dumps(v)}" for k, v in again.items()) + "}"


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_key_sent_twice_is_a_400_naming_it(form_page, send, url_name):
    body = repeat_keys(json_body(form_page), name="Bob Other")

    response = send_json(send, url_name, body)

    assert_problem_json(
        response,
        problem(
            400,
            'The request body has the key "name" more than once in an object. Send each key once.',
        ),
    )
    assert "Bob" not in response.content.decode()
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_keys_sent_twice_are_a_400_naming_each_once(form_page, send, url_name):
    body = json_body(form_page)
    text = repeat_keys(body, email="bob@example.com", page=body["page"])
    text = text[:-1] + ', "email": "carol@example.com"}'  # a third time: still named once

    response = send_json(send, url_name, text)

    assert_problem_json(
        response,
        problem(
            400,
            'The request body has the keys "email", "page" more than once in an object. Send '
            "each key once.",
        ),
    )
    assert "bob@" not in response.content.decode()
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_key_sent_twice_in_a_nested_object_is_a_400(form_page, send, url_name):
    body = {key: value for key, value in json_body(form_page).items() if key != "reason"}
    text = json.dumps(body)[:-1] + ', "reason": {"text": "a", "text": "b"}}'

    response = send_json(send, url_name, text)

    assert_problem_json(
        response,
        problem(
            400,
            'The request body has the key "text" more than once in an object. Send each key once.',
        ),
    )
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize("url_name", JSON_FACES)
def test_json_key_sent_twice_with_a_bad_idempotency_key_is_the_400(form_page, send, url_name):
    # A body that is not one object's keys once each is refused before its shape is checked.
    body = repeat_keys(json_body(form_page), name="Bob")

    response = send_json(send, url_name, body, HTTP_IDEMPOTENCY_KEY="")

    assert response.status_code == 400
    assert_nothing_stored_or_sent()
