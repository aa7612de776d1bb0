"""
The fetch endpoint of thin payloads: ``GET`` the ``details_url`` a delivery carried and get
the request's fields (the per-person export's), as JSON, or as the FHIR R4B Bundle for an
endpoint that takes FHIR.

The link is signed, expires after ``WEBHOOK_FETCH_MAX_AGE`` and names one delivery and the
endpoint's secret at the time (a fingerprint of it): it stops working when the endpoint is
disabled or deleted, when its secret is rotated (after the overlap), when the request is
erased or purged, and when it expires. Every fetch is written to the request's audit log.

The link alone is not enough: the receiver signs its ``GET`` as a delivery is signed
(Standard Webhooks: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` over
``id.timestamp.path``, the path being the link's, with the endpoint's secret), so a link that
leaks into a platform's run history or a proxy's log reads nothing. A signature older or newer
than five minutes (the library's window) or an id already used is refused.

Answers are ``no-store`` problem documents on failure: 403 (bad or expired link, a missing or
wrong signature, a reused id), 404 (the request is gone), 405 (not GET), 503 (the database is
down).
"""

import hashlib
import json
import logging

from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from ..api.submissions import problem_response
from ..appointments.answers import Answer
from ..compat import CACHE_ERRORS
from ..inbox import audit
from ..models.webhooks import PayloadFormat, WebhookDelivery
from . import payloads

logger = logging.getLogger(__name__)

FORBIDDEN = Answer(403, detail=_("This link is not valid or has expired."))
UNSIGNED = Answer(
    403,
    detail=_(
        "Sign this request with the endpoint's secret (webhook-id, webhook-timestamp and "
        "webhook-signature over the id, the timestamp and the link's path), with a new id."
    ),
)
# How long a fetch's webhook-id is remembered (longer than the signature's 5-minute window).
USED_ID_SECONDS = 600
GONE = Answer(404, detail=_("This appointment request no longer exists."))
NOT_GET = Answer(405, detail=_("Use GET."))
UNAVAILABLE = Answer(
    503, detail=_("The request could not be read just now; try again."), retry_after=60
)


def _signed_by(endpoint, request):
    """Whether ``request`` carries a valid signature of its path by one of ``endpoint``'s
    secrets, under an id not used before (remembered in the default cache; a cache that is
    down is logged and lets the signature alone decide)."""
    try:
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError
    except ImportError:  # check E011 names it
        return False
    headers = {
        name: request.headers.get(name, "")
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    path = request.path.encode()
    for secret in endpoint.signing_secrets():
        try:
            Webhook(secret).verify(path, headers, json_parse=False)
        except WebhookVerificationError:
            continue
        break
    else:
        return False
    key = "wagtail_conditions:webhook-fetch-id:" + hashlib.sha256(
        f"{endpoint.pk}:{headers['webhook-id']}".encode()
    ).hexdigest()
    try:
        return cache.add(key, 1, USED_ID_SECONDS)
    except CACHE_ERRORS as error:
        logger.warning("Could not record a webhook fetch's id (%s)", type(error).__name__)
        return True


def _valid_key(endpoint, fingerprint):
    return any(
        payloads.secret_fingerprint(secret) == fingerprint for secret in endpoint.signing_secrets()
    )


@csrf_exempt
def fetch_details(request, token):
    if request.method not in ("GET", "HEAD"):
        response = problem_response(NOT_GET)
        response["Allow"] = "GET"
        return response
    try:
        delivery_pk, fingerprint = payloads.read_fetch_token(token)
    except signing.BadSignature:
        return problem_response(FORBIDDEN)
    try:
        delivery = (
            WebhookDelivery.objects.select_related("endpoint", "appointment")
            .filter(pk=delivery_pk)
            .first()
        )
        if delivery is None or not delivery.endpoint.enabled:
            return problem_response(FORBIDDEN)
        if not _valid_key(delivery.endpoint, fingerprint):
            return problem_response(FORBIDDEN)
        if not _signed_by(delivery.endpoint, request):
            return problem_response(UNSIGNED)
        appointment = delivery.appointment
        if appointment is None:
            return problem_response(GONE)
        if delivery.endpoint.payload_format == PayloadFormat.FHIR:
            body = payloads.fhir_bundle(appointment)
        else:
            body = payloads.person_record(appointment)
        audit.log_webhook_fetch(appointment, endpoint=delivery.endpoint)
    except DatabaseError:
        return problem_response(UNAVAILABLE)
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
