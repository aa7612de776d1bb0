"""
The catalogue of hostile, broken and unusual input to the HTML appointment form; the cases of
the text rules (what counts as a name, as text, as a public email domain) also run on the JSON
faces, which must give the same field error.

Every case states its exact status. Every rejected case also proves that nothing was stored
and no email went out (on-commit callbacks are executed, so a stored row would have mailed).
Cases that re-render the page check the error message, ``aria-invalid`` on the field and the
error summary's link to it.
"""

import datetime
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import PageViewRestriction

from tests.builders.api import error, json_body, problem
from tests.builders.appointments import (
    FORM_ID,
    OTHER_FORM_ID,
    PATIENT_EMAIL,
    FormPage,
    configure,
    submit_url,
)
from wagtail_conditions.appointments.tokens import TOKEN_SALT, make_form_token
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

TOKEN_MAX_AGE = 24 * 60 * 60  # the APPOINTMENT_TOKEN_MAX_AGE default: a form token lasts a day


HORIZON_DAYS = 180  # the APPOINTMENT_BOOKING_HORIZON_DAYS default


def days_from_today(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def assert_nothing_stored_or_sent():
    assert AppointmentRequest.objects.count() == 0
    assert mail.outbox == []


# --- 422: field errors, shown on the re-rendered page ---------------------------------------


@dataclass(frozen=True)
class FieldCase:
    id: str
    answers: dict
    field: str
    message: str
    all_required: bool = False  # sent to the form whose editor made every question required
    code: str = ""  # the error's code (its "type" in JSON); a case with one runs there too


LONG_EMAIL = "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".example.com"
BIDI = "\u202e"
CONTROL = "Remove line breaks and control characters from this answer."
NO_BIDI = "Remove the invisible text-direction characters from this answer."
NO_EMAIL_BREAKS = "Enter an email address without line breaks."
BAD_EMAIL = "Enter an email address in the correct format, like name@example.com."
BAD_PHONE = "Enter a phone number using digits, spaces and an optional leading +."
BAD_DATE = "Enter a real date in the format YYYY-MM-DD."
PAST_DATE = "Choose today or a date in the future."
NO_CONSENT = "Tick the box to agree before sending your request."
NO_LETTERS = "Enter your name using letters."
NOT_TEXT = "Remove the characters that are not standard text from this answer."
NOT_PUBLIC = "Enter an email address with a public domain, like name@example.com."
NO_NAME = "Enter your full name."
NO_REASON = "Tell us briefly why you would like an appointment."
ALL_REQUIRED = True  # see FieldCase.all_required


def too_far():
    return f"Choose a date before {days_from_today(HORIZON_DAYS)}."


FIELD_CASES = [
    # Lengths
    FieldCase(
        "name-101-chars",
        {"name": "x" * 101},
        "name",
        "Ensure this value has at most 100 characters (it has 101).",
    ),
    FieldCase(
        "email-over-254-chars",
        {"email": LONG_EMAIL},
        "email",
        f"Ensure this value has at most 254 characters (it has {len(LONG_EMAIL)}).",
    ),
    FieldCase(
        "phone-33-chars",
        {"phone": "1" * 33},
        "phone",
        "Ensure this value has at most 32 characters (it has 33).",
    ),
    FieldCase(
        "reason-1001-chars",
        {"reason": "x" * 1001},
        "reason",
        "Ensure this value has at most 1000 characters (it has 1001).",
    ),
    # NUL bytes: PostgreSQL cannot store them, so they must be a field error, never a 500.
    FieldCase("nul-in-name", {"name": "Ann\x00Patient"}, "name", CONTROL),
    FieldCase("nul-in-email", {"email": "ann\x00@example.com"}, "email", NO_EMAIL_BREAKS),
    FieldCase("nul-in-phone", {"phone": "020\x007946 0000"}, "phone", CONTROL),
    FieldCase("nul-in-reason", {"reason": "Back\x00pain"}, "reason", CONTROL),
    FieldCase("nul-in-date", {"preferred_date": "2030-01-01\x00"}, "preferred_date", BAD_DATE),
    # Other control and text-direction characters
    FieldCase("bell-in-name", {"name": "Ann\x07"}, "name", CONTROL),
    FieldCase("escape-sequence-in-reason", {"reason": "Back \x1b[31mpain"}, "reason", CONTROL),
    FieldCase("bidi-override-in-name", {"name": f"Ann {BIDI}tneitaP"}, "name", NO_BIDI),
    FieldCase("bidi-override-in-reason", {"reason": f"Pain {BIDI}kcab"}, "reason", NO_BIDI),
    # Header injection: CR/LF in anything that might end up near an email header
    FieldCase("crlf-in-name", {"name": "Ann\r\nBcc: victim@example.com"}, "name", CONTROL),
    FieldCase("trailing-newline-in-name", {"name": "Ann Patient\n"}, "name", CONTROL),
    FieldCase(
        "crlf-in-email",
        {"email": "ann@example.com\r\nBcc: victim@example.com"},
        "email",
        NO_EMAIL_BREAKS,
    ),
    FieldCase("trailing-crlf-in-email", {"email": "ann@example.com\r\n"}, "email", NO_EMAIL_BREAKS),
    FieldCase(
        "crlf-in-phone", {"phone": "020 7946 0000\r\nBcc: victim@example.com"}, "phone", CONTROL
    ),
    FieldCase("trailing-newline-in-phone", {"phone": "020 7946 0000\n"}, "phone", CONTROL),
    # Email format
    FieldCase("email-without-at", {"email": "ann.example.com"}, "email", BAD_EMAIL),
    FieldCase("two-emails", {"email": "ann@example.com, eve@example.com"}, "email", BAD_EMAIL),
    # Dates
    FieldCase("date-not-a-date", {"preferred_date": "next tuesday"}, "preferred_date", BAD_DATE),
    FieldCase(
        "date-30-february",
        {"preferred_date": f"{timezone.localdate().year + 1}-02-30"},
        "preferred_date",
        BAD_DATE,
    ),
    FieldCase(
        "date-with-time",
        {"preferred_date": f"{days_from_today(7)}T10:00"},
        "preferred_date",
        BAD_DATE,
    ),
    FieldCase("date-day-first", {"preferred_date": "31/12/2030"}, "preferred_date", BAD_DATE),
    FieldCase(
        "date-yesterday", {"preferred_date": days_from_today(-1)}, "preferred_date", PAST_DATE
    ),
    FieldCase(
        "date-beyond-booking-window",
        {"preferred_date": days_from_today(HORIZON_DAYS + 1)},
        "preferred_date",
        too_far(),
    ),
    FieldCase("date-9999-12-31", {"preferred_date": "9999-12-31"}, "preferred_date", too_far()),
    FieldCase("date-year-10000", {"preferred_date": "10000-01-01"}, "preferred_date", BAD_DATE),
    # Consent
    FieldCase("consent-missing", {"consent": None}, "consent", NO_CONSENT),
    FieldCase("consent-false", {"consent": "false"}, "consent", NO_CONSENT),
    FieldCase("consent-zero", {"consent": "0"}, "consent", NO_CONSENT),
    FieldCase("consent-empty", {"consent": ""}, "consent", NO_CONSENT),
    FieldCase("consent-off", {"consent": "off"}, "consent", NO_CONSENT),
    FieldCase("consent-no", {"consent": "no"}, "consent", NO_CONSENT),
    # Always-required fields
    FieldCase("name-missing", {"name": None}, "name", "Enter your full name."),
    FieldCase("name-only-spaces", {"name": "   "}, "name", "Enter your full name."),
    # Invisible-only answers say nothing: "required" applies to them
    FieldCase("name-only-zero-width", {"name": "\u200b\u200c\u200d\ufeff"}, "name", "Enter your full name."),
    FieldCase(
        "name-zero-width-and-spaces", {"name": " \u200b \u2060 "}, "name", "Enter your full name."
    ),
    FieldCase(
        "reason-only-zero-width",
        {"reason": "\u200b\u200b"},
        "reason",
        "Tell us briefly why you would like an appointment.",
        ALL_REQUIRED,
    ),
    # Line and paragraph separators break a single line as "\n" does
    FieldCase("line-separator-in-name", {"name": "Ann\u2028Patient"}, "name", CONTROL),
    FieldCase("paragraph-separator-in-name", {"name": "Ann\u2029Patient"}, "name", CONTROL),
    FieldCase("line-separator-in-phone", {"phone": "020 7946\u20280000"}, "phone", CONTROL),
    FieldCase(
        "line-separator-in-email", {"email": "ann@example.com\u2028"}, "email", NO_EMAIL_BREAKS
    ),
    FieldCase("email-missing", {"email": ""}, "email", "Enter your email address."),
    # Phone formats
    FieldCase("phone-letters", {"phone": "abc"}, "phone", BAD_PHONE),
    FieldCase("phone-too-few-digits", {"phone": "12"}, "phone", BAD_PHONE),
    FieldCase("phone-double-plus", {"phone": "++44 20 7946 0000"}, "phone", BAD_PHONE),
    # Choices a browser could not send
    FieldCase(
        "time-not-a-choice",
        {"preferred_time": "midnight"},
        "preferred_time",
        "Choose one of the times listed.",
    ),
    FieldCase(
        "status-not-a-choice",
        {"patient_status": "vip"},
        "patient_status",
        "Choose new or returning patient.",
    ),
    # Questions the editor made required
    FieldCase(
        "required-phone-missing", {"phone": ""}, "phone", "Enter a phone number.", ALL_REQUIRED
    ),
    FieldCase(
        "required-date-missing",
        {"preferred_date": None},
        "preferred_date",
        "Enter a preferred date.",
        ALL_REQUIRED,
    ),
    FieldCase(
        "required-time-missing",
        {"preferred_time": None},
        "preferred_time",
        "Choose a preferred time of day.",
        ALL_REQUIRED,
    ),
    FieldCase(
        "required-status-missing",
        {"patient_status": ""},
        "patient_status",
        "Tell us whether you are a new or returning patient.",
        ALL_REQUIRED,
    ),
    FieldCase(
        "required-reason-missing",
        {"reason": "  "},
        "reason",
        "Tell us briefly why you would like an appointment.",
        ALL_REQUIRED,
    ),
]

# The text rules, each on the HTML face (above) and both JSON faces (below).
TEXT_RULE_CASES = [
    # A name needs a letter or a digit: marks, emoji or punctuation alone name no one.
    FieldCase(
        "name-only-combining-marks", {"name": "\u0301\u0301"}, "name", NO_LETTERS, code="no_letters"
    ),
    FieldCase("name-only-emoji", {"name": "😀 👍"}, "name", NO_LETTERS, code="no_letters"),
    FieldCase("name-only-punctuation", {"name": "-- . --"}, "name", NO_LETTERS, code="no_letters"),
    # A Hangul filler is a letter by category (Lo) but draws nothing.
    FieldCase(
        "name-hangul-filler-and-mark",
        {"name": "\u3164\u0301"},
        "name",
        NO_LETTERS,
        code="no_letters",
    ),
    # Characters that draw nothing on their own: the answer looks empty, so it is missing.
    FieldCase("name-only-hangul-filler", {"name": "\u3164"}, "name", NO_NAME, code="required"),
    FieldCase(
        "name-only-halfwidth-hangul-filler",
        {"name": "\uffa0 \uffa0"},
        "name",
        NO_NAME,
        code="required",
    ),
    FieldCase(
        "name-only-hangul-jamo-fillers", {"name": "\u115f\u1160"}, "name", NO_NAME, code="required"
    ),
    FieldCase(
        "name-only-braille-blank", {"name": "\u2800\u2800"}, "name", NO_NAME, code="required"
    ),
    FieldCase(
        "name-only-variation-selectors", {"name": "\ufe0f\ufe0e"}, "name", NO_NAME, code="required"
    ),
    FieldCase(
        "name-only-ideographic-variation-selector",
        {"name": "\U000e0100"},
        "name",
        NO_NAME,
        code="required",
    ),
    FieldCase(
        "reason-only-hangul-fillers",
        {"reason": "\u3164\r\n\u3164"},
        "reason",
        NO_REASON,
        ALL_REQUIRED,
        code="required",
    ),
    # Private-use characters and non-characters are not text, in any answer.
    FieldCase("private-use-in-name", {"name": "Ann \ue000"}, "name", NOT_TEXT, code="not_text"),
    FieldCase("only-private-use-name", {"name": "\uf8ff"}, "name", NOT_TEXT, code="not_text"),
    FieldCase(
        "plane-15-private-use-name", {"name": "\U000f0000"}, "name", NOT_TEXT, code="not_text"
    ),
    FieldCase(
        "plane-16-private-use-in-name",
        {"name": "Ann \U0010fffd"},
        "name",
        NOT_TEXT,
        code="not_text",
    ),
    FieldCase("non-character-fdd0-name", {"name": "\ufdd0"}, "name", NOT_TEXT, code="not_text"),
    FieldCase(
        "non-character-fdef-in-name", {"name": "Ann\ufdef"}, "name", NOT_TEXT, code="not_text"
    ),
    FieldCase("non-character-fffe-name", {"name": "\ufffe"}, "name", NOT_TEXT, code="not_text"),
    FieldCase(
        "non-character-ffff-in-name", {"name": "Ann\uffff"}, "name", NOT_TEXT, code="not_text"
    ),
    FieldCase(
        "non-character-1fffe-name", {"name": "\U0001fffe"}, "name", NOT_TEXT, code="not_text"
    ),
    FieldCase(
        "non-character-10ffff-in-name",
        {"name": "Ann \U0010ffff"},
        "name",
        NOT_TEXT,
        code="not_text",
    ),
    FieldCase(
        "private-use-in-phone", {"phone": "020 7946 0000\ue000"}, "phone", NOT_TEXT, code="not_text"
    ),
    FieldCase(
        "non-character-in-phone",
        {"phone": "\ufffe020 7946 0000"},
        "phone",
        NOT_TEXT,
        code="not_text",
    ),
    FieldCase(
        "private-use-in-reason", {"reason": "Back pain \uf8ff"}, "reason", NOT_TEXT, code="not_text"
    ),
    FieldCase(
        "non-character-in-reason",
        {"reason": "Back\U0001ffff pain\r\nat night"},
        "reason",
        NOT_TEXT,
        code="not_text",
    ),
    FieldCase(
        "private-use-in-email-domain",
        {"email": "ann@\ue000.example.com"},
        "email",
        NOT_TEXT,
        code="not_text",
    ),
    FieldCase(
        "non-character-in-email-domain",
        {"email": "ann@exa\ufdd0mple.com"},
        "email",
        NOT_TEXT,
        code="not_text",
    ),
    # An email domain must be a public hostname.
    FieldCase(
        "email-at-localhost", {"email": "ann@localhost"}, "email", NOT_PUBLIC, code="public_domain"
    ),
    FieldCase(
        "email-at-localhost-upper-case",
        {"email": "ann@LOCALHOST"},
        "email",
        NOT_PUBLIC,
        code="public_domain",
    ),
    FieldCase(
        "email-at-ipv4-loopback",
        {"email": "ann@[127.0.0.1]"},
        "email",
        NOT_PUBLIC,
        code="public_domain",
    ),
    FieldCase(
        "email-at-public-ipv4",
        {"email": "ann@[203.0.113.5]"},
        "email",
        NOT_PUBLIC,
        code="public_domain",
    ),
    FieldCase(
        "email-at-ipv6-loopback",
        {"email": "ann@[IPv6:::1]"},
        "email",
        NOT_PUBLIC,
        code="public_domain",
    ),
    FieldCase(
        "email-at-domain-without-dot",
        {"email": "ann@intranet"},
        "email",
        NOT_PUBLIC,
        code="public_domain",
    ),
    FieldCase(
        "email-domain-trailing-dot",
        {"email": "ann@example.com."},
        "email",
        BAD_EMAIL,
        code="invalid",
    ),
    FieldCase("email-at-bare-dot", {"email": "ann@."}, "email", BAD_EMAIL, code="invalid"),
    # Domains Django's pattern takes but its mail could not send to (no IDNA form).
    FieldCase(
        "email-domain-with-bidi-override",
        {"email": f"ann@exa{BIDI}elpm.com"},
        "email",
        BAD_EMAIL,
        code="invalid",
    ),
    FieldCase(
        "email-domain-label-too-long-once-encoded",
        {"email": "ann@" + "ü" * 60 + ".example"},
        "email",
        BAD_EMAIL,
        code="invalid",
    ),
]
FIELD_CASES += TEXT_RULE_CASES
CHOICE_FIELDS = {"preferred_time", "patient_status"}


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda case: case.id)
def test_invalid_answer_is_a_field_error_on_the_re_rendered_page(form_page, send, case):
    block_id = OTHER_FORM_ID if case.all_required else FORM_ID
    message = case.message

    response = send(
        "post", submit_url(), FormPage(form_page.page, block_id).payload(**case.answers)
    )

    assert response.status_code == 422
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    field_id = f"appointment-{block_id[:8]}-{case.field}"
    assert (
        f'<p class="wc-error-message" id="{field_id}-error">'
        f'<span class="wc-visually-hidden">Error:</span> {escape(message)}</p>'
    ) in html
    summary = re.search(r'<div class="wc-error-summary".*?</div>', html, re.S).group(0)
    if case.field in CHOICE_FIELDS:
        # Radios follow the GOV.UK pattern: the fieldset points at the error, the summary
        # links to the first radio.
        assert f'<a href="#{field_id}_0">{escape(message)}</a>' in summary
        fieldset = re.search(
            rf'<fieldset[^>]*aria-describedby="([^"]*{field_id}-error[^"]*)"', html
        )
        assert fieldset, "the fieldset is not described by its error"
        radios = re.findall(rf'<input type="radio"[^>]*id="{field_id}_\d+"[^>]*>', html)
        assert radios and all('aria-invalid="true"' in radio for radio in radios)
        invalid_inputs = len(radios)
    else:
        assert f'<a href="#{field_id}">{escape(message)}</a>' in summary
        tag = re.search(rf'<(?:input|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag
        assert f"{field_id}-error" in tag  # aria-describedby
        invalid_inputs = 1
    assert html.count('aria-invalid="true"') == invalid_inputs  # only the field that is wrong
    assert_nothing_stored_or_sent()


# --- 422 on the JSON faces: the text rules give the same field error -----------------------

JSON_FACES = [
    pytest.param("wagtail_conditions:appointment_api_submit", id="api"),
    pytest.param(
        "wagtailapi_v3:wagtail_conditions_appointment_submit",
        id="api-v3",
        marks=pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8"),
    ),
]


@pytest.mark.parametrize("url_name", JSON_FACES)
@pytest.mark.parametrize("case", TEXT_RULE_CASES, ids=lambda case: case.id)
def test_text_rule_is_the_same_field_error_on_the_json_faces(form_page, send, url_name, case):
    block_id = OTHER_FORM_ID if case.all_required else FORM_ID
    body = json_body(form_page, block=block_id, **case.answers)

    response = send("post", reverse(url_name), body, content_type="application/json")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == problem(
        422, "Validation failed", [error(case.field, case.message, case.code)]
    )
    assert_nothing_stored_or_sent()


# --- 422 with hostile markup: escaped wherever the page repeats it --------------------------

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
ECHOED_FIELDS = ["name", "email", "phone", "reason", "preferred_date"]
XSS_CASES = [(f, p) for f in ECHOED_FIELDS + ["preferred_time", "patient_status"] for p in XSS]


@pytest.mark.parametrize("field_name,payload", XSS_CASES)
def test_markup_in_any_field_is_escaped_when_the_page_re_renders(
    form_page, send, field_name, payload
):
    # Without consent the page always re-renders, whether or not the field itself is valid.
    response = send("post", submit_url(), form_page.payload(consent=None, **{field_name: payload}))

    assert response.status_code == 422
    html = response.content.decode()
    if payload.startswith("javascript:"):
        assert 'href="javascript:' not in html and 'src="javascript:' not in html
    else:
        assert payload not in html
        assert "<img src=x" not in html and "<script>alert" not in html
    if field_name in ECHOED_FIELDS:
        assert escape(payload) in html  # the visitor's answer is kept, as text
    assert_nothing_stored_or_sent()


# --- 303: unusual but valid answers, stored exactly as typed --------------------------------

ACCEPTED_CASES = [
    ("emoji-name", {"name": "Ann 😀 Patient"}),
    ("cjk-name", {"name": "山田 花子"}),
    ("zero-width-joiner-emoji-name", {"name": "Ann 👩\u200d👩\u200d👧"}),
    ("zero-width-space-name", {"name": "Ann\u200bPatient"}),
    ("emoji-and-cjk-reason", {"reason": "腰痛 😣 since Monday\r\nworse at night"}),
    ("zero-width-chars-reason", {"reason": "Back\u200b pain\u200c\u2060"}),
    ("accents-and-apostrophe-name", {"name": "Zoë O'Brien-Łukasz"}),
    # Stored as typed: neutralising formulas is the exporters' job (see the export tests).
    ("formula-in-name", {"name": '=HYPERLINK("http://x")'}),
    ("markup-in-reason", {"reason": '<script>alert(1)</script> "><img src=x onerror=alert(1)>'}),
    ("javascript-url-in-name", {"name": "javascript:alert(1)"}),
    ("phone-uk-international", {"phone": "+44 20 7946 0000"}),
    ("phone-us-brackets", {"phone": "(555) 010-0100"}),
    ("phone-with-extension", {"phone": "+1 555 0100 ext. 12"}),
    ("date-today", {"preferred_date": days_from_today(0)}),
    ("date-last-day-of-window", {"preferred_date": days_from_today(HORIZON_DAYS)}),
]
# What the text rules must let through: letters with emoji, variation selectors or marks.
TEXT_RULE_ACCEPTED_CASES = [
    ("emoji-with-variation-selector-name", {"name": "Ann ❤\ufe0f Patient"}),
    ("family-emoji-after-a-letter-name", {"name": "A 👩\u200d👩\u200d👧"}),
    ("decomposed-accent-name", {"name": "Zoe\u0308 Patient"}),
    ("hangul-name", {"name": "김민준"}),
    ("arabic-digits-name", {"name": "٣"}),
    ("emoji-with-skin-tone-and-selector-reason", {"reason": "Sore 👍🏽 knee ☺\ufe0f"}),
    ("hangul-filler-between-letters-name", {"name": "Ann\u3164Patient"}),
    ("plus-tag-email", {"email": "ann+clinic@example.com"}),
    ("subdomain-email", {"email": "ann@mail.clinic.example.org"}),
    ("internationalised-domain-email", {"email": "ann@bücher.example"}),
]
ACCEPTED_CASES += TEXT_RULE_ACCEPTED_CASES


@pytest.mark.parametrize(
    "answers", [a for _id, a in ACCEPTED_CASES], ids=[i for i, _a in ACCEPTED_CASES]
)
def test_unusual_valid_answer_is_stored_exactly_as_typed(form_page, send, answers):
    response = send("post", submit_url(), form_page.payload(**answers))

    assert response.status_code == 303
    row = AppointmentRequest.objects.get()
    for name, value in answers.items():
        stored = getattr(row, name)
        assert (stored.isoformat() if name == "preferred_date" else stored) == value
    staff = mail.outbox[0]
    assert staff.reply_to == []  # no patient address in the headers by default
    assert "\n" not in staff.subject
    # The only header added is the Message-ID, which names the reference, never the patient.
    assert set(staff.extra_headers) == {"Message-ID"}
    assert row.reference in staff.extra_headers["Message-ID"]


@pytest.mark.parametrize("url_name", JSON_FACES)
@pytest.mark.parametrize(
    "answers",
    [a for _id, a in TEXT_RULE_ACCEPTED_CASES],
    ids=[i for i, _a in TEXT_RULE_ACCEPTED_CASES],
)
def test_answer_the_text_rules_allow_is_stored_exactly_from_the_json_faces(
    form_page, send, url_name, answers
):
    body = json_body(form_page, **answers)

    response = send("post", reverse(url_name), body, content_type="application/json")

    assert response.status_code == 201, response.content[:500]
    row = AppointmentRequest.objects.get()
    for name, value in answers.items():
        assert getattr(row, name) == value
    assert len(mail.outbox) == 2  # staff notification and acknowledgement


# --- 303 and held as spam: valid submissions that look like a bot's -----------------------


@pytest.mark.parametrize(
    "overrides,min_fill,reason",
    [
        pytest.param({"website": "http://spam.example"}, 0, "honeypot", id="honeypot-filled"),
        pytest.param({}, 5, "too_fast", id="submitted-too-fast"),
    ],
)
def test_valid_spam_gets_the_success_response_and_is_held_as_spam_without_email(
    form_page, send, settings, caplog, overrides, min_fill, reason
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=min_fill)

    with caplog.at_level(logging.INFO, logger="wagtail_conditions"):
        response = send("post", submit_url(), form_page.payload(**overrides))

    row = AppointmentRequest.objects.get()
    assert response.status_code == 303
    assert response["Location"] == (
        f"{form_page.sent_url}?reference={row.reference}#appointment"
    )
    assert (row.status, row.spam_reason) == ("spam", reason)
    assert row.notification_status == "not_required"
    assert row.send_acknowledgement is False
    assert row.name == "Ann Patient"  # kept, so a real patient can still be found
    assert mail.outbox == []
    assert f"Appointment request {row.reference} held as spam ({reason})" in caplog.text
    assert "Ann Patient" not in caplog.text and PATIENT_EMAIL not in caplog.text


def test_spam_check_of_the_site_holds_a_valid_request_as_spam(form_page, send, settings):
    configure(settings, APPOINTMENT_SPAM_CHECKS=["tests.builders.appointments.always_spam"])

    response = send("post", submit_url(), form_page.payload())

    assert response.status_code == 303
    row = AppointmentRequest.objects.get()
    assert (row.status, row.spam_reason) == ("spam", "site_check")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "overrides,min_fill",
    [
        pytest.param({"website": "x", "email": "not-an-email"}, 0, id="honeypot-and-invalid"),
        pytest.param({"email": "not-an-email"}, 5, id="too-fast-and-invalid"),
    ],
)
def test_invalid_submission_gets_its_errors_however_fast_or_bot_like(
    form_page, send, settings, overrides, min_fill
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=min_fill)

    response = send("post", submit_url(), form_page.payload(**overrides))

    assert response.status_code == 422
    assert BAD_EMAIL in response.content.decode()
    assert_nothing_stored_or_sent()


