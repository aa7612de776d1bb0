"""
The self-describing API representation of an appointment form block: what a headless front
end needs to render the form and submit it to the JSON endpoint, derived from the same
``AppointmentRequestForm`` the pipeline validates with, so the two cannot disagree.
"""

import datetime
import time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import render_cache
from ..api.schemas import closed_object
from ..conf import conf
from .forms import HONEYPOT_FIELD, AppointmentRequestForm

FIELD_TYPES = {
    "name": "text",
    "email": "email",
    "phone": "tel",
    "preferred_date": "date",
    "preferred_time": "radio",
    "patient_status": "radio",
    "reason": "textarea",
    "consent": "checkbox",
}


def _describe_field(name, field, config):
    description = {
        "name": name,
        "type": FIELD_TYPES[name],
        "label": str(field.label),
        "help_text": str(field.help_text or ""),
        "required": bool(field.required),
        "max_length": getattr(field, "max_length", None),
        "min": None,
        "max": None,
        "autocomplete": field.widget.attrs.get("autocomplete"),
        "choices": [],
        "link_url": None,
        "link_text": None,
    }
    if name == "preferred_date":
        today = timezone.localdate()
        description["min"] = today.isoformat()
        horizon = today + datetime.timedelta(days=conf.APPOINTMENT_BOOKING_HORIZON_DAYS)
        description["max"] = horizon.isoformat()
    if hasattr(field, "choices") and FIELD_TYPES[name] == "radio":
        description["choices"] = [
            {"value": str(value), "label": str(label)} for value, label in field.choices
        ]
    if name == "consent" and config.privacy_url:
        description["link_url"] = config.privacy_url
        description["link_text"] = _("Read our privacy notice")
    return description


def describe_form(block, value, page, block_id, *, request=None, site_settings=None):
    """The description of form ``block`` (``value``) on ``page``. ``site_settings``: the page's
    site's ``AppointmentSettings`` when the caller has them (an API response resolves them once
    per site); otherwise they are looked up for the page's site."""
    if site_settings is not None:
        config = block.get_config(value, page, block_id or "", site_settings=site_settings)
    else:
        site = page.get_site() if page is not None else None
        config = block.get_config(value, page, block_id or "", site=site)
    form = AppointmentRequestForm(config=config)
    submit = describe_submit(page, block_id, request=request) if page is not None else None
    return {
        "heading": str(value.get("heading") or ""),
        "intro": str(value.get("intro") or ""),
        "booking_notice": str(value.get("booking_notice") or ""),
        "button_label": str(value.get("button_label") or ""),
        "thank_you_message": config.thank_you_message,
        "anchor": config.anchor,
        "consent": {"text": config.consent_text, "privacy_url": config.privacy_url or None},
        "fields": [_describe_field(name, field, config) for name, field in form.fields.items()],
        "submit": submit,
    }


def describe_submit(page, block_id, *, request=None):
    """The ``submit`` part of a form's description: where and how to send it, with a fresh
    token for ``page`` and ``block_id`` (None without a block id). The rest of a description
    depends only on the block's value and its site's settings."""
    if not block_id:
        return None
    path = reverse("wagtail_conditions:appointment_api_submit")
    issued = time.time()
    return {
        "url": request.build_absolute_uri(path) if request is not None else path,
        "method": "POST",
        "content_type": "application/json",
        "page": page.pk,
        "block": block_id,
        # Markers when the answer is kept by the render cache, filled in per answer.
        "token": render_cache.form_token(request, page.pk, block_id, now=issued),
        "token_expires_at": render_cache.token_expiry(request, issued),
        "honeypot_field": HONEYPOT_FIELD,
    }


_NULLABLE_STRING = {"type": ["string", "null"]}


_FIELD_SCHEMA = closed_object(
    {
        "name": {"enum": list(FIELD_TYPES)},
        "type": {"enum": sorted(set(FIELD_TYPES.values()))},
        "label": {"type": "string"},
        "help_text": {"type": "string"},
        "required": {"type": "boolean"},
        "max_length": {"type": ["integer", "null"]},
        "min": {**_NULLABLE_STRING, "description": "Earliest date (YYYY-MM-DD)."},
        "max": {**_NULLABLE_STRING, "description": "Latest date (YYYY-MM-DD)."},
        "autocomplete": _NULLABLE_STRING,
        "choices": {
            "type": "array",
            "items": closed_object({"value": {"type": "string"}, "label": {"type": "string"}}),
        },
        "link_url": _NULLABLE_STRING,
        "link_text": _NULLABLE_STRING,
    }
)

_SUBMIT_SCHEMA = closed_object(
    {
        "url": {"type": "string"},
        "method": {"const": "POST"},
        "content_type": {"const": "application/json"},
        "page": {"type": "integer"},
        "block": {"type": "string"},
        "token": {"type": "string"},
        "token_expires_at": {"type": "string", "format": "date-time"},
        "honeypot_field": {"type": "string"},
    }
)

FORM_DESCRIPTION_SCHEMA = closed_object(
    {
        "heading": {"type": "string"},
        "intro": {"type": "string"},
        "booking_notice": {"type": "string"},
        "button_label": {"type": "string"},
        "thank_you_message": {"type": "string"},
        "anchor": {"type": "string"},
        "consent": closed_object({"text": {"type": "string"}, "privacy_url": _NULLABLE_STRING}),
        "fields": {"type": "array", "items": _FIELD_SCHEMA},
        "submit": {
            "description": "Null when the form's page is unknown to the serializer.",
            "oneOf": [{"type": "null"}, _SUBMIT_SCHEMA],
        },
    },
    description="An appointment request form: render its fields, then POST them as JSON "
    "to submit.url with submit.page, submit.block and submit.token.",
)
