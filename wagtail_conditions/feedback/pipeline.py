"""
The one path a feedback answer takes, whichever face sent it: the page, the form token, the
rate limit, validation, the spam checks, one insert. The faces only translate the ``Outcome``.

As for appointment requests: nothing that passes validation is dropped (a bot's answer is
stored as spam and answered as any other), nothing is half-saved, and a database failure is
``UNAVAILABLE`` (a 503). Storing an answer starts no new content version.
"""

import enum
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

from ..appointments import tokens
from ..appointments.rate_limit import client_limit_exceeded
from ..appointments.spam import bot_reason
from ..conf import conf
from ..i18n import override_page_language
from ..models import PageFeedback
from .forms import FeedbackForm

logger = logging.getLogger(__name__)

# What stands for the form's "block" in its token, its marker and its region in a cached
# page: a page has one feedback form.
FORM_ID = "feedback"
RATE_LIMIT_KIND = "feedback-rate"
# The HTML form's name for its token: not the appointment form's "token", so that a page
# carrying both keeps them apart (and appointment-form.js leaves this form alone).
TOKEN_FIELD = "feedback_token"


class Result(enum.Enum):
    CREATED = "created"
    SPAM = "spam"  # stored as spam: the client is told it worked
    INVALID = "invalid"  # field errors (422)
    BAD_TOKEN = "bad_token"  # missing, forged, expired or another page's (403)
    NOT_FOUND = "not_found"  # no live, public condition or therapy page (404)
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # the database failed; nothing was stored (503)


@dataclass
class Outcome:
    result: Result
    page: object = None  # the page (base model), once found
    form: FeedbackForm | None = None
    instance: PageFeedback | None = None
    fresh_token: str = ""  # for BAD_TOKEN


def accepts_feedback(page_class):
    """Whether pages of ``page_class`` ask "Was this page helpful?" (our condition and therapy
    pages, and a host's built on their mixins, unless they set ``accepts_feedback = False``)."""
    return bool(getattr(page_class, "accepts_feedback", False))


def resolve_page(page_id):
    """The live, public page with ``page_id`` that accepts feedback (its base model's row; the
    specific class comes from Django's content type cache), or None."""
    try:
        page_id = int(page_id)
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < page_id < 2**63:
        return None
    # A view restriction on the page or an ancestor (a path prefix), asked in the same query.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    page = (
        Page.objects.live()
        .filter(~Exists(restricted), pk=page_id)
        .only("pk", "path", "depth", "locale_id", "content_type_id", "title", "url_path")
        .first()
    )
    if page is None or not accepts_feedback(page.specific_class):
        return None
    return page


def submit_feedback(*, data, request, page_id, token):
    """Validate and store one answer; ``data`` holds the submitted ``helpful``, ``comment``
    and the honeypot."""
    try:
        page = resolve_page(page_id)
        if page is None:
            return Outcome(Result.NOT_FOUND)
        with override_page_language(page):  # errors in the language the form was shown in
            return _submit(data, request, page, token)
    except DatabaseError:
        logger.exception("Page feedback not stored: the database is unavailable")
        return Outcome(Result.UNAVAILABLE)


def _submit(data, request, page, token):
    form = FeedbackForm(data)
    try:
        form_token = tokens.read_form_token(token, page_id=page.pk, block_id=FORM_ID)
    except tokens.InvalidToken as refused:
        fresh = tokens.reissue_form_token(page.pk, FORM_ID, refused)
        return Outcome(Result.BAD_TOKEN, page=page, form=form, fresh_token=fresh)
    if client_limit_exceeded(
        request,
        RATE_LIMIT_KIND,
        limit=conf.FEEDBACK_RATE_LIMIT,
        window=conf.FEEDBACK_RATE_LIMIT_WINDOW,
        label="Feedback",
    ):
        return Outcome(Result.RATE_LIMITED, page=page)
    if not form.is_valid():
        return Outcome(Result.INVALID, page=page, form=form)
    reason = bot_reason(data, form_token)
    instance = PageFeedback(
        page_id=page.pk,
        locale_id=page.locale_id,
        helpful=form.is_helpful,
        comment=form.cleaned_data["comment"],
        is_spam=bool(reason),
        spam_reason=reason or "",
    )
    with transaction.atomic():
        instance.save()
    if reason:
        logger.info("Page feedback %s held as spam (%s)", instance.pk, reason)
    return Outcome(Result.SPAM if reason else Result.CREATED, page=page, form=form, instance=instance)