def test_a_patient_who_took_their_time_is_not_treated_as_spam(form_page, send, settings):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=5)

    response = send("post", submit_url(), form_page.payload(token_now=time.time() - 6))

    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


# --- 403: the form token --------------------------------------------------------------------


def _tampered(page_id):
    token = make_form_token(page_id, FORM_ID)
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


TOKEN_CASES = {
    "token-missing": lambda page_id: None,
    "token-empty": lambda page_id: "",
    "token-malformed": lambda page_id: "not-a-token",
    "token-forged-signature": _tampered,
    "token-for-another-block": lambda page_id: make_form_token(page_id, OTHER_FORM_ID),
    "token-for-another-page": lambda page_id: make_form_token(page_id + 1000, FORM_ID),
    "token-expired": lambda page_id: make_form_token(
        page_id, FORM_ID, now=time.time() - TOKEN_MAX_AGE - 1
    ),
    "token-from-the-future": lambda page_id: make_form_token(
        page_id, FORM_ID, now=time.time() + 3600
    ),
    "token-too-long": lambda page_id: "x" * 501,
    "token-with-nul": lambda page_id: make_form_token(page_id, FORM_ID) + "\x00",
}


@pytest.mark.parametrize("make_token", TOKEN_CASES.values(), ids=TOKEN_CASES.keys())
def test_bad_form_token_is_refused_with_403(form_page, send, make_token):
    response = send("post", submit_url(), form_page.payload(token=make_token(form_page.page.pk)))

    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]
    assert_nothing_stored_or_sent()


