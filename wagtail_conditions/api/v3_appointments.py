"""
The appointment submission operation on Wagtail 8's API v3 (django-ninja), so it appears in
``/api/v3/openapi.json`` beside the pages. The body is parsed by ``submissions.parse_body``,
not by ninja: ninja accepts any Content-Type as JSON, ignores unknown keys and lets NUL bytes
through, and the plain JSON endpoint must behave identically. The schemas below document the
operation; the handler returns the shared pipeline's response as it is.
"""

from typing import Literal
from uuid import UUID

import wagtail.api.v3  # noqa: F401  (an ImportError on Wagtail < 8, by design)
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from .submissions import method_not_allowed, submit_json

router = Router(tags=["appointments"], auth=None)


class AppointmentRequestIn(Schema):
    """One appointment request. Which optional fields a form asks for, and which are
    required, is in the form block's API representation (``fields``)."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(description="ID of the page carrying the form.")
    block: str = Field(max_length=64, description="ID of the appointment form block.")
    token: str = Field(description="The form token from the block's API representation.")
    website: str | None = Field(None, description="Honeypot: leave out or empty.")
    name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    phone: str | None = Field(None, max_length=32)
    preferred_date: str | None = Field(None, description="YYYY-MM-DD")
    preferred_time: Literal["morning", "afternoon", "evening", "any"] | None = None
    patient_status: Literal["new", "returning"] | None = None
    reason: str | None = None
    consent: bool = Field(description="Must be true.")


class AppointmentReceipt(Schema):
    status: Literal["received"]
    reference: UUID = Field(description="Quote it to the clinic; it holds no personal data.")
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict] | None = None


@router.post(
    "/",
    url_name="wagtail_conditions_appointment_submit",
    summary="Request an appointment",
    description=(
        "Submit an appointment request to a form block. No cookie or CSRF token is needed; "
        "send the block's `token`. Answers 201 with a receipt, or an RFC 7807 problem: 400 "
        "malformed JSON, 403 bad or expired token, 404 unknown form, 413 body too large, 415 "
        "not application/json, 422 invalid fields, 429 rate limited, 503 not stored (retry)."
    ),
    response={
        201: AppointmentReceipt,
        400: Problem,
        403: Problem,
        404: Problem,
        413: Problem,
        415: Problem,
        422: Problem,
        429: Problem,
        503: Problem,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": AppointmentRequestIn.model_json_schema()}},
        }
    },
)
def submit_appointment(request):
    return submit_json(request)


# Without this, ninja answers other methods with a plain-text 405 of its own; the plain JSON
# endpoint answers with a problem, and the two must not differ.
@router.api_operation(
    ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"], "/", include_in_schema=False
)
def other_methods(request):
    return method_not_allowed()


def register():
    """Add the router to Wagtail's v3 API; called from our AppConfig.ready()."""
    from wagtail.api.v3.api import api

    if not any(prefix == "/appointments/" for prefix, _router in api._routers):
        api.add_router("/appointments/", router)
