"""
The clinic's contact details as the public pages show them: the site's ``ClinicSettings``
(read once per request), ``tel:`` links, opening hours as rows, and where a page's "book an
appointment" link goes. Used by the ``wagtail_conditions_clinic`` template tags and the care
levels block.
"""

import logging
import re
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError
from django.utils.formats import time_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .blocks.clinic import DAYS_OF_WEEK
from .sites import site_id_for_page

_DAY_NAMES = [day for day, _label in DAYS_OF_WEEK]
_DAY_LABELS = dict(DAYS_OF_WEEK)
_PAGE_CACHE = "_wagtail_conditions_clinic"
_UNAVAILABLE = "_wagtail_conditions_clinic_unavailable"

logger = logging.getLogger(__name__)


def _clinic_model():
    # Through the app registry: the models import the blocks, which import this module.
    return apps.get_model("wagtail_conditions", "ClinicSettings")


def clinic_settings(request=None, page=None):
    """The ``ClinicSettings`` of the site serving the request (Wagtail's ``for_request``: one
    query, cached on the request and shared with the ``settings`` context processor and the
    structured data), or without a request those of ``page``'s site, never created. None when
    neither is on a site."""
    if request is not None:
        if request_site(request) is None:
            return None
        try:
            return _clinic_model().for_request(request)
        except DatabaseError:
            return _unavailable(request)
    if page is None:
        return None
    if not hasattr(page, _PAGE_CACHE):
        site_id = site_id_for_page(page) if page.pk else None
        clinic = None
        if site_id is not None:
            clinic = _clinic_model().base_queryset().filter(site_id=site_id).first()
        setattr(page, _PAGE_CACHE, clinic)
    return getattr(page, _PAGE_CACHE)


def request_site(request):
    """The Wagtail site serving ``request``, or None. None too when the database cannot be
    read: the page saying "we could not save your request, try again" (a 503 because the
    database is down) shows the clinic's header and footer, and must render without it."""
    if getattr(request, _UNAVAILABLE, False):
        return None
    try:
        return Site.find_for_request(request)
    except DatabaseError:
        return _unavailable(request)


def _unavailable(request):
    logger.warning("Clinic settings not read: the database is unavailable")
    setattr(request, _UNAVAILABLE, True)
    return None


def tel_href(number):
    """A ``tel:`` URL for a number as patients dial it: '020 7946 0000' -> 'tel:02079460000'.
    Keeps a leading '+' and the digits (and '*' and '#'); '' when no digit is left."""
    number = str(number or "").strip()
    digits = re.sub(r"[^0-9*#]", "", number)
    if not digits:
        return ""
    return "tel:" + ("+" if number.startswith("+") else "") + digits


def _day_runs(days):
    """Runs of consecutive week days: ['Monday', 'Tuesday', 'Wednesday', 'Friday'] ->
    [['Monday', 'Wednesday'], ['Friday', 'Friday']]."""
    indexes = sorted({_DAY_NAMES.index(day) for day in days if day in _DAY_NAMES})
    runs = []
    for index in indexes:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return [[_DAY_NAMES[first], _DAY_NAMES[last]] for first, last in runs]


def days_label(days):
    """The days of an opening hours row in words: 'Monday to Friday', 'Saturday',
    'Monday, Wednesday and Friday'."""
    parts = []
    for first, last in _day_runs(days):
        if first == last:
            parts.append(_DAY_LABELS[first])
        elif _DAY_NAMES.index(last) == _DAY_NAMES.index(first) + 1:
            parts.extend([_DAY_LABELS[first], _DAY_LABELS[last]])
        else:
            parts.append(
                format_lazy(
                    _("{first} to {last}"), first=_DAY_LABELS[first], last=_DAY_LABELS[last]
                )
            )
    if len(parts) <= 1:
        return str(parts[0]) if parts else ""
    return str(
        format_lazy(
            _("{days} and {last}"), days=", ".join(str(part) for part in parts[:-1]), last=parts[-1]
        )
    )


@dataclass(frozen=True)
class HoursRow:
    days: str  # in words, translated
    opens: object  # datetime.time
    closes: object

    @property
    def opens_display(self):
        return time_format(self.opens, "TIME_FORMAT")

    @property
    def closes_display(self):
        return time_format(self.closes, "TIME_FORMAT")


def opening_hours_rows(clinic):
    """The clinic's opening hours, one ``HoursRow`` per row the editor entered, in week order
    of each row's first day."""
    if clinic is None:
        return []
    rows = []
    for child in clinic.opening_hours:
        value = child.value
        days = value.get("days") or []
        if not days or not value.get("opens") or not value.get("closes"):
            continue
        first = min(_DAY_NAMES.index(day) for day in days if day in _DAY_NAMES)
        rows.append((first, HoursRow(days_label(days), value["opens"], value["closes"])))
    return [row for _first, row in sorted(rows, key=lambda pair: pair[0])]


def page_form_anchor(page):
    """The anchor of the first appointment form on ``page``, or None."""
    if page is None or not hasattr(page, "_meta"):
        return None
    from .blocks.appointment import form_contents_entries  # the blocks import this module

    entries = form_contents_entries(page)
    return entries[0][0] if entries else None


def booking_url(clinic, page=None, request=None):
    """Where a page's "request an appointment" link goes: the page's own form (its anchor),
    else the clinic's appointment page while it is live, else None."""
    anchor = page_form_anchor(page)
    if anchor:
        return "#" + anchor
    booking_page = getattr(clinic, "appointment_page", None)
    if booking_page is None or not booking_page.live:
        return None
    if page is not None and booking_page.pk == page.pk:
        return None
    return booking_page.get_url(request=request)


def address_lines(clinic):
    """The clinic's postal address as lines, empty parts left out. A country given as a
    two-letter code ("GB", for the structured data) is not a line a patient reads: it is left
    out; a country written as a name is kept."""
    if clinic is None:
        return []
    lines = [line.strip() for line in (clinic.street_address or "").splitlines() if line.strip()]
    country = (clinic.address_country or "").strip()
    if re.fullmatch(r"[A-Za-z]{2}", country):
        country = ""
    for line in (
        clinic.address_locality,
        clinic.address_region,
        clinic.postal_code,
        country,
    ):
        if line:
            lines.append(line)
    return lines
