"""
The JSON face of the feedback form, for its script (``feedback-form.js``) and headless front
ends: ``POST /api/feedback/`` with ``{"page": 12, "helpful": "yes", "comment": "…", "token":
"…"}`` (``helpful`` also as true/false). 201 ``{"status": "received", "message", "detail"}``;
problems as RFC 7807 JSON shaped like the appointment endpoint's: 400 (unreadable JSON), 403
(bad token, with a fresh ``token``), 404, 405, 413, 415, 422 (``errors``), 429, 503. No
cookies are read; the form token stands in for CSRF.
"""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..api.submissions import _decode, _error, method_not_allowed, problem_response
from ..appointments import answers as appointment_answers
from ..appointments.choices import HONEYPOT_FIELD
from ..conf import conf
from ..i18n import override_page_language
from .answers import THANK_YOU, THANK_YOU_DETAIL, answer_for
from .forms import NO, YES
from .pipeline import Result, submit_feedback

TEXT_KEYS = ("comment", "token", HONEYPOT_FIELD)
ALLOWED_KEYS = {"page", "helpful", *TEXT_KEYS}


def _invalid(errors):
    return appointment_answers.Rejected(answer_for(Result.INVALID), errors)


def parse_body(request):
    """The submitted object, type-checked; raises ``Rejected`` (400, 413, 415, 422)."""
    appointment_answers.check_body(
        request,
        ("application/json",),
        appointment_answers.NOT_JSON,
        max_bytes=conf.FEEDBACK_MAX_BODY_BYTES,
    )
    body = _decode(request.body)
    if not isinstance(body, dict):
        raise _invalid([_error([], _("Send a JSON object."), "dict_type")])
    errors = [
        _error([key], _("This field is not accepted."), "extra_forbidden")
        for key in body
        if key not in ALLOWED_KEYS
    ]
    page = body.get("page")
    if page is None:
        errors.append(_error(["page"], _("This field is required."), "missing"))
    elif not isinstance(page, int) or isinstance(page, bool):
        errors.append(_error(["page"], _("Give the page id as an integer."), "int_type"))
    helpful = body.get("helpful")
    if helpful is not None and not isinstance(helpful, (bool, str)):
        errors.append(
            _error(["helpful"], _('Give the answer as "yes" or "no" (or true or false).'), "type")
        )
    for key in TEXT_KEYS:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            errors.append(_error([key], _("Give this field as a string."), "string_type"))
    if errors:
        raise _invalid(errors)
    return body


def _data(body):
    helpful = body.get("helpful")
    if isinstance(helpful, bool):
        helpful = YES if helpful else NO
    data = {key: body[key] for key in TEXT_KEYS if body.get(key) is not None}
    if helpful is not None:
        data["helpful"] = helpful
    return data


def _form_errors(form):
    return [
        _error([field], error.message % (error.params or {}), error.code or "invalid")
        for field, field_errors in form.errors.as_data().items()
        for error in field_errors
    ]


@csrf_exempt  # no cookies are used; see the module docstring
def submit_feedback_json(request):
    if request.method != "POST":
        return method_not_allowed()
    try:
        body = parse_body(request)
    except appointment_answers.Rejected as rejected:
        return problem_response(rejected.answer, rejected.errors)

    data = _data(body)
    outcome = submit_feedback(
        data=data, request=request, page_id=body["page"], token=data.get("token")
    )
    answer = answer_for(outcome.result)
    with override_page_language(outcome.page):
        if outcome.result in (Result.CREATED, Result.SPAM):
            response = JsonResponse(
                {
                    "status": "received",
                    "message": str(THANK_YOU),
                    "detail": str(THANK_YOU_DETAIL),
                },
                status=answer.status,
            )
            add_never_cache_headers(response)
            return response
        if outcome.result is Result.INVALID:
            return problem_response(answer, _form_errors(outcome.form))
        if outcome.result is Result.BAD_TOKEN:
            return problem_response(answer, token=outcome.fresh_token)
        return problem_response(answer)
