"""
The JSON face of the appointment pipeline, shared by the plain Django endpoint (Wagtail 7.4
and 8) and the django-ninja operation on Wagtail 8's API v3. It parses and type-checks the
body strictly, then hands the values to the same ``submit_appointment_request`` the HTML form
uses; it only translates the outcome into RFC 7807 problem responses shaped like API v3's.

Cross-origin use needs no cookies and no CSRF token: the session is never consulted (a
request carrying a staff session cookie is treated like any other), and the signed form
token, honeypot and rate limit protect the endpoint.
"""

import json
import re
from http import HTTPStatus

from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from ..appointments import answers
from ..appointments.choices import HONEYPOT_FIELD, OPTIONAL_FIELDS
from ..appointments.pipeline import Result, submit_appointment_request
from ..i18n import override_page_language

PROBLEM_JSON = "application/problem+json"
TEXT_KEYS = {"token", HONEYPOT_FIELD, "block", "name", "email", *OPTIONAL_FIELDS}
ALLOWED_KEYS = TEXT_KEYS | {"page", "consent"}
IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
IDEMPOTENCY_KEY_MAX_LENGTH = 200
# Printable ASCII, space to "~": what a header value can carry unambiguously (a server hands
# other bytes over as Latin-1, so the same key could arrive differently through another one).
IDEMPOTENCY_KEY_PATTERN = "^[ -~]+$"


def problem_response(answer, errors=None, **members):
    """An RFC 7807 problem for ``answer``, shaped like API v3's own; ``members`` are
    extension members (the 403's ``token``)."""
    payload = {
        "type": "about:blank",
        "title": HTTPStatus(answer.status).phrase,
        "status": answer.status,
        "detail": str(answer.detail),
    }
    if errors:
        payload["errors"] = errors
    payload.update(members)
    response = HttpResponse(json.dumps(payload), status=answer.status, content_type=PROBLEM_JSON)
    for header, value in answer.headers.items():
        response[header] = value
    add_never_cache_headers(response)
    return response


def method_not_allowed():
    response = problem_response(answers.METHOD_NOT_ALLOWED)
    response["Allow"] = "POST"
    return response


def _rejected(detail, errors=None):
    return answers.Rejected(answers.bad_request(detail=detail), errors)


def _invalid(errors):
    return answers.Rejected(answers.answer_for(Result.INVALID), errors)


class _NotJSONConstant(ValueError):
    pass


def _reject_constant(name):
    # Python's json module accepts NaN and Infinity, which are not JSON (RFC 8259).
    raise _NotJSONConstant(name)


def _error(loc, msg, code, where="body"):
    return {"type": code, "loc": [where, *loc], "msg": str(msg)}


