"""
CSV and XLSX exports of the inbox: formula neutralisation (read back as a spreadsheet would),
filters, permissions, the missing-openpyxl case, and streaming 10,000 rows with a constant
number of queries and bounded memory.
"""

import csv
import datetime
import io
import tracemalloc
import weakref
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from tests.builders.inbox import inbox_url, user_of_kind
from tests.builders.pages import AppointmentRequestFactory
from wagtail_conditions.inbox import display, exports
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

DANGEROUS = {
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+SUM(1)": "'+SUM(1)",
    "@x": "'@x",
    "-1+1": "'-1+1",
    "\tcmd": "'\tcmd",
    "\r=1+1": "'\r=1+1",
    "＝1+1": "'＝1+1",
}
HARMLESS = ["Back pain", "1+1", "a=b", " =1 (space first)", "", "Ünïcödé 東京 👍"]


@pytest.mark.parametrize("value,expected", DANGEROUS.items())
def test_neutralise_prefixes_formula_triggers(value, expected):
    assert exports.neutralise(value) == expected
    assert exports.neutralise(value, phone=True) == expected


@pytest.mark.parametrize("value", HARMLESS)
def test_neutralise_leaves_ordinary_text(value):
    assert exports.neutralise(value) == value


@pytest.mark.parametrize(
    "phone", ["+1 555 0100", "+44 (0)20 7946-0000", "020 7946 0000", "(555) 010.0100"]
)
def test_phone_numbers_stay_readable_in_the_phone_column_only(phone):
    assert exports.neutralise(phone, phone=True) == phone
    if phone.startswith("+"):
        assert exports.neutralise(phone) == "'" + phone


@pytest.mark.parametrize(
    "phone", ["+1 555 0100 =cmd", "+SUM(1)", "-1+1", "+1-1+A1", "+", "-1", "+1 555 0100\t"]
)
def test_phone_lookalikes_are_neutralised(phone):
    assert exports.neutralise(phone, phone=True).startswith("'")


# --- Read back ----------------------------------------------------------------------------


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="appointment-requests-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula cells at all
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return list(workbook.active.iter_rows())


def _hostile_rows():
    for index, value in enumerate(DANGEROUS):
        AppointmentRequestFactory(
            name=value, reason=value, staff_notes=value, phone="+1 555 0100", topic=f"T{index}"
        )
    AppointmentRequestFactory(name="Dangerous phone", phone="=1+2", topic="phone")


def test_csv_export_neutralises_formulas_and_keeps_phones(front_desk):
    _hostile_rows()
    rows = _csv(front_desk.get(inbox_url("export_csv")))
    header, body = rows[0], rows[1:]
    name, phone, reason, notes = (
        header.index(h) for h in ("Name", "Phone", "Reason for visit", "Staff notes")
    )
    by_topic = {row[header.index("Condition or therapy")]: row for row in body}
    for index, expected in enumerate(DANGEROUS.values()):
        row = by_topic[f"T{index}"]
        assert row[name] == row[reason] == row[notes] == expected
        assert row[phone] == "+1 555 0100"
    assert by_topic["phone"][phone] == "'=1+2"


def test_xlsx_export_neutralises_formulas_and_stores_text(front_desk):
    _hostile_rows()
    rows = _xlsx(front_desk.get(inbox_url("export_xlsx")))
    header = [cell.value for cell in rows[0]]
    name, phone, reason = (header.index(h) for h in ("Name", "Phone", "Reason for visit"))
    topic = header.index("Condition or therapy")
    by_topic = {row[topic].value: row for row in rows[1:]}
    for index, expected in enumerate(DANGEROUS.values()):
        row = by_topic[f"T{index}"]
        for cell in (row[name], row[reason]):
            assert cell.data_type == "s"
            # XML reads a bare carriage return back as a line feed; the apostrophe stays first.
            assert cell.value == expected.replace("\r", "\n")
        assert row[phone].value == "+1 555 0100"
        assert row[phone].data_type == "s"
    assert by_topic["phone"][phone].value == "'=1+2"