def _signed_token(page_id, issued_at):
    payload = {"p": page_id, "b": FORM_ID, "t": issued_at, "n": "x"}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


@pytest.mark.parametrize(
    "issued_at",
    [
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="infinity"),
        pytest.param(float("-inf"), id="minus-infinity"),
        pytest.param(1.5, id="float"),
        pytest.param("1700000000", id="string"),
        pytest.param(True, id="boolean"),
        pytest.param(None, id="null"),
        pytest.param(10**30, id="far-future"),
        pytest.param(-(10**30), id="far-past"),
    ],
)
def test_signed_token_whose_timestamp_is_not_a_sane_whole_number_is_403(
    form_page, send, issued_at
):
    token = _signed_token(form_page.page.pk, issued_at)

    response = send("post", submit_url(), form_page.payload(token=token))

    assert response.status_code == 403
    assert_nothing_stored_or_sent()


def _hidden_token(html):
    return re.search(r'<input type="hidden" name="token" value="([^"]+)">', html).group(1)


def test_expired_token_shows_the_form_again_with_the_answers_and_a_fresh_token(
    form_page, send, settings
):
    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=3)
    expired = time.time() - TOKEN_MAX_AGE - 1
    payload = form_page.payload(token_now=expired, reason="Stiff neck since Monday")

    response = send("post", submit_url(), payload)

    assert response.status_code == 403
    html = response.content.decode()
    assert "For your security this form timed out. Your answers are below" in html
    assert 'value="Ann Patient"' in html and "Stiff neck since Monday" in html
    fresh = _hidden_token(html)
    assert fresh != payload["token"]
    assert_nothing_stored_or_sent()

    # Sent again at once with the fresh token: accepted, and not taken for a bot's haste.
    again = send("post", submit_url(), {**payload, "token": fresh})

    assert again.status_code == 303
    row = AppointmentRequest.objects.get()
    assert (row.status, row.reason) == ("new", "Stiff neck since Monday")


