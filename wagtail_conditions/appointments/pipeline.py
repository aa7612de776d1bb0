"""
The one submission pipeline. The HTML view and the JSON endpoint both call
``submit_appointment_request`` and only translate its ``Outcome`` into their own responses.

Order matters: the form and its token first, then the rate limit, then validation (an
invalid submission always gets its errors), then the spam checks, then one atomic insert.
Nothing that passes validation is dropped: suspected spam is stored with status "Spam" and
never notified. Notification is queued only after commit. A database failure anywhere is
reported as ``Result.UNAVAILABLE`` with nothing half-saved.
"""

import enum
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

from .. import render_cache
from ..blocks.appointment import find_form_block
from ..blocks.batch import page_site_settings
from ..conf import conf
from ..i18n import override_page_language
from ..models import AppointmentRequest
from ..signals import appointment_request_created
from ..webhooks import events as webhook_events
from . import tokens
from .choices import HONEYPOT_FIELD, NotificationStatus, Status
from .forms import AppointmentRequestForm
from .kept_forms import KeptForm
from .rate_limit import rate_limit_exceeded
from .references import new_reference
from .spam import spam_reason
from .tasks import enqueue_notification

logger = logging.getLogger(__name__)

# Keys a face passes in ``data`` that are not questions of the form.
_CONTROL_KEYS = {"token", HONEYPOT_FIELD}
# Attempts at drawing an unused reference before giving up (each clash is ~1 in 10^8).
_REFERENCE_ATTEMPTS = 5


class Result(enum.Enum):
    CREATED = "created"  # stored (or found already stored: a double submit)
    SPAM = "spam"  # stored as spam, never notified: the client is told it worked
    INVALID = "invalid"  # field errors (422)
    BAD_TOKEN = "bad_token"  # missing, forged, expired or for another form (403)
    NOT_FOUND = "not_found"  # no such live, public page or form block (404)
    RATE_LIMITED = "rate_limited"  # 429
    CONFLICT = "conflict"  # an idempotency key reused with other answers (409)
    UNAVAILABLE = "unavailable"  # the database failed; nothing was stored (503)


@dataclass
class Outcome:
    result: Result
    form: AppointmentRequestForm | None = None
    instance: AppointmentRequest | None = None
    config: object = None
    page: object = None
    # For BAD_TOKEN: a new token for the same form, so the visitor can send it again.
    fresh_token: str = ""
    # For INVALID with ``reject_unknown_fields``: submitted keys the form does not ask for.
    unknown_fields: list = field(default_factory=list)


def resolve_form(page_id, block_id):
    """The live, public page and its form block config, or (None, None, None). Kept for the
    content version once found (``kept_forms``): a submission then reads the version and the
    cache, not the page, its settings and its StreamField."""
    try:
        page_id = int(page_id)
    except (TypeError, ValueError, OverflowError):
        return None, None, None
    if not isinstance(block_id, str) or not 0 < len(block_id) <= 64:
        return None, None, None
    if not conf.RENDER_CACHE:
        return _resolve_form(page_id, block_id)
    found = []  # the form resolved in this call, if it was: no need to restore it

    def resolve_and_keep():
        found.append(_resolve_form(page_id, block_id))
        return KeptForm.of(*found[0]) if found[0][0] is not None else None

    # The recipients a form falls back to are a Django setting, not content.
    kept = render_cache.remember(
        "form", (page_id, block_id, *conf.APPOINTMENT_RECIPIENTS), resolve_and_keep
    )
    if found:
        return found[0]
    return kept.restore() or _resolve_form(page_id, block_id)


def _resolve_form(page_id, block_id):
    # Wagtail's ``public()`` reads every view restriction of the site first; this asks in the
    # page's own query whether one applies to it (on it or an ancestor: a path prefix).
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    page = Page.objects.live().filter(~Exists(restricted), pk=page_id).first()
    if page is None:
        return None, None, None
    page = page.specific
    found = find_form_block(page, block_id)
    if found is None:
        return None, None, None
    block, value = found
    # The config holds wording stored with the request (the default consent text): in the
    # page's language.
    with override_page_language(page):
        config = block.get_config(value, page, block_id, site_settings=page_site_settings(page))
    return page, block, config