def test_xlsx_export_drops_characters_xml_cannot_hold(front_desk):
    AppointmentRequestFactory(name="Bell\x07 and\x0b tab\tnewline\n", reason="ok")
    rows = _xlsx(front_desk.get(inbox_url("export_xlsx")))
    header = [cell.value for cell in rows[0]]
    assert rows[1][header.index("Name")].value == "Bell and tab\tnewline\n"


def test_exports_keep_unicode_exactly(front_desk):
    value = "Zoë 東京 👍 مرحبا"
    AppointmentRequestFactory(name=value)
    csv_rows = _csv(front_desk.get(inbox_url("export_csv")))
    assert csv_rows[1][csv_rows[0].index("Name")] == value
    xlsx_rows = _xlsx(front_desk.get(inbox_url("export_xlsx")))
    assert xlsx_rows[1][[c.value for c in xlsx_rows[0]].index("Name")].value == value


# --- Filters and permissions --------------------------------------------------------------


def _exported_names(response, fmt):
    rows = _csv(response) if fmt == "csv" else [[c.value for c in r] for r in _xlsx(response)]
    column = rows[0].index("Name")
    return sorted(row[column] for row in rows[1:])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_honour_filters_search_and_date_range(front_desk, fmt):
    AppointmentRequestFactory(name="Alice", status="booked", email="alice@example.com")
    AppointmentRequestFactory(name="Bob", status="booked", email="bob@example.com")
    old = AppointmentRequestFactory(name="Carol", status="booked")
    AppointmentRequestFactory(name="Dave", status="new")
    AppointmentRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=30)
    )
    url = inbox_url(f"export_{fmt}")
    assert _exported_names(front_desk.get(url), fmt) == ["Alice", "Bob", "Carol", "Dave"]
    assert _exported_names(front_desk.get(url, {"status__exact": "booked"}), fmt) == [
        "Alice",
        "Bob",
        "Carol",
    ]
    assert _exported_names(front_desk.get(url, {"status__exact": "booked", "q": "bob@"}), fmt) == [
        "Bob"
    ]
    today = timezone.localdate().isoformat()
    assert _exported_names(
        front_desk.get(url, {"status__exact": "booked", "received_from": today}), fmt
    ) == ["Alice", "Bob"]


def test_export_links_carry_the_list_filters(front_desk):
    AppointmentRequestFactory(name="Alice")
    content = front_desk.get(inbox_url("index"), {"status__exact": "new", "q": "ali"}).content
    assert (inbox_url("export_csv") + "?status__exact=new&amp;q=ali").encode() in content
    assert (inbox_url("export_xlsx") + "?status__exact=new&amp;q=ali").encode() in content


def test_export_links_hidden_without_export_permission(client):
    AppointmentRequestFactory(name="Alice")
    client.force_login(user_of_kind("view_only"))
    content = client.get(inbox_url("index")).content
    assert inbox_url("export_csv").encode() not in content
    for fmt in ("csv", "xlsx"):
        response = client.get(inbox_url(f"export_{fmt}"))
        assert response.status_code == 302
        assert b"Alice" not in response.content


def test_unknown_lookups_cannot_filter_an_export(front_desk):
    AppointmentRequestFactory(name="Alice")
    response = front_desk.get(
        inbox_url("export_csv"), {"source_page__owner__password__startswith": "md5"}
    )
    assert response.status_code == 302
    assert not isinstance(response, StreamingHttpResponse)


# --- Streaming ----------------------------------------------------------------------------