def test_token_at_the_end_of_its_lifetime_is_still_accepted(form_page, send):
    response = send(
        "post",
        submit_url(),
        form_page.payload(token_now=time.time() - TOKEN_MAX_AGE + 30),
    )

    assert response.status_code == 303


def test_replayed_token_with_identical_answers_stores_one_request(form_page, send):
    payload = form_page.payload()

    first = send("post", submit_url(), payload)
    second = send("post", submit_url(), payload)

    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert AppointmentRequest.objects.count() == 1
    assert len(mail.outbox) == 2  # one staff email, one acknowledgement


def test_replayed_token_with_different_answers_stores_a_second_request(form_page, send):
    payload = form_page.payload()

    send("post", submit_url(), payload)
    send("post", submit_url(), {**payload, "reason": "Also my neck."})

    assert AppointmentRequest.objects.count() == 2


# --- 404: no such live, public form ---------------------------------------------------------


def _unpublished(form_page):
    form_page.page.unpublish()


def _private(form_page):
    PageViewRestriction.objects.create(
        page=form_page.page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


NOT_FOUND_CASES = {
    "unknown-page-id": ({"page": "999999"}, None),
    "non-integer-page-id": ({"page": "three"}, None),
    "page-id-with-nul": ({"page": "1\x00"}, None),
    "page-id-missing": ({"page": None}, None),
    "unknown-block-id": ({"block": "0000dead-beef-4000-8000-000000000000"}, None),
    "block-id-missing": ({"block": None}, None),
    "block-id-with-nul": ({"block": FORM_ID + "\x00"}, None),
    "block-id-too-long": ({"block": "b" * 65}, None),
    "unpublished-page": ({}, _unpublished),
    "private-page": ({}, _private),
}


@pytest.mark.parametrize("overrides,change", NOT_FOUND_CASES.values(), ids=NOT_FOUND_CASES.keys())
def test_submission_to_a_missing_or_non_public_form_is_404(own_form_page, send, overrides, change):
    payload = own_form_page.payload(**overrides)
    if change:
        change(own_form_page)

    response = send("post", submit_url(), payload)

    assert response.status_code == 404
    assert "This appointment form is no longer available." in response.content.decode()
    assert_nothing_stored_or_sent()


def test_private_page_shows_no_form_that_could_never_be_sent(client, own_form_page):
    page = own_form_page.page
    _private(own_form_page)
    restriction = page.get_view_restrictions().get()
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "secret", "return_url": page.url},
    )

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="token"' not in html
    assert "Appointment requests cannot be sent from this page." in html


