"""
What a delivery carries, built at each attempt from what is stored (no body is ever kept).

Every payload has Standard Webhooks' envelope: ``type`` (the event), ``timestamp`` (when it
happened) and ``data``. ``data`` is, by the endpoint's format:

* thin (the default): the reference, the site, when it was received, and ``details_url``, a
  signed link that expires, from which the receiver fetches the request (each fetch is in the
  audit log). Nothing personal travels in the webhook itself, nor rests in an integration
  platform's run history.
* json: the request's fields as the per-person export writes them (``inbox.exports``'
  ``FULL_COLUMNS``), as JSON values.
* fhir_r4b: a FHIR R4B ``Bundle`` (type ``collection``) of a ``Patient`` and an
  ``Appointment`` with status ``proposed``, the preferred day as ``requestedPeriod``, the
  reason as ``reasonCode`` and ``description``, the patient as ``participant`` and our
  reference as ``identifier``.

An erasure event is always thin: the reference and the site, so a receiver can delete its copy.
A status change is always thin too, with ``status``: the status staff gave the request then
(every retry and replay reports that change, whatever the request's status is by then).
"""

import datetime
import json
import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from ..conf import conf
from ..inbox.exports import FULL_COLUMNS
from ..models.webhooks import Event, PayloadFormat

FETCH_SALT = "wagtail_conditions.webhooks.fetch"

#: The hours each preferred time of day covers, for FHIR's ``requestedPeriod``.
TIME_OF_DAY_HOURS = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 20)}


def _iso(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _site_url():
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")


def secret_fingerprint(secret):
    """A short, one-way tag of a secret: a rotated-out secret's fetch links stop working."""
    return signing.salted_hmac(FETCH_SALT, secret).hexdigest()[:16]


def fetch_token(delivery):
    return signing.dumps(
        {"d": delivery.pk, "k": secret_fingerprint(delivery.endpoint.secret)},
        salt=FETCH_SALT,
        compress=True,
    )


def read_fetch_token(token):
    """(delivery pk, secret fingerprint) from a valid token; raises ``signing.BadSignature``
    (``SignatureExpired`` included) otherwise."""
    value = signing.loads(token, salt=FETCH_SALT, max_age=conf.WEBHOOK_FETCH_MAX_AGE)
    if not isinstance(value, dict) or not isinstance(value.get("d"), int):
        raise signing.BadSignature("malformed token")
    return value["d"], str(value.get("k", ""))


def details_url(delivery):
    path = reverse("wagtail_conditions:webhook_fetch", kwargs={"token": fetch_token(delivery)})
    return _site_url() + path


def person_record(appointment):
    """The request's fields as the per-person export holds them (field names as keys)."""
    record = {}
    for column in FULL_COLUMNS:
        name = "id" if column.field == "pk" else column.field
        record[name] = _iso(getattr(appointment, column.field))
    return record


def thin_data(delivery, appointment):
    data = {
        "reference": appointment.reference if appointment else delivery.reference,
        "site": _site_url(),
    }
    if appointment is not None:
        data["received_at"] = _iso(appointment.created_at)
        data["details_url"] = details_url(delivery)
        data["details_expire_at"] = _iso(
            timezone.now() + datetime.timedelta(seconds=conf.WEBHOOK_FETCH_MAX_AGE)
        )
    return data


def _requested_period(appointment):
    day = appointment.preferred_date
    if day is None:
        return []
    zone = timezone.get_current_timezone()
    start_hour, end_hour = TIME_OF_DAY_HOURS.get(appointment.preferred_time, (0, 24))
    start = datetime.datetime.combine(day, datetime.time(start_hour), tzinfo=zone)
    end = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone) + datetime.timedelta(
        hours=end_hour
    )
    return [{"start": start.isoformat(), "end": end.isoformat()}]


def fhir_bundle(appointment):
    """A FHIR R4B Bundle (plain JSON) of the request: see the module docstring."""
    patient_url = f"urn:uuid:{_uuid(appointment, 'patient')}"
    telecom = [{"system": "email", "value": appointment.email, "use": "home"}]
    if appointment.phone:
        telecom.append({"system": "phone", "value": appointment.phone})
    patient = {"resourceType": "Patient", "name": [{"text": appointment.name}], "telecom": telecom}
    identifier = {"system": conf.WEBHOOK_FHIR_IDENTIFIER_SYSTEM, "value": appointment.reference}
    fhir_appointment = {
        "resourceType": "Appointment",
        "identifier": [identifier],
        "status": "proposed",
        "created": _iso(appointment.created_at),
        "participant": [
            {"actor": {"reference": patient_url}, "required": "required", "status": "needs-action"}
        ],
    }
    if appointment.reason:
        fhir_appointment["reasonCode"] = [{"text": appointment.reason}]
        fhir_appointment["description"] = appointment.reason
    period = _requested_period(appointment)
    if period:
        fhir_appointment["requestedPeriod"] = period
    if appointment.topic:
        fhir_appointment["serviceType"] = [{"text": appointment.topic}]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _iso(timezone.now()),
        "identifier": identifier,
        "entry": [
            {"fullUrl": patient_url, "resource": patient},
            {
                "fullUrl": f"urn:uuid:{_uuid(appointment, 'appointment')}",
                "resource": fhir_appointment,
            },
        ],
    }


def _uuid(appointment, kind):
    # Stable per request and resource, so a redelivery names the same resources.
    name = f"{conf.WEBHOOK_FHIR_IDENTIFIER_SYSTEM}:{appointment.reference}:{kind}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def build(delivery):
    """The body of ``delivery`` as bytes (compact JSON, UTF-8)."""
    appointment = delivery.appointment
    fmt = delivery.endpoint.payload_format
    if delivery.event == Event.STATUS_CHANGED and appointment is not None:
        # Always thin: what changed, and the link for the rest.
        data = {**thin_data(delivery, appointment), "status": delivery.request_status}
    elif delivery.event == Event.ERASED or appointment is None or fmt == PayloadFormat.THIN:
        data = thin_data(delivery, appointment if delivery.event != Event.ERASED else None)
    elif fmt == PayloadFormat.FHIR:
        data = fhir_bundle(appointment)
    else:
        data = person_record(appointment)
    envelope = {"type": delivery.event, "timestamp": _iso(delivery.created_at), "data": data}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
