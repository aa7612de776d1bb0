"""
Streamed CSV and XLSX exports of appointment requests.

Memory stays bounded however many rows there are: rows are read as tuples of the exported
fields with ``values_list(...).iterator(chunk_size=...)`` (a server-side cursor on
PostgreSQL, chunked fetches elsewhere; never model instances), the CSV is written row by row into a ``StreamingHttpResponse``, and the XLSX is
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
Everything that does not change from row to row is done once per export, in the functions
each column gets (``_csv_converters``, ``_xlsx_converters``): choice columns (status, time of
day...) map codes to labels, already neutralised, through a dict built once, not a
``get_FOO_display()`` call per cell; the time zone is looked up once; the CSV formats each
day's date once and fills in the time (``display.DatetimeFormatter``), and each preferred date
once. About 10x faster than formatting every cell through Django (docs/performance.md).
"""

import csv
import itertools
import re
import tempfile
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
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


# What a column holds, which decides how each format writes it.
TEXT, PHONE, CHOICE, DATETIME, DATE, NUMBER = (
    "text",
    "phone",
    "choice",
    "datetime",
    "date",
    "number",
)


@dataclass(frozen=True)
class Column:
    """One export column: a heading, the model field it reads (rows are read with
    ``values_list``, never as model instances) and what kind of value it holds."""

    heading: str
    field: str
    kind: str = TEXT


def _field(name):
    return capfirst(AppointmentRequest._meta.get_field(name).verbose_name)


def _column(name, kind=TEXT):
    return Column(heading=_field(name), field=name, kind=kind)


#: The inbox export: what the front desk works from.
INBOX_COLUMNS = [
    _column("reference"),
    _column("created_at", DATETIME),
    _column("status", CHOICE),
    _column("name"),
    _column("email"),
    _column("phone", PHONE),
    _column("preferred_date", DATE),
    _column("preferred_time", CHOICE),
    _column("patient_status", CHOICE),
    _column("reason"),
    _column("topic"),
    _column("source_page_title"),
    _column("staff_notes"),
    _column("notification_status", CHOICE),
]

#: Everything held about a request, for a person's subject access request.
FULL_COLUMNS = [
    Column(_("ID"), "pk", NUMBER),
    *INBOX_COLUMNS,
    _column("spam_reason", CHOICE),
    _column("consent_text"),
    _column("consent_given_at", DATETIME),
    _column("privacy_notice_url"),
    _column("privacy_notice_version"),
    _column("updated_at", DATETIME),
]


def headings(columns):
    return [str(column.heading) for column in columns]


def _labels(column):
    """A choice column's codes mapped to their labels, resolved (translated) once."""
    field = AppointmentRequest._meta.get_field(column.field)
    return {value: str(label) for value, label in field.flatchoices}


def _text(value):
    """``neutralise`` for the hot path: the stored text, rarely anything else."""
    if value is None:
        return ""
    if value.__class__ is not str:
        value = str(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _phone(value):
    if value is None:
        return ""
    return neutralise(value, phone=True)


def _rows(queryset, columns):
    """One tuple of raw values per request, read in chunks."""
    return queryset.values_list(*(column.field for column in columns)).iterator(
        chunk_size=CHUNK_SIZE
    )


def _csv_converters(columns):
    """One function per column turning a raw value into its CSV text, made once per export:
    labels resolved, the time zone looked up and each day's date text formatted once."""
    datetimes = display.DatetimeFormatter()
    dates = {}

    def date(value):
        text = dates.get(value)
        if text is None:
            text = dates[value] = display.format_date(value)
        return text

    def choice(column):
        labels = {value: _text(label) for value, label in _labels(column).items()}

        def label(value):
            text = labels.get(value)
            return _text(value) if text is None else text

        return label

    def number(value):
        return "" if value is None else value

    by_kind = {TEXT: _text, PHONE: _phone, DATETIME: datetimes, DATE: date, NUMBER: number}
    return [choice(column) if column.kind == CHOICE else by_kind[column.kind] for column in columns]


def csv_rows(queryset, columns=INBOX_COLUMNS):
    """Header, then one list of neutralised values per request, read in chunks."""
    yield headings(columns)
    converters = _csv_converters(columns)
    for values in _rows(queryset, columns):
        yield [convert(value) for convert, value in zip(converters, values, strict=True)]


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


LANGUAGE_BATCH = 500


def in_current_language(lines):
    """``lines`` produced in the language and time zone active now, however late they are read.

    A ``StreamingHttpResponse`` is read after its view has returned, and Wagtail's admin sets
    the editor's language and time zone around the view (and a template response's rendering)
    only: without this, a streamed CSV's headings and labels come out in the site's default
    language.
    """
    # Read now, in the view: a generator's body would only run when the first line is asked for.
    language, zone = translation.get_language(), timezone.get_current_timezone()
    lines = iter(lines)

    def produced_then():
        # A batch of lines at a time, so that a 100,000-row export switches languages a few
        # hundred times, not once per row.
        while True:
            with translation.override(language), timezone.override(zone):
                batch = list(itertools.islice(lines, LANGUAGE_BATCH))
            yield from batch
            if len(batch) < LANGUAGE_BATCH:
                return

    return produced_then()


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
    response = StreamingHttpResponse(
        in_current_language(stream_csv(queryset, columns)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _xlsx_converters(sheet, columns):
    """One function per column turning a raw value into its XLSX cell, made once per export."""
    zone = timezone.get_current_timezone()

    def text_cell(text):
        if not text.isprintable():  # rare: tabs, line breaks, or what XML cannot hold
            text = _XML_ILLEGAL_RE.sub("", text)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell

    def text(value):
        return WriteOnlyCell(sheet, value=None) if value is None else text_cell(_text(value))

    def phone(value):
        return WriteOnlyCell(sheet, value=None) if value is None else text_cell(_phone(value))

    def choice(column):
        labels = {value: _text(label) for value, label in _labels(column).items()}

        def label(value):
            found = labels.get(value)
            if found is None:
                return WriteOnlyCell(sheet, value=None) if value is None else text(value)
            return text_cell(found)

        return label

    def datetime_cell(value):
        if value is None:
            return WriteOnlyCell(sheet, value=None)
        # Spreadsheets have no time zones: the local time, naive, to the second.
        local = value.astimezone(zone).replace(tzinfo=None, microsecond=0)
        cell = WriteOnlyCell(sheet, value=local)
        cell.number_format = display.XLSX_DATETIME_FORMAT
        return cell

    def date_cell(value):
        cell = WriteOnlyCell(sheet, value=value)
        if value is not None:
            cell.number_format = display.XLSX_DATE_FORMAT
        return cell

    def number(value):
        return WriteOnlyCell(sheet, value=value)

    by_kind = {TEXT: text, PHONE: phone, DATETIME: datetime_cell, DATE: date_cell, NUMBER: number}
    return [choice(column) if column.kind == CHOICE else by_kind[column.kind] for column in columns]


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
    converters = _xlsx_converters(sheet, columns)
    for values in _rows(queryset, columns):
        sheet.append([convert(value) for convert, value in zip(converters, values, strict=True)])
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
