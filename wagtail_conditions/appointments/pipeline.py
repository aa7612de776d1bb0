"""
The one submission pipeline. The HTML view and the JSON endpoint both call
``submit_appointment_request`` and only translate its ``Outcome`` into their own responses.

Order matters: cheap checks that need no database come first (token, rate limit, spam),
then validation, then one atomic insert; notification is queued only after commit.
"""

import enum
import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..blocks.appointment import find_form_block
from ..models import AbstractConditionPage, AbstractTherapyPage, AppointmentRequest
from ..signals import appointment_request_created
from . import spam
from .forms import AppointmentRequestForm

logger = logging.getLogger(__name__)


class Result(enum.Enum):
    CREATED = "created"  # stored (or found already stored: a double submit)
    SILENTLY_DROPPED = "dropped"  # spam: the client is told it worked
    INVALID = "invalid"  # field errors (422)
    BAD_TOKEN = "bad_token"  # missing, forged, expired or for another form (403)
    NOT_FOUND = "not_found"  # no such live, public page or form block (404)
    RATE_LIMITED = "rate_limited"  # 429


@dataclass
class Outcome:
    result: Result
    form: AppointmentRequestForm | None = None
    instance: AppointmentRequest | None = None
    config: object = None
    page: object = None


def resolve_form(page_id, block_id):
    """The live, public page and its form block config, or None."""
    from wagtail.models import Page

    try:
        page_id = int(page_id)
    except (TypeError, ValueError):
        return None, None, None
    if not isinstance(block_id, str) or not 0 < len(block_id) <= 64:
        return None, None, None
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None:
        return None, None, None
    page = page.specific
    found = find_form_block(page, block_id)
    if found is None:
        return None, None, None
    block, value = found
    return page, block, block.get_config(value, page, block_id, site=page.get_site())


def _submission_key(token, cleaned, idempotency_key=None):
    if idempotency_key:
        material = f"idempotency:{token.page_id}:{token.block_id}:{idempotency_key}"
    else:
        answers = json.dumps(cleaned, sort_keys=True, default=str)
        material = f"token:{token.raw}:{answers}"
    return hashlib.sha256(material.encode()).hexdigest()


def submit_appointment_request(
    *, data, request, page_id, block_id, token, idempotency_key=None
):
    """
    Validate, store and queue notification of one appointment request.

    ``data`` is a dict of submitted values (from a form POST or a JSON body); ``request`` is
    the HttpRequest, used for the client address and by pluggable spam checks.
    """
    page, block, config = resolve_form(page_id, block_id)
    if page is None:
        return Outcome(Result.NOT_FOUND)
    try:
        form_token = spam.read_form_token(token, page_id=page.pk, block_id=block_id)
    except spam.InvalidToken:
        return Outcome(Result.BAD_TOKEN, page=page, config=config)
    if spam.rate_limit_exceeded(request):
        return Outcome(Result.RATE_LIMITED, page=page, config=config)

    form = AppointmentRequestForm(data, config=config)
    if spam.is_spam(data, request, form_token):
        logger.info("Appointment form %s on page %s: submission dropped as spam", block_id, page.pk)
        return Outcome(Result.SILENTLY_DROPPED, page=page, config=config)
    if not form.is_valid():
        return Outcome(Result.INVALID, form=form, page=page, config=config)

    instance = _store(form, page, config, _submission_key(form_token, form.cleaned_data, idempotency_key))
    return Outcome(Result.CREATED, form=form, instance=instance, page=page, config=config)


def _store(form, page, config, submission_key):
    from .tasks import enqueue_notification

    cleaned = form.cleaned_data
    instance = AppointmentRequest(
        name=cleaned["name"],
        email=cleaned["email"],
        phone=cleaned.get("phone") or "",
        preferred_date=cleaned.get("preferred_date"),
        preferred_time=cleaned.get("preferred_time") or "",
        patient_status=cleaned.get("patient_status") or "",
        reason=cleaned.get("reason") or "",
        source_page=page,
        source_page_title=page.title,
        block_id=config.block_id,
        topic=page.title if isinstance(page, AbstractConditionPage | AbstractTherapyPage) else "",
        consent_text=config.consent_text,
        consent_given_at=timezone.now(),
        privacy_notice_url=config.privacy_url,
        privacy_notice_version=config.privacy_version,
        recipients=",".join(config.recipients),
        send_acknowledgement=config.send_acknowledgement,
        notification_status=(
            AppointmentRequest.NotificationStatus.PENDING
            if config.recipients or config.send_acknowledgement
            else AppointmentRequest.NotificationStatus.NOT_REQUIRED
        ),
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            instance.save()
            # robust: a queue that is down must not turn a stored request into a 500 (the
            # visitor would think it failed); the row stays "pending" for the retry command.
            transaction.on_commit(lambda: enqueue_notification(instance.pk), robust=True)
    except IntegrityError:
        existing = AppointmentRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        logger.info("Appointment request %s submitted again; kept the first", existing.pk)
        return existing
    appointment_request_created.send(sender=AppointmentRequest, instance=instance)
    return instance
