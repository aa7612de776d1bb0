"""
Streamed CSV and XLSX exports of appointment requests.

Memory stays bounded however many rows there are: rows are read with
``QuerySet.iterator(chunk_size=...)`` (a server-side cursor on PostgreSQL, chunked fetches
elsewhere), the CSV is written row by row into a ``StreamingHttpResponse``, and the XLSX is
built with openpyxl's write-only mode, which spools rows to a temporary file, then streamed
from that file (openpyxl is a dependency of Wagtail itself).

Formula neutralisation (CSV injection), applied to every text value in BOTH formats:

* A value whose first character is ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
  line feed (or the full-width ``＝ ＋ － ＠``) gets a leading apostrophe ``'``, so a
  spreadsheet shows it as text and never evaluates it: ``=cmd|' /C calc'!A0`` is exported as
  ``'=cmd|' /C calc'!A0``, ``-1+1`` as ``'-1+1``.
* The one exception is the phone column: a value that is entirely a phone number -- an
  optional leading ``+``, then a digit or ``(``, then only digits, spaces, parentheses,
  hyphens and dots, ending in a digit, e.g. ``+1 555 0100`` or ``+44 (0)20 7946-0000`` -- is
  left as it is so staff can read and dial it. Such a value has no letters, ``|``, ``!``,
  ``:`` or quotes, so it cannot name a function, a cell, a file or a DDE command.
* In XLSX every string cell is also written with the data type "string", so even a value
  that escaped the rule above is stored as text, never as a formula.

Characters XML cannot hold (C0 controls other than tab, CR and LF) are removed from XLSX
cells; apart from the apostrophe, the CSV keeps every value exactly.

Dates and times read as they do in the inbox (``inbox.display``): "30 Nov 2026, 14:05" as
text in the CSV, and as real date cells shown in that format in the XLSX, so they still sort.
Choice columns (status, time of day...) map codes to labels through a dict built once per
export, not a ``get_FOO_display()`` call per cell.
"""


import csv
import datetime
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ..models import AppointmentRequest
from . import display

CHUNK_SIZE = 500
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PHONE_RE = display.PHONE_RE
_XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value, *, phone=False):
    """``value`` as a string a spreadsheet will not evaluate; see the module docstring."""
    if value is None:
        return ""
    text = str(value)
    if phone and PHONE_RE.match(text):
        return text
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    """One export column. ``get(obj)`` reads the value; ``getter()`` is called once per export
    and returns the function used for every row (so per-export work, such as resolving
    translated choice labels, happens once)."""

    heading: str
    get: Callable = None
    phone: bool = False
    choices_of: str = ""  # a field whose choice labels replace its stored codes

    def getter(self):
        if not self.choices_of:
            return self.get
        field = AppointmentRequest._meta.get_field(self.choices_of)
        labels = {value: str(label) for value, label in field.flatchoices}
        attname = field.attname
        return lambda obj: labels.get(getattr(obj, attname), getattr(obj, attname))


def _local(value):
    """An aware datetime as a naive local one (spreadsheets have no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _field(name):
    return capfirst(AppointmentRequest._meta.get_field(name).verbose_name)


def _column(name, get=None, **kwargs):
    return Column(heading=_field(name), get=get or (lambda obj: getattr(obj, name)), **kwargs)


def _choice(name):
    return Column(heading=_field(name), choices_of=name)


#: The inbox export: what the front desk works from.
INBOX_COLUMNS = [
    _column("reference"),
    _column("created_at", lambda obj: _local(obj.created_at)),
    _choice("status"),
    _column("name"),
    _column("email"),
    _column("phone", phone=True),
    _column("preferred_date"),
    _choice("preferred_time"),
    _choice("patient_status"),
    _column("reason"),
    _column("topic"),
    _column("source_page_title"),
    _column("staff_notes"),
    _choice("notification_status"),
]

#: Everything held about a request, for a person's subject access request.
FULL_COLUMNS = [
    Column(_("ID"), lambda obj: obj.pk),
    *INBOX_COLUMNS,
    _choice("spam_reason"),
    _column("consent_text"),
    _column("consent_given_at", lambda obj: _local(obj.consent_given_at)),
    _column("privacy_notice_url"),
    _column("privacy_notice_version"),
    _column("updated_at", lambda obj: _local(obj.updated_at)),
]


def headings(columns):
    return [str(column.heading) for column in columns]


def _csv_value(value, phone):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Already local and naive (``_local``): format it as it stands.
        return formats.date_format(value, display.DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return display.format_date(value)
    if isinstance(value, int | float):
        return value
    return neutralise(value, phone=phone)


def _bound(columns):
    return [(column.getter(), column.phone) for column in columns]


def csv_rows(queryset, columns=INBOX_COLUMNS):
    """Header, then one list of neutralised values per request, read in chunks."""
    yield headings(columns)
    bound = _bound(columns)
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [_csv_value(get(obj), phone) for get, phone in bound]


class _Echo:
    """A file-like object whose ``write`` hands the line back (Django's streaming CSV idiom)."""

    def write(self, value):
        return value


def stream_csv(queryset, columns=INBOX_COLUMNS):
    """CSV text, one line at a time; the first line starts with a BOM so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in csv_rows(queryset, columns):
        yield writer.writerow(row)


def write_csv(queryset, file, columns=INBOX_COLUMNS):
    """Write the CSV to an open text file (opened with ``newline=""``). Returns the row count."""
    writer = csv.writer(file)
    rows = csv_rows(queryset, columns)
    writer.writerow(next(rows))
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def csv_response(queryset, filename, columns=INBOX_COLUMNS):
    response = StreamingHttpResponse(stream_csv(queryset, columns), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx_cell(sheet, value, phone):
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = display.XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = display.XLSX_DATE_FORMAT
        return cell
    if isinstance(value, int | float) or value is None:
        return WriteOnlyCell(sheet, value=value)
    text = _XML_ILLEGAL_RE.sub("", neutralise(value, phone=phone))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, never a formula
    return cell


def write_xlsx(queryset, file, columns=INBOX_COLUMNS):
    """Write an XLSX workbook to ``file`` (a path or binary file object), row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Appointment requests"))[:31])
    header = []
    for heading in headings(columns):
        cell = WriteOnlyCell(sheet, value=heading)
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    bound = _bound(columns)
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        sheet.append([_xlsx_cell(sheet, get(obj), phone) for get, phone in bound])
    workbook.save(file)


def xlsx_response(queryset, filename, columns=INBOX_COLUMNS):
    # A zip archive cannot be written front to back as it streams, so the workbook is spooled
    # to a temporary file (rows never all in memory) and the file is streamed.
    spool = tempfile.TemporaryFile()
    try:
        write_xlsx(queryset, spool, columns)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_filename():
    return f"appointment-requests-{timezone.localdate():%Y-%m-%d}"
