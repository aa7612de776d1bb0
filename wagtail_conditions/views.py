"""
The public HTML face of the appointment pipeline: a plain form POST, no JavaScript needed.

Success redirects (POST/redirect/GET) to a thank-you view that re-renders the page with the
right form showing its message and the request's reference. Errors, and a token that has
expired, re-render the page with the visitor's answers, an error summary and a fresh token.
The form posts to its own anchor, so the browser lands on the summary, not the top of the
page. All these responses are ``no-store``: they are personal and must never be cached.
"""

import logging
from urllib.parse import unquote_to_bytes

from django.db import transaction
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_header_parameters, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .appointments.form_state import FormState, set_form_state
from .appointments.pipeline import Result, resolve_form, submit_appointment_request
from .appointments.references import normalise_reference
from .conf import conf

logger = logging.getLogger(__name__)

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def _render_page(request, page, block_id, state, status=200):
    set_form_state(request, block_id, state)
    route = page.route(request, [])
    response = page.serve(request, *route.args, **route.kwargs)
    if hasattr(response, "render"):
        response.render()
    response.status_code = status
    add_never_cache_headers(response)
    return response


def _problem(request, status, title, message, page=None, extra_headers=None):
    response = TemplateResponse(
        request,
        "wagtail_conditions/appointment_problem.html",
        {"title": title, "message": message, "page": page, "base_template": conf.BASE_TEMPLATE},
        status=status,
    )
    add_never_cache_headers(response)
    for header, value in (extra_headers or {}).items():
        response[header] = value
    return response


def _bad_request(request, message):
    return _problem(request, 400, _("Your answers could not be read"), message)


def _is_valid_urlencoded_utf8(body):
    """Django decodes form bodies leniently (invalid UTF-8 becomes U+FFFD); we do not, so a
    broken encoding is refused, as the JSON face refuses it, rather than stored garbled."""
    try:
        text = body.decode("utf-8")
        for pair in text.split("&"):
            for part in pair.split("=", 1):
                unquote_to_bytes(part.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_complete_multipart(request):
    """Django's parser reads a truncated multipart body without complaint, as if the missing
    fields had never been sent; a complete body ends with its closing boundary."""
    _type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    boundary = params.get("boundary", "")
    if not boundary or not boundary.isascii():
        return False
    return request.body.rstrip(b"\r\n").endswith(b"--" + boundary.encode() + b"--")


def _read_form(request, content_type):
    """The submitted fields as a dict, or an error message for a body that cannot be read."""
    unreadable = _("Your answers were sent in a form the server could not read.")
    if content_type == URLENCODED and not _is_valid_urlencoded_utf8(request.body):
        return None, _("Your answers contain characters that are not valid text (UTF-8).")
    if content_type == MULTIPART and not _is_complete_multipart(request):
        return None, unreadable
    try:
        post, files = request.POST, request.FILES
    except MultiPartParserError:
        return None, unreadable
    if files:
        return None, _("This form does not accept files.")
    data = {key: post.get(key) for key in post}
    if content_type == MULTIPART and any("\ufffd" in value for value in data.values()):
        # Multipart fields arrive already decoded with U+FFFD for broken bytes.
        return None, _("Your answers contain characters that are not valid text (UTF-8).")
    return data, None


@csrf_exempt  # protected by the signed form token instead; see appointments/tokens.py
@transaction.non_atomic_requests  # the pipeline commits the request in its own transaction
def submit_appointment(request):
    if request.method != "POST":
        response = _problem(
            request, 405, _("Method not allowed"), _("Send this form with the button on its page.")
        )
        response["Allow"] = "POST"
        return response

    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > conf.APPOINTMENT_MAX_BODY_BYTES:
        return _problem(
            request,
            413,
            _("Request too large"),
            _("Your answers are too long to send. Shorten them and try again."),
        )
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in (URLENCODED, MULTIPART):
        return _problem(
            request, 415, _("Unsupported form data"), _("Send this form with the button on its page.")
        )
    data, error = _read_form(request, content_type)
    if error:
        return _bad_request(request, error)

    page_id, block_id = data.pop("page", None), data.pop("block", None)
    token = data.get("token")
    outcome = submit_appointment_request(
        data=data, request=request, page_id=page_id, block_id=block_id, token=token
    )

    if outcome.result is Result.UNAVAILABLE:
        return _problem(
            request,
            503,
            _("Please try again shortly"),
            _("We could not save your request just now. Nothing was sent. Please try again."),
            extra_headers={"Retry-After": "60"},
        )
    if outcome.result is Result.NOT_FOUND:
        return _problem(
            request, 404, _("Form not found"), _("This appointment form is no longer available.")
        )
    if outcome.result is Result.BAD_TOKEN:
        notice = _(
            "For your security this form timed out. Your answers are below: check them and "
            "send the form again."
        )
        state = FormState(form=outcome.form, token=outcome.fresh_token, notice=notice)
        return _render_page(request, outcome.page, block_id, state, status=403)
    if outcome.result is Result.RATE_LIMITED:
        return _problem(
            request,
            429,
            _("Too many requests"),
            _("You have sent several requests in a short time. Please wait a few minutes and "
              "try again."),
            page=outcome.page,
            extra_headers={"Retry-After": str(conf.APPOINTMENT_RATE_LIMIT_WINDOW)},
        )
    if outcome.result is Result.INVALID:
        # Keep the token the visitor was first given, so the minimum fill time counts from
        # their first view and a quick correction is not taken for a bot's submission.
        state = FormState(form=outcome.form, token=token)
        return _render_page(request, outcome.page, block_id, state, status=422)
    # CREATED and SPAM look the same to the client: a bot learns nothing. (CONFLICT needs an
    # Idempotency-Key, which only the JSON face reads.)
    target = reverse(
        "wagtail_conditions:appointment_sent",
        kwargs={"page_id": outcome.page.pk, "block_id": block_id},
    )
    # 303 so the browser follows with GET. The URL carries the reference, never an answer.
    response = redirect(
        f"{target}?{urlencode({'reference': outcome.instance.reference})}#{outcome.config.anchor}"
    )
    response.status_code = 303
    add_never_cache_headers(response)
    return response


def appointment_sent(request, page_id, block_id):
    """The page again, with the form that was used showing its thank-you message."""
    page, _block, _config = resolve_form(page_id, block_id)
    if page is None:
        raise Http404
    reference = normalise_reference(request.GET.get("reference", "")) or ""
    return _render_page(request, page, block_id, FormState(sent=True, reference=reference))
