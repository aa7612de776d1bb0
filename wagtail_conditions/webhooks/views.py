"""
The fetch endpoint of thin payloads: ``GET`` the ``details_url`` a delivery carried and get
the request's fields (the per-person export's), as JSON, or as the FHIR R4B Bundle for an
endpoint that takes FHIR.

The link is signed, expires after ``WEBHOOK_FETCH_MAX_AGE`` and names one delivery and the
endpoint's secret at the time (a fingerprint of it): it stops working when the endpoint is
disabled or deleted, when its secret is rotated (after the overlap), when the request is
erased or purged, and when it expires. Every fetch is written to the request's audit log.
Answers are ``no-store`` problem documents on failure: 403 (bad or expired link), 404 (the
request is gone), 405 (not GET), 503 (the database is down).
"""

import json

from django.core import signing
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from ..api.submissions import problem_response
from ..appointments.answers import Answer
from ..inbox import audit
from ..models.webhooks import PayloadFormat, WebhookDelivery
from . import payloads

FORBIDDEN = Answer(403, detail=_("This link is not valid or has expired."))
GONE = Answer(404, detail=_("This appointment request no longer exists."))
NOT_GET = Answer(405, detail=_("Use GET."))
UNAVAILABLE = Answer(
    503, detail=_("The request could not be read just now; try again."), retry_after=60
)


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