def submit_appointment_request(
    *, data, request, page_id, block_id, token, idempotency_key=None, reject_unknown_fields=False
):
    """
    Validate, store and queue notification of one appointment request.

    ``data`` is a dict of submitted values (from a form POST or a JSON body); ``request`` is
    the HttpRequest, used for the client address and by pluggable spam checks. With
    ``reject_unknown_fields``, keys in ``data`` that the form does not ask for make the
    submission invalid (the JSON face's strictness) instead of being ignored.
    """
    try:
        page, block, config = resolve_form(page_id, block_id)
        if page is None:
            return Outcome(Result.NOT_FOUND)
        # Validated, and answered, in the page's language (with Wagtail's localisation on),
        # whatever language the visitor's browser asks for: the form was shown in it.
        with override_page_language(page):
            return _submit(
                data,
                request,
                (page, block, config),
                block_id,
                token,
                idempotency_key,
                reject_unknown_fields,
            )
    except DatabaseError:
        logger.exception("Appointment request not stored: the database is unavailable")
        return Outcome(Result.UNAVAILABLE)


def _submit(data, request, resolved, block_id, token, idempotency_key, reject_unknown_fields):
    page, block, config = resolved
    form = block.get_form(data, config=config)
    try:
        form_token = tokens.read_form_token(token, page_id=page.pk, block_id=block_id)
    except tokens.InvalidToken as refused:
        fresh = tokens.reissue_form_token(page.pk, block_id, refused)
        return Outcome(Result.BAD_TOKEN, form=form, page=page, config=config, fresh_token=fresh)
    if rate_limit_exceeded(request):
        return Outcome(Result.RATE_LIMITED, page=page, config=config)

    unknown = [key for key in data if key not in form.fields and key not in _CONTROL_KEYS]
    if not form.is_valid() or (reject_unknown_fields and unknown):
        return Outcome(
            Result.INVALID,
            form=form,
            page=page,
            config=config,
            unknown_fields=unknown if reject_unknown_fields else [],
        )

    reason = spam_reason(data, request, form_token)
    if idempotency_key:
        key_material = f"idempotency:{form_token.page_id}:{form_token.block_id}:{idempotency_key}"
    else:
        answers = json.dumps(form.cleaned_data, sort_keys=True, default=str)
        key_material = f"token:{form_token.raw}:{answers}"
    submission_key = hashlib.sha256(key_material.encode()).hexdigest()
    instance = block.build_appointment_request(form, page=page, config=config)
    instance.submission_key = submission_key
    # The language of the page it was sent from: the patient's emails are written in it.
    instance.locale_id = page.locale_id
    instance.status = Status.SPAM if reason else Status.NEW
    instance.spam_reason = reason or ""
    # Suspected spam is never notified: a bot could otherwise mail anyone through the form.
    instance.send_acknowledgement = instance.send_acknowledgement and not reason
    notify = bool(instance.recipients or instance.send_acknowledgement) and not reason
    instance.notification_status = (
        NotificationStatus.PENDING if notify else NotificationStatus.NOT_REQUIRED
    )
    stored = _store(instance, form)
    if stored is None:
        return Outcome(Result.CONFLICT, page=page, config=config)
    if reason:
        logger.info(
            "Appointment request %s held as spam (%s)", stored.reference, stored.spam_reason
        )
    result = Result.SPAM if stored.status == Status.SPAM else Result.CREATED
    return Outcome(result, form=form, instance=stored, page=page, config=config)


def _same_answers(instance, form):
    # Only the answers the row stores: a host's form may ask more than the model holds.
    return all(
        (getattr(instance, name) or "") == (value or "")
        for name, value in form.cleaned_data.items()
        if name != "consent" and hasattr(instance, name)
    )


def _store(instance, form):
    """
    Save ``instance`` and queue its notification after commit. Returns the stored row — the
    one already stored under the same submission key, for a repeat — or None when that key
    was used for different answers.
    """
    for _attempt in range(_REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                instance.save()
                if instance.status != Status.SPAM:
                    # In the same transaction: a stored request always has its deliveries.
                    webhook_events.record_created(instance)
                if instance.notification_status == NotificationStatus.PENDING:
                    # robust: a queue that is down must not turn a stored request into an
                    # error (the visitor would think it failed); the row stays "pending" for
                    # the retry command.
                    transaction.on_commit(
                        lambda pk=instance.pk: enqueue_notification(pk), robust=True
                    )
        except IntegrityError:
            existing = (
                type(instance)
                ._default_manager.filter(submission_key=instance.submission_key)
                .first()
            )
            if existing is None:  # the reference was taken: draw another
                instance.pk = None
                instance.reference = new_reference()
                continue
            if not _same_answers(existing, form):
                logger.info(
                    "Submission key of request %s reused with other answers", existing.reference
                )
                return None
            logger.info(
                "Appointment request %s submitted again; kept the first", existing.reference
            )
            return existing
        if instance.status != Status.SPAM:
            appointment_request_created.send(sender=type(instance), instance=instance)
        return instance
    raise IntegrityError("no unused appointment reference found")
