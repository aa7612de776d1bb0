"""
The public HTML face of the appointment pipeline: a plain form POST, no JavaScript needed.

Success redirects (POST/redirect/GET) to a thank-you view that shows the page with the
right form showing its message and the request's reference. Errors, and a token that has
expired, re-render the page with the visitor's answers, an error summary and a fresh token.
The form posts to its own anchor, so the browser lands on the summary, not the top of the
page. All these responses are ``no-store``: they are personal and must never be cached.
What each result means is shared with the JSON face (``appointments/answers.py``).
"""

import logging
from dataclasses import replace
from functools import partial
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_header_parameters, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from . import render_cache
from .appointments import answers
from .appointments.form_state import FormState, set_form_state
from .appointments.pipeline import Result, resolve_form, submit_appointment_request
from .appointments.references import normalise_reference
from .blocks.appointment import find_form_block
from .compat import CACHE_ERRORS
from .conf import conf
from .i18n import override_page_language

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
NOT_UTF8 = _("Your answers contain characters that are not valid text (UTF-8).")
UNREADABLE = _("Your answers were sent in a form the server could not read.")
NO_FILES = _("This form does not accept files.")
# One visitor's errors, thank-you message or problem: never for search engines (the pages also
# say so in a robots meta tag, through {% seo_meta %}).
NOINDEX = "noindex"

logger = logging.getLogger(__name__)


def _render_form(request, page, block_id):
    """The HTML of one form block of ``page``, alone, showing the state set on ``request``."""
    block, value = find_form_block(page, block_id)
    return block.render(value, context={"request": request, "page": page, "id": block_id})


def _render_page(request, page, block_id, state, status=200):
    # A thank-you made from the cached page shows a marker for the reference, so that it can
    # be kept for the next request's (render_cache.thank_you_from_cache).
    reference = state.reference if state.sent else ""
    if reference:
        set_form_state(request, block_id, replace(state, reference=render_cache.reference_marker()))
    else:
        set_form_state(request, block_id, state)
    language = translation.get_language()
    # These views sit outside a site's language prefixes (i18n_patterns): the page is shown in
    # its own language, as its own URL shows it (with Wagtail's localisation on).
    with override_page_language(page):
        # The page as the render cache keeps it, with this form's section rendered for the
        # visitor; else the whole page rendered again.
        response = render_cache.serve_with_form_state(
            page,
            request,
            block_id,
            partial(_render_form, request, page, block_id),
            reference=reference,
            language=language,
        )
        if response is None:
            set_form_state(request, block_id, state)
            route = page.route(request, [])
            response = page.serve(request, *route.args, **route.kwargs)
        if hasattr(response, "render"):
            response.render()
    response.status_code = status
    return private(response)


