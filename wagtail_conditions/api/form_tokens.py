"""
``GET /api/appointments/token/?page=<id>&block=<id>&elapsed=<seconds>``: a fresh form token.

A page served by a CDN or Wagtail's front-end cache carries the token issued when the cache
fetched it, which may be hours old: expired for the patient, and old enough that a bot's
instant submission passes the minimum fill time. The form's script (appointment-form.js) asks
for a fresh token when the patient first moves into the form, saying how long the page has
been open (``elapsed``, read from the browser's own clock: no clock skew), so the token counts
from the moment the page was opened, as a page rendered for the visitor would. ``elapsed``
is capped at ``MAX_ELAPSED``: a page left open longer counts from then. Without JavaScript the
page's own token is sent; an expired one is answered with the form again, the answers kept and
a new token (the HTML face's BAD_TOKEN path).

No database or cache is read: a token names its page and block and is checked when it is
used, so one for a page that does not exist is simply refused on submission. Answers
``no-store``; 400 (RFC 7807, with ``errors``) for bad parameters; 405 for anything but GET.
"""

import json
import re
import time

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from .. import render_cache
from ..appointments import answers
from ..appointments.tokens import make_form_token
from .submissions import problem_response

MAX_ELAPSED = 600
BLOCK_ID = re.compile(r"^[\w-]{1,64}$")

PAGE_INVALID = _("Give the page id as an integer.")
BLOCK_INVALID = _("Give the form block's id (letters, digits, hyphens; at most 64).")
ELAPSED_INVALID = _("Give the seconds the page has been open, a number from 0.")


def _query_error(name, message):
    return {"type": "value_error", "loc": ["query", name], "msg": str(message)}


def _read(request):
    """(page id, block id, elapsed seconds) from the query, or a list of errors."""
    errors = []
    page = request.GET.get("page", "")
    if not page.isascii() or not page.isdigit() or len(page) > 18:
        errors.append(_query_error("page", PAGE_INVALID))
    block = request.GET.get("block", "")
    if not BLOCK_ID.match(block):
        errors.append(_query_error("block", BLOCK_INVALID))
    try:
        elapsed = float(request.GET.get("elapsed", "0"))
    except ValueError:
        elapsed = -1.0
    if not 0 <= elapsed < float("inf"):  # also refuses NaN
        errors.append(_query_error("elapsed", ELAPSED_INVALID))
    if errors:
        return None, errors
    return (int(page), block, min(elapsed, MAX_ELAPSED)), None


def fresh_form_token(request):
    if request.method not in ("GET", "HEAD"):
        response = problem_response(answers.METHOD_NOT_ALLOWED)
        response["Allow"] = "GET, HEAD"
        return response
    values, errors = _read(request)
    if errors:
        return problem_response(answers.bad_request(detail=errors[0]["msg"]), errors)
    page_id, block_id, elapsed = values
    issued = time.time() - elapsed
    body = {
        "token": make_form_token(page_id, block_id, now=issued),
        "token_expires_at": render_cache.token_expiry(None, issued),
    }
    response = HttpResponse(json.dumps(body), content_type="application/json")
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