def test_thank_you_page_of_a_private_page_is_404(client, own_form_page):
    _private(own_form_page)

    assert client.get(own_form_page.sent_url).status_code == 404


# --- 405, 415, 413, 400: the request itself -------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch", "head", "options"])
def test_submit_url_only_accepts_post(form_page, send, method):
    response = send(method, submit_url())

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "application/xml", "text/html"],
)
def test_submission_that_is_not_form_encoded_is_415(form_page, send, content_type):
    payload = form_page.payload()
    body = urlencode(payload) if content_type == "text/plain" else str(payload)

    response = send("post", submit_url(), body, content_type=content_type)

    assert response.status_code == 415
    assert_nothing_stored_or_sent()


def test_json_body_is_415_even_when_it_is_valid_json(form_page, send):
    response = send("post", submit_url(), form_page.payload(), content_type="application/json")

    assert response.status_code == 415
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"reason": "x" * (16 * 1024)}, id="reason-over-body-limit"),
        pytest.param({"name": "😀" * 2000}, id="emoji-name-over-body-limit"),
        pytest.param({f"extra{i}": "y" * 100 for i in range(200)}, id="many-fields-over-limit"),
    ],
)
def test_body_over_the_size_limit_is_413(form_page, send, answers):
    response = send("post", submit_url(), form_page.payload(**answers))

    assert response.status_code == 413
    assert_nothing_stored_or_sent()