def _noting_repeated_keys(repeated):
    """An ``object_pairs_hook`` for ``json.loads``, building objects as it does, that notes
    in ``repeated`` each key an object is given twice (the parser keeps the last value
    without a word)."""

    def hook(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj and key not in repeated:
                repeated.append(key)
            obj[key] = value
        return obj

    return hook


def _decode(raw):
    """The JSON value in the raw body; raises a 400 ``Rejected`` saying what is wrong."""
    if not raw.strip():
        raise _rejected(_("The request body is empty. Send the answers as a JSON object."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _rejected(_("The request body is not valid UTF-8.")) from None
    repeated = []
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            object_pairs_hook=_noting_repeated_keys(repeated),
        )
    except _NotJSONConstant:
        raise _rejected(
            _("The request body is not valid JSON: NaN and Infinity are not JSON numbers.")
        ) from None
    except json.JSONDecodeError as error:
        # The parser's own message names the position, never the content.
        raise _rejected(
            _(
                "The request body is not valid JSON: %(problem)s at line %(line)s, column %(column)s."
            )
            # (one of the parser's messages, "Invalid control character at", ends in "at")
            % {
                "problem": error.msg.removesuffix(" at"),
                "line": error.lineno,
                "column": error.colno,
            },
        ) from None
    except RecursionError:
        raise _rejected(_("The request body is not valid JSON: it is nested too deeply.")) from None
    if repeated:
        # The keys, quoted as JSON, never their values (personal data).
        raise _rejected(
            ngettext(
                "The request body has the key %(keys)s more than once in an object. Send "
                "each key once.",
                "The request body has the keys %(keys)s more than once in an object. Send "
                "each key once.",
                len(repeated),
            )
            % {"keys": ", ".join(json.dumps(key) for key in repeated)}
        )
    return value


def _idempotency_key_errors(request):
    """The ``Idempotency-Key`` header's errors: it is optional, but one that is sent must be
    1 to ``IDEMPOTENCY_KEY_MAX_LENGTH`` printable ASCII characters. (Cutting a longer key
    short would make two keys one, and a key that is empty or unreadable into none.)"""
    if IDEMPOTENCY_HEADER not in request.META:
        return []
    key = request.META[IDEMPOTENCY_HEADER]
    if not key:
        msg, code = _("Send a key of at least 1 character, or no header."), "string_too_short"
    elif len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        msg = _("Send a key of at most %(max)s characters.") % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
        code = "string_too_long"
    elif not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        msg = _("Use only printable ASCII characters (space to ~) in the key.")
        code = "string_pattern_mismatch"
    else:
        return []
    return [_error(["Idempotency-Key"], msg, code, where="header")]


def parse_body(request):
    """The submitted object, type-checked with the ``Idempotency-Key`` header (one 422 lists
    the errors of both, the header's first); raises ``answers.Rejected`` for anything else."""
    answers.check_body(request, ("application/json",), answers.NOT_JSON)
    body = _decode(request.body)
    errors = _idempotency_key_errors(request)
    if not isinstance(body, dict):
        raise _invalid([*errors, _error([], _("Send a JSON object."), "dict_type")])

    for key in body:
        if key not in ALLOWED_KEYS:
            errors.append(_error([key], _("This field is not accepted."), "extra_forbidden"))
    page = body.get("page")
    if page is None:
        errors.append(_error(["page"], _("This field is required."), "missing"))
    elif not isinstance(page, int) or isinstance(page, bool):
        errors.append(_error(["page"], _("Give the page id as an integer."), "int_type"))
    consent = body.get("consent")
    if consent is not None and not isinstance(consent, bool):
        errors.append(_error(["consent"], _("Give consent as true or false."), "bool_type"))
    for key in [key for key in body if key in TEXT_KEYS]:  # in the client's order
        value = body[key]
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append(_error([key], _("Give this field as a string."), "string_type"))
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                errors.append(
                    _error([key], _("This text contains invalid characters."), "string_unicode")
                )
    if errors:
        raise _invalid(errors)
    return body


def _validation_errors(outcome):
    """A 422's ``errors``: answers to questions the form does not ask, in the client's
    order, then the form's own errors in its field order."""
    errors = [
        _error([key], _("This form does not ask for this field."), "extra_forbidden")
        for key in outcome.unknown_fields
    ]
    for field, field_errors in outcome.form.errors.as_data().items():
        for error in field_errors:
            errors.append(
                _error(
                    [field] if field != "__all__" else [],
                    error.message % (error.params or {}),
                    error.code or "invalid",
                )
            )
    return errors


@csrf_exempt  # no cookies are used; see the module docstring
def submit_appointment_json(request):
    """Handle one JSON appointment request: a 201 receipt or a problem, never a 500 (a
    database failure is the pipeline's ``UNAVAILABLE``, a 503)."""
    if request.method != "POST":
        return method_not_allowed()
    try:
        body = parse_body(request)
    except answers.Rejected as rejected:
        return problem_response(rejected.answer, rejected.errors)

    data = {key: value for key, value in body.items() if key in TEXT_KEYS and value is not None}
    block_id = data.pop("block", None)
    token = data.pop("token", None)
    if body.get("consent") is True:
        data["consent"] = "on"
    idempotency_key = request.META.get(IDEMPOTENCY_HEADER)  # checked by parse_body
    outcome = submit_appointment_request(
        data=data,
        request=request,
        page_id=body["page"],
        block_id=block_id,
        token=token,
        idempotency_key=idempotency_key,
        reject_unknown_fields=True,
    )
    answer = answers.answer_for(outcome.result)

    if outcome.result in (Result.CREATED, Result.SPAM):
        # Alike, so a bot learns nothing; the receipt holds no personal data.
        response = JsonResponse(
            {
                "status": "received",
                "reference": outcome.instance.reference,
                "message": outcome.config.thank_you_message,
            },
            status=answer.status,
        )
        add_never_cache_headers(response)
        return response
    # Answered in the page's language (Wagtail's localisation on), as the HTML form is.
    with override_page_language(outcome.page):
        if outcome.result is Result.INVALID:
            return problem_response(answer, _validation_errors(outcome))
        if outcome.result is Result.BAD_TOKEN:
            return problem_response(answer, token=outcome.fresh_token)
        return problem_response(answer)
