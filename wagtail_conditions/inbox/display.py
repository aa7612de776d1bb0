"""
How the inbox shows a request's values to a person: one date format on every page and in
every export, and phone numbers and email addresses as links that are safe to click.

Only values that look like a phone number or an email address become links, and the ``tel:``
link is built from the digits (and a leading ``+``) alone, so no stored text -- however
hostile, ``javascript:alert(1)`` included -- ever reaches an ``href`` as written.
"""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import formats, timezone
from django.utils.html import format_html

#: Date and time a request was received (and every other timestamp a person reads), in
#: Django's ``date`` filter syntax: "30 Nov 2026, 14:05", in the site's time zone.
DATETIME_FORMAT = "j M Y, H:i"
#: A date without a time (the patient's preferred date): "4 Mar 2031".
DATE_FORMAT = "j M Y"
#: The same two formats as spreadsheet number formats, for the XLSX export's real date cells.
XLSX_DATETIME_FORMAT = "d mmm yyyy, hh:mm"
XLSX_DATE_FORMAT = "d mmm yyyy"

# What exports.PHONE_RE accepts: an optional "+", then digits, spaces, ( ) - . only.
PHONE_RE = re.compile(r"^\+?[0-9(][0-9 ().-]*[0-9]$")


def format_datetime(value):
    """An aware datetime as "30 Nov 2026, 14:05" in the current time zone; "" for None."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), DATETIME_FORMAT)


def format_date(value):
    if value is None:
        return ""
    return formats.date_format(value, DATE_FORMAT)


def tel_href(phone):
    """``tel:+15550100`` for a value that is a phone number, else None."""
    if not isinstance(phone, str) or not PHONE_RE.match(phone.strip()):
        return None
    phone = phone.strip()
    digits = re.sub(r"[^0-9]", "", phone)
    return "tel:" + ("+" if phone.startswith("+") else "") + digits


def mailto_href(email):
    """``mailto:`` for a value that is a valid email address, else None."""
    if not isinstance(email, str):
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return "mailto:" + quote(email, safe="@+")


def phone_link(phone):
    """The phone number as a link to call it, or as plain (escaped) text."""
    href = tel_href(phone)
    if href is None:
        return format_html("{}", phone or "")
    return format_html('<a href="{}">{}</a>', href, phone)


def email_link(email):
    href = mailto_href(email)
    if href is None:
        return format_html("{}", email or "")
    return format_html('<a href="{}">{}</a>', href, email)
