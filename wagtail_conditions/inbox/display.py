"""
How the inbox shows a request's values to a person: one date format on every page and in
every export, and phone numbers and email addresses as links that are safe to click.

Only values that look like a phone number or an email address become links, and the ``tel:``
link is built from the digits (and a leading ``+``) alone, so no stored text -- however
hostile, ``javascript:alert(1)`` included -- ever reaches an ``href`` as written.
"""

import operator
import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import dateformat, formats, timezone
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


# The time of day a format may show, filled in by hand: format character -> (attribute,
# %-format). Any other character that depends on the time or the zone sends every value
# through Django's formatter instead.
_TIME_PARTS = {
    "H": ("hour", "%02d"),
    "G": ("hour", "%d"),
    "i": ("minute", "%02d"),
    "s": ("second", "%02d"),
}
_TIME_DEPENDENT = set("aAefgGhHiOPsTuZ") | set("IUcr")


class DatetimeFormatter:
    """
    ``format_datetime`` for many values, as an export needs it: the same text, a fraction
    of the cost. The time zone is looked up once (not per value); each local day's text is
    formatted by Django once and kept as a template the hours and minutes are put into.
    Formats with a time part other than ``H``, ``G``, ``i`` and ``s`` fall back to Django
    for every value. One formatter serves one export: the language and zone it was made in.
    """

    def __init__(self, format=DATETIME_FORMAT):
        self.zone = timezone.get_current_timezone()
        self.format = formats.get_format(format)
        self.days = {}
        self.attributes = []
        pieces = dateformat.re_formatchars.split(self.format)
        for index, piece in enumerate(pieces):
            if index % 2 and piece in _TIME_PARTS:
                pieces[index] = chr(1 + len(self.attributes))  # a placeholder, never a format
                self.attributes.append(_TIME_PARTS[piece])
            elif index % 2 and piece in _TIME_DEPENDENT:
                self.attributes = None
                break
        self.day_format = None
        if self.attributes is not None:
            self.day_format = "".join(pieces)
            names = [attribute for attribute, _spec in self.attributes]
            read = operator.attrgetter(*names) if names else (lambda local: ())
            # attrgetter of one name returns the value, not a 1-tuple.
            self.read = (lambda local: (read(local),)) if len(names) == 1 else read

    def __call__(self, value):
        if value is None:
            return ""
        local = value.astimezone(self.zone)
        if self.day_format is None:
            return dateformat.format(local, self.format)
        day = local.date()
        template = self.days.get(day)
        if template is None:
            template = dateformat.format(local, self.day_format).replace("%", "%%")
            for number, (_attribute, spec) in enumerate(self.attributes, 1):
                template = template.replace(chr(number), spec)
            self.days[day] = template
        return template % self.read(local)


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