def private(response):
    """``response`` (one visitor's errors or thank-you) marked never to be cached or indexed."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = NOINDEX
    return response


def problem_page(request, answer, page=None):
    response = TemplateResponse(
        request,
        "wagtail_conditions/appointment_problem.html",
        {
            "title": answer.title,
            "message": answer.message,
            "page": page,
            "base_template": conf.BASE_TEMPLATE,
        },
        status=answer.status,
    )
    with override_page_language(page):
        try:
            response.render()
        except (DatabaseError, InterfaceError, *CACHE_ERRORS) as error:
            # The site's base template read the database or the cache that failed (Wagtail's
            # settings context processor, a menu, page URLs): the page saying "try again" must
            # not need them. Ours tolerates it (contact.request_site); a site's may not.
            logger.warning(
                "Problem page rendered without the base template: %s", type(error).__name__
            )
            response = HttpResponse(
                render_to_string(
                    "wagtail_conditions/appointment_problem_standalone.html",
                    {"title": answer.title, "message": answer.message},
                ),
                status=answer.status,
            )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = NOINDEX
    for header, value in answer.headers.items():
        response[header] = value
    return response


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


def read_form(request, *, max_bytes=None):
    """The submitted fields as a dict; raises ``answers.Rejected`` for anything else (a body
    over ``max_bytes``, default ``APPOINTMENT_MAX_BODY_BYTES``: a 413)."""
    content_type = answers.check_body(
        request, (URLENCODED, MULTIPART), answers.UNSUPPORTED_FORM_DATA, max_bytes=max_bytes
    )
    if content_type == URLENCODED and not _is_valid_urlencoded_utf8(request.body):
        raise answers.Rejected(answers.bad_request(message=NOT_UTF8))
    if content_type == MULTIPART and not _is_complete_multipart(request):
        raise answers.Rejected(answers.bad_request(message=UNREADABLE))
    try:
        post, files = request.POST, request.FILES
    # A broken multipart body, or a form body declaring a charset other than UTF-8 (Django's
    # BadRequest): without this, Django's bare 400.
    except (MultiPartParserError, BadRequest):
        raise answers.Rejected(answers.bad_request(message=UNREADABLE)) from None
    # Over Django's DATA_UPLOAD_MAX_NUMBER_FIELDS or _FILES: without these, Django's bare 400.
    except TooManyFilesSent:
        raise answers.Rejected(answers.bad_request(message=NO_FILES)) from None
    except TooManyFieldsSent:
        raise answers.Rejected(answers.TOO_MANY_FIELDS) from None
    if files:
        raise answers.Rejected(answers.bad_request(message=NO_FILES))
    if any(len(values) > 1 for _key, values in post.lists()):
        raise answers.Rejected(answers.REPEATED_FIELDS)
    data = {key: post.get(key) for key in post}
    if content_type == MULTIPART and any("\ufffd" in value for value in data.values()):
        # Multipart fields arrive already decoded, with U+FFFD for broken bytes.
        raise answers.Rejected(answers.bad_request(message=NOT_UTF8))
    return data


@csrf_exempt  # protected by the signed form token instead; see appointments/tokens.py
@transaction.non_atomic_requests  # the pipeline commits the request in its own transaction
def submit_appointment(request):
    if request.method != "POST":
        response = problem_page(request, answers.METHOD_NOT_ALLOWED)
        response["Allow"] = "POST"
        return response
    try:
        data = read_form(request)
    except answers.Rejected as rejected:
        return problem_page(request, rejected.answer)

    page_id, block_id = data.pop("page", None), data.pop("block", None)
    token = data.get("token")  # left in data: an error re-render reuses it
    outcome = submit_appointment_request(
        data=data, request=request, page_id=page_id, block_id=block_id, token=token
    )
    answer = answers.answer_for(outcome.result)

    if outcome.result in (Result.CREATED, Result.SPAM):
        return _redirect_to_thank_you(outcome, block_id)
    if outcome.result is Result.INVALID:
        # Keep the token the visitor was first given, so the minimum fill time counts from
        # their first view and a quick correction is not taken for a bot's submission.
        state = FormState(form=outcome.form, token=token)
        return _render_page(request, outcome.page, block_id, state, status=answer.status)
    if outcome.result is Result.BAD_TOKEN:
        state = FormState(form=outcome.form, token=outcome.fresh_token, notice=answer.message)
        return _render_page(request, outcome.page, block_id, state, status=answer.status)
    # NOT_FOUND, RATE_LIMITED, UNAVAILABLE. (CONFLICT needs an Idempotency-Key, which only
    # the JSON face reads.)
    return problem_page(request, answer, page=outcome.page)


def _redirect_to_thank_you(outcome, block_id):
    target = reverse(
        "wagtail_conditions:appointment_sent",
        kwargs={"page_id": outcome.page.pk, "block_id": block_id},
    )
    # 303 so the browser follows with GET. The URL carries the reference, never an answer.
    query = urlencode({"reference": outcome.instance.reference})
    response = redirect(f"{target}?{query}#{outcome.config.anchor}")
    response.status_code = 303
    add_never_cache_headers(response)
    return response


def appointment_sent(request, page_id, block_id):
    """The page again, with the form that was used showing its thank-you message: kept in
    the render cache after the first, so a patient's submission costs one render at most."""
    reference = normalise_reference(request.GET.get("reference", "")) or ""
    response = render_cache.thank_you_from_cache(request, page_id, block_id, reference)
    if response is not None:
        return private(response)
    try:
        page, _block, _config = resolve_form(page_id, block_id)
    except DatabaseError:
        return problem_page(request, answers.answer_for(Result.UNAVAILABLE))
    if page is None:
        return problem_page(request, answers.SENT_PAGE_NOT_FOUND)
    return _render_page(request, page, block_id, FormState(sent=True, reference=reference))