def test_body_limit_is_configurable(form_page, send, settings):
    configure(settings, APPOINTMENT_MAX_BODY_BYTES=200)

    response = send("post", submit_url(), form_page.payload())

    assert response.status_code == 413
    assert_nothing_stored_or_sent()


def test_multipart_form_without_files_is_accepted(form_page, send):
    response = send("post", submit_url(), form_page.payload(), content_type=MULTIPART_CONTENT)

    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


def test_file_upload_is_400(form_page, send):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4", content_type="application/pdf")

    response = send(
        "post",
        submit_url(),
        {**form_page.payload(), "attachment": upload},
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 400
    assert "This form does not accept files." in response.content.decode()
    assert_nothing_stored_or_sent()


@pytest.mark.parametrize(
    "body,content_type",
    [
        pytest.param("garbage", "multipart/form-data", id="multipart-without-boundary"),
        pytest.param(
            "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnn",
            "multipart/form-data; boundary=b",
            id="multipart-truncated",
        ),
        pytest.param(
            "name=Zo%E9", "application/x-www-form-urlencoded; charset=latin-1", id="form-not-utf8"
        ),
        pytest.param(
            "&".join(["a=1"] * 1100),
            "application/x-www-form-urlencoded",
            id="more-fields-than-django-allows",
        ),
    ],
)
def test_unparseable_form_body_is_400(form_page, send, body, content_type):
    response = send("post", submit_url(), body, content_type=content_type)

    assert response.status_code == 400
    assert_nothing_stored_or_sent()


NOT_UTF8 = "Your answers contain characters that are not valid text (UTF-8)."


def test_invalid_utf8_in_a_form_encoded_answer_is_400_not_stored_garbled(form_page, send):
    body = urlencode({**form_page.payload(), "name": "Ann"}) + "%FF%FE"

    response = send("post", submit_url(), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert NOT_UTF8 in response.content.decode()
    assert_nothing_stored_or_sent()


def test_raw_non_utf8_bytes_in_a_form_encoded_body_are_400(form_page, send):
    body = urlencode(form_page.payload()).encode() + b"&reason=caf\xe9"

    response = send("post", submit_url(), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert_nothing_stored_or_sent()


def test_invalid_utf8_in_a_multipart_answer_is_400(form_page, send):
    fields = {**form_page.payload(), "name": "Ann", "reason": None}  # the bad part's answer
    parts = [
        f'--b\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
        if value is not None
    ]
    bad = b'--b\r\nContent-Disposition: form-data; name="reason"\r\n\r\ncaf\xe9\r\n'
    body = b"".join(parts) + bad + b"--b--\r\n"

    response = send("post", submit_url(), body, content_type="multipart/form-data; boundary=b")

    assert response.status_code == 400
    assert NOT_UTF8 in response.content.decode()
    assert_nothing_stored_or_sent()