def _bulk_rows(count):
    now = timezone.now()
    AppointmentRequest.objects.bulk_create(
        [
            AppointmentRequest(
                name=f"Patient {i}",
                email=f"p{i}@example.com",
                phone="+44 20 7946 0000",
                reason="Lower back pain for two weeks, worse in the morning. " * 3,
                topic="Muscle spasms",
                consent_text="I agree.",
                consent_given_at=now,
                submission_key=f"bulk-{count}-{i}",
                # Random references would collide now and then among 10,000 rows.
                reference=f"AR-{count:04d}-{i}",  # at most 12 characters
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


class _LiveRequests:
    """The most AppointmentRequest objects alive at once (a WeakSet fed by ``post_init``)."""

    def __init__(self):
        self.alive = weakref.WeakSet()
        self.most = 0

    def __call__(self, sender, instance, **kwargs):
        self.alive.add(instance)
        self.most = max(self.most, len(self.alive))

    def __enter__(self):
        post_init.connect(self, sender=AppointmentRequest)
        return self

    def __exit__(self, *exc):
        post_init.disconnect(self, sender=AppointmentRequest)


def _consume(client, url, *, trace_memory=False):
    """Queries, chunks, size, live rows and (optionally) peak memory of one export."""
    if trace_memory:
        tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries, _LiveRequests() as live:
            response = client.get(url)
            chunks = size = 0
            for chunk in response.streaming_content:
                chunks += 1
                size += len(chunk)
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
    finally:
        if trace_memory:
            tracemalloc.stop()
    return SimpleNamespace(
        response=response, queries=len(queries), chunks=chunks, size=size, live=live.most, peak=peak
    )


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_stream_10000_rows_with_constant_queries_and_bounded_memory(front_desk, fmt):
    url = inbox_url(f"export_{fmt}")
    _bulk_rows(10)
    _consume(front_desk, url)  # warm the content type and permission caches
    small = _consume(front_desk, url)
    _bulk_rows(9990)
    big = _consume(front_desk, url, trace_memory=fmt == "csv")

    assert big.response.streaming
    assert isinstance(big.response, StreamingHttpResponse)
    assert big.queries == small.queries  # chunked reads, not a query per row or per chunk
    assert big.size > 50 * small.size
    assert big.chunks > 100  # sent in pieces, not one body built in memory
    # Never all 10,000 rows in memory: at most one chunk of them is alive at any moment.
    assert big.live <= exports.CHUNK_SIZE
    if big.peak is not None:
        # Loading the 10,000 rows at once costs about 20 MB here; streaming stays near 1.5.
        assert big.peak < 8 * 1024 * 1024, f"peak {big.peak / 1e6:.1f} MB"


# --- Columns and formats ------------------------------------------------------------------

INBOX_HEADER = [
    "Reference",
    "Received",
    "Status",
    "Name",
    "Email",
    "Phone",
    "Preferred date",
    "Preferred time of day",
    "New or returning",
    "Reason for visit",
    "Condition or therapy",
    "Source page title",
    "Staff notes",
    "Notification",
]


def _formatted_request():
    from zoneinfo import ZoneInfo

    appointment = AppointmentRequestFactory(
        name="Alice",
        status="booked",
        preferred_date=datetime.date(2031, 3, 4),
        preferred_time="morning",
        patient_status="returning",
    )
    received = datetime.datetime(2026, 11, 30, 14, 5, 59, tzinfo=ZoneInfo("Europe/London"))
    AppointmentRequest.objects.filter(pk=appointment.pk).update(created_at=received)
    return appointment


def test_csv_export_has_the_reference_and_the_inbox_date_format(front_desk):
    appointment = _formatted_request()
    rows = _csv(front_desk.get(inbox_url("export_csv")))
    assert rows[0] == INBOX_HEADER
    assert rows[1][:9] == [
        appointment.reference,
        "30 Nov 2026, 14:05",
        "Booked",
        "Alice",
        appointment.email,
        "+44 20 7946 0000",
        "4 Mar 2031",
        "Morning",
        "Returning patient",
    ]


def test_xlsx_export_has_real_dates_shown_in_the_inbox_format(front_desk):
    appointment = _formatted_request()
    rows = _xlsx(front_desk.get(inbox_url("export_xlsx")))
    assert [cell.value for cell in rows[0]] == INBOX_HEADER
    reference, received, status = rows[1][:3]
    assert reference.value == appointment.reference
    assert received.value == datetime.datetime(2026, 11, 30, 14, 5, 59)
    assert received.number_format == "d mmm yyyy, hh:mm"
    assert rows[1][6].value == datetime.datetime(2031, 3, 4, 0, 0)
    assert rows[1][6].number_format == "d mmm yyyy"
    assert status.value == "Booked"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_choice_labels_are_resolved_once_per_column_not_per_cell(front_desk, monkeypatch, fmt):
    for status in ("new", "booked", "closed"):
        AppointmentRequestFactory(status=status, preferred_time="evening")

    def per_cell(*args, **kwargs):
        raise AssertionError("get_FOO_display() called for a cell")

    monkeypatch.setattr(AppointmentRequest, "_get_FIELD_display", per_cell)
    response = front_desk.get(inbox_url(f"export_{fmt}"))
    rows = _csv(response) if fmt == "csv" else [[c.value for c in r] for r in _xlsx(response)]
    status = rows[0].index("Status")
    assert sorted(row[status] for row in rows[1:]) == ["Booked", "Closed", "New"]
    assert {row[rows[0].index("Preferred time of day")] for row in rows[1:]} == {"Evening"}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("zone", ["Europe/London", "Asia/Kolkata", "America/St_Johns", "UTC"])
@pytest.mark.parametrize(
    "fmt", [display.DATETIME_FORMAT, "D, jS F Y G:i:s", r"\H\i: j M Y H:i %", "j M Y, g:i a"]
)
def test_the_export_date_formatter_writes_what_the_inbox_shows(language, zone, fmt):
    """Each day's text formatted once and the time filled in by hand reads exactly as Django
    formats each value, across daylight saving changes (spring and autumn), in half-hour
    zones, translated, and through the fallback for a time part it does not fill in (g, a)."""
    values = [
        start + datetime.timedelta(minutes=37 * step)
        for start in (
            datetime.datetime(2026, 3, 27, 0, 7, 13, tzinfo=datetime.UTC),
            datetime.datetime(2026, 10, 23, 23, 59, 59, tzinfo=datetime.UTC),
        )
        for step in range(300)
    ]
    with timezone.override(zone), translation.override(language):
        formatter = display.DatetimeFormatter(fmt)
        assert [formatter(value) for value in values] == [
            formats.date_format(timezone.localtime(value), fmt) for value in values
        ]
        assert formatter(None) == ""
        if fmt == display.DATETIME_FORMAT:
            assert [formatter(value) for value in values] == [
                display.format_datetime(value) for value in values
            ]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_csv_export_is_in_the_front_desks_language_and_time_zone(client, language):
    """The CSV is streamed after the view has returned, outside Wagtail's switch to the
    user's language and time zone: it still speaks both, as the XLSX (written in the view)
    does."""
    from wagtail.users.models import UserProfile

    AppointmentRequestFactory(name="Ann Patient", topic="Muscle spasms")
    user = user_of_kind("front_desk")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.current_time_zone = "Pacific/Auckland"
    profile.save()
    client.force_login(user)
    csv_rows = _csv(client.get(inbox_url("export_csv")))
    xlsx_rows = [[cell.value for cell in row] for row in _xlsx(client.get(inbox_url("export_xlsx")))]
    assert csv_rows[0] == xlsx_rows[0]
    with translation.override("en"):
        assert csv_rows[0] != [str(column.heading) for column in exports.INBOX_COLUMNS]
    # When it was sent: the XLSX's first date and time.
    submitted = next(
        index for index, value in enumerate(xlsx_rows[1]) if isinstance(value, datetime.datetime)
    )
    sent = xlsx_rows[1][submitted]
    # Written as the user reads it: in Auckland's time, in both files.
    written = csv_rows[1][submitted]  # e.g. "8 Dic 2026, 12:23"
    assert written.startswith(f"{sent.day} ") and written.endswith(f"{sent:%H:%M}")
