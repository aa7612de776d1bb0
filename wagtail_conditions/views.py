"""
The public HTML face of the appointment pipeline: a plain form POST, no JavaScript needed.

Success redirects (POST/redirect/GET) to a thank-you view that re-renders the page with the
right form showing its message; errors re-render the page with the visitor's answers and an
error summary. Both responses are ``no-store``: they are personal and must never be cached.
"""

import logging

from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .appointments.pipeline import Result, resolve_form, submit_appointment_request
from .conf import conf

logger = logging.getLogger(__name__)

FORM_STATE_ATTR = "_wagtail_conditions_form_state"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def get_form_state(request, block_id):
    """The bound form with errors, or "sent", for one form block in this request, if any."""
    return getattr(request, FORM_STATE_ATTR, {}).get(block_id)


def _render_page(request, page, block_id, state, status=200):
    setattr(request, FORM_STATE_ATTR, {block_id: state})
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


@csrf_exempt  # protected by the signed form token instead; see appointments/spam.py
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
    if content_type not in FORM_CONTENT_TYPES:
        return _problem(
            request, 415, _("Unsupported form data"), _("Send this form with the button on its page.")
        )
    if request.FILES:
        return _problem(request, 400, _("Bad request"), _("This form does not accept files."))

    data = {key: request.POST.get(key) for key in request.POST}
    page_id, block_id = data.pop("page", None), data.pop("block", None)
    try:
        outcome = submit_appointment_request(
            data=data,
            request=request,
            page_id=page_id,
            block_id=block_id,
            token=data.get("token"),  # left in data: an error re-render reuses it
        )
    except DatabaseError:
        logger.exception("Appointment request could not be stored")
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
        return _problem(
            request,
            403,
            _("This form has expired"),
            _("For your security the form timed out. Go back to the page, reload it and send "
              "your request again."),
            page=outcome.page,
        )
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
        return _render_page(request, outcome.page, block_id, outcome.form, status=422)
    # CREATED and SILENTLY_DROPPED look the same to the client: a bot learns nothing.
    response = redirect(
        reverse(
            "wagtail_conditions:appointment_sent",
            kwargs={"page_id": outcome.page.pk, "block_id": block_id},
        )
        + f"#{outcome.config.anchor}",
        # 303 so the browser follows with GET.
    )
    response.status_code = 303
    add_never_cache_headers(response)
    return response


def appointment_sent(request, page_id, block_id):
    """The page again, with the form that was used showing its thank-you message."""
    page, _block, _config = resolve_form(page_id, block_id)
    if page is None:
        raise Http404
    return _render_page(request, page, block_id, "sent")
