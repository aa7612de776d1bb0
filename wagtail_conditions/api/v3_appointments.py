"""
The appointment submission operation on Wagtail 8's API v3 (django-ninja), so it appears in
``/api/v3/openapi.json`` beside the pages. The body is parsed by ``submissions.parse_body``,
not by ninja: ninja accepts any Content-Type as JSON, ignores unknown keys and lets NUL bytes
through, and the plain JSON endpoint must behave identically. The handler returns the shared
face's response as it is.

The document must say what the server does. Ninja documents every response it knows a model
for as ``application/json`` (its renderer's media type, for the whole API), while our errors
are ``application/problem+json``. So ninja is given a model for the 201 receipt only, and the
request body, the ``Idempotency-Key`` header and every error response are written out in the
operation's ``openapi_extra`` (which ninja merges into the operation, a documented feature),
from the JSON Schemas in ``schemas.py``. ``tests/api/test_openapi_contract.py`` checks real
answers against the published document.
"""

from typing import Literal

import wagtail.api.v3  # noqa: F401  (an ImportError on Wagtail < 8, by design)
from ninja import Router, Schema
from pydantic import Field

from ..appointments.references import REFERENCE_RE
from .schemas import (
    APPOINTMENT_REQUEST,
    APPOINTMENT_TOKEN_PROBLEM_MEMBERS,
    APPOINTMENT_VALIDATION_PROBLEM_MEMBERS,
    appointment_problem_schema,
)
from .submissions import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PATTERN,
    PROBLEM_JSON,
    method_not_allowed,
    submit_appointment_json,
)

router = Router(tags=["appointments"], auth=None)


class AppointmentReceipt(Schema):
    status: Literal["received"]
    reference: str = Field(
        pattern=REFERENCE_RE.pattern,
        examples=["AR-7K3Q-9M"],
        description="Quote it to the clinic; it holds no personal data.",
    )
    message: str = Field(description="The form's thank-you message.")


def _retry_after(description):
    return {
        "Retry-After": {
            "description": description,
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    }


def _problem(status, description, headers=None, **members):
    response = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": appointment_problem_schema(status, **members)}},
    }
    if headers:
        response["headers"] = headers
    return response


# Keys are ints, as ninja's own (the 201), so that the two merge rather than both appear.
ERROR_RESPONSES = {
    400: _problem(
        400,
        "The body is not JSON (malformed, empty, not UTF-8, NaN, too deep), or an object in "
        "it has a key more than once (`detail` names the keys).",
    ),
    403: _problem(
        403,
        "The form token is missing, forged, expired, or for another form. The answer carries "
        "a new `token`: send the request again with it.",
        **APPOINTMENT_TOKEN_PROBLEM_MEMBERS,
    ),
    404: _problem(404, "No such form: an unknown page or block, or one not live and public."),
    409: _problem(
        409,
        "This Idempotency-Key was already used for this form with different answers; "
        "nothing was stored.",
    ),
    413: _problem(413, "The body is larger than APPOINTMENT_MAX_BODY_BYTES."),
    415: _problem(415, "The body is not sent as application/json."),
    422: _problem(
        422,
        "The answers are not acceptable: each error names its key in `loc`. Keys that are "
        "never accepted, and answers to questions the form does not ask, are "
        "`extra_forbidden`. An `Idempotency-Key` header that is empty, too long or not "
        'printable ASCII is an error at `["header", "Idempotency-Key"]`.',
        **APPOINTMENT_VALIDATION_PROBLEM_MEMBERS,
    ),
    429: _problem(
        429,
        "Too many requests from this client.",
        headers=_retry_after("Seconds until the rate limit's window ends."),
    ),
    503: _problem(
        503,
        "The database is unavailable; nothing was stored.",
        headers=_retry_after("Seconds to wait before sending the request again."),
    ),
}


@router.post(
    "/",
    url_name="wagtail_conditions_appointment_submit",
    summary="Request an appointment",
    description=(
        "Submit an appointment request to a form block. No cookie or CSRF token is needed; "
        "send the block's `token`. Answers 201 with a receipt (also for a request held as "
        "spam), or an RFC 7807 problem (`application/problem+json`). Every answer is "
        "`Cache-Control: no-store`."
    ),
    response={201: AppointmentReceipt},
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": (
                    "Any string of printable ASCII made when the visitor presses the button "
                    "and reused for every retry of that press: the same key with the same "
                    "answers answers the first request's receipt, with other answers a 409. "
                    "A key that is empty, longer or of other characters is a 422."
                ),
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
                    "pattern": IDEMPOTENCY_KEY_PATTERN,
                },
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": APPOINTMENT_REQUEST}},
        },
        "responses": {
            201: {"description": "Received: stored under the receipt's reference."},
            **ERROR_RESPONSES,
        },
    },
)
def submit_appointment(request):
    return submit_appointment_json(request)


# Without this, ninja answers other methods with a plain-text 405 of its own; the plain JSON
# endpoint answers with a problem, and the two must not differ.
@router.api_operation(
    ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"], "/", include_in_schema=False
)
def other_methods(request):
    return method_not_allowed()


# The operation also without the trailing slash, as the plain endpoint (``urls.py``): there
# Django's APPEND_SLASH would answer a POST with a 301, or under DEBUG a RuntimeError. Ninja
# joins a router's prefix and an operation's path with "/", so a path "" under
# "/appointments/" is still "appointments/": this needs a router of its own, mounted at
# "/appointments". Not in the document, which gives one spelling.
slashless_router = Router(tags=["appointments"], auth=None)


@slashless_router.api_operation(
    ["POST", "GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "",
    url_name="wagtail_conditions_appointment_submit_without_slash",
    include_in_schema=False,
)
def submit_appointment_without_slash(request):
    return submit_appointment_json(request)  # a method but POST is its 405 problem


_registered = False


def register():
    """Add the routers to Wagtail's v3 API, once; called from our AppConfig.ready()."""
    global _registered
    if not _registered:
        from wagtail.api.v3.api import api

        api.add_router("/appointments/", router)
        api.add_router("/appointments", slashless_router)
        _registered = True
