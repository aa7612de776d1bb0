"""The content and the (ours, reference) pairs that bench.py times. Imported after setup."""

import datetime
import gc
import re
import resource
import tempfile
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page, Site

from benchmarks.budgets import BUDGETS
from benchmarks.refapp.models import BenchFormField, BenchFormPage, PlainPage
from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.blocks.appointment import iter_form_blocks
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.demo import load_demo
from wagtail_conditions.inbox import exports
from wagtail_conditions.models import AppointmentRequest, ConditionPage
from wagtail_conditions.render_cache import new_content_version

SMALL_ROWS = 100
#: The API listings' query counts are taken at these page counts: they must not grow with N.
LISTING_SIZES = (1, 20, 50)


def configure():
    """Django's test client without Django's test environment (``setup_test_environment``):
    that instruments every template render to copy its context for the response, a cost no
    deployment pays and one that grows with the number of templates a page uses (a block is
    a template), so it would weigh on our side more than on the reference's. Emails go to
    Django's local-memory outbox (tests/settings.py), as in the tests."""
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


class Content:
    pass


def build(rows):
    content = Content()
    call_command("migrate", verbosity=0)
    content.user = get_user_model().objects.create_superuser("bench", "bench@clinic.example", "pw")
    seed_requests(0, SMALL_ROWS)
    load_demo()
    condition = ConditionPage.objects.get(title="Muscle spasms")
    content.condition = condition
    content.block_id = next(iter_form_blocks(condition))[0]
    home = Site.objects.get(is_default_site=True).root_page
    client = Client()
    html = client.get(condition.url).content.decode()
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    text = re.sub(r"\s+", " ", strip_tags(re.sub(r"<form.*?</form>", "", article, flags=re.S)))
    # At the condition's depth (under a section, as the condition is under its index), so
    # both pay the same routing down the tree.
    section = home.add_child(instance=Page(title="Plain section", slug="plain-section"))
    content.plain = section.add_child(
        instance=PlainPage(title="Plain", slug="plain", body=f"<p>{text}</p>")
    )
    # Fifty conditions (a listing's page counts) and twenty plain pages (the timed listing's
    # reference, against the first twenty conditions).
    conditions = home.add_child(instance=Page(title="Conditions", slug="many-conditions"))
    plains = home.add_child(instance=Page(title="Twenty plain", slug="twenty-plain"))
    for number in range(max(LISTING_SIZES)):
        condition.copy(
            to=conditions,
            update_attrs={"slug": f"c{number}", "title": f"C{number}"},
            keep_live=True,
        )
    for number in range(20):
        plains.add_child(
            instance=PlainPage(title=f"P{number}", slug=f"p{number}", body=f"<p>{text}</p>")
        )
    content.conditions, content.plains = conditions, plains
    # Published before each "cold" run: a condition of its own, under another index.
    content.elsewhere = ConditionPage.objects.child_of(conditions).get(slug="c0")
    form = add_form_page(home)
    content.form = form
    content.client = client
    content.staff = Client()
    content.staff.force_login(content.user)
    return content


#: The questions our demo form asks, as Wagtail form fields: (label, field type).
FORM_PAGE_FIELDS = [
    ("Name", "singleline"),
    ("Email", "email"),
    ("Phone", "singleline"),
    ("Preferred date", "date"),
    ("Preferred time", "singleline"),
    ("Patient status", "singleline"),
    ("Reason", "multiline"),
    ("Consent", "checkbox"),
]


def add_form_page(parent, slug="wagtail-form"):
    """Wagtail's own form page (the reference) under ``parent``, asking what our form asks."""
    form = BenchFormPage(title="Wagtail form", slug=slug)
    parent.add_child(instance=form)
    for order, (label, kind) in enumerate(FORM_PAGE_FIELDS):
        BenchFormField.objects.create(
            page=form, sort_order=order, label=label, field_type=kind, required=kind != "multiline"
        )
    form.save_revision().publish()
    return form


def seed_requests(start, stop):
    """Appointment requests numbered ``start`` to ``stop``, one every 37 seconds back from now,
    with the statuses, topics and answers of a busy clinic's inbox."""
    db = connections["default"]
    now = timezone.now()
    statuses = ["new", "contacted", "booked", "closed", "spam"]
    topics = ["Muscle spasms", "Back pain", "Neck pain", ""]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {AppointmentRequest._meta.db_table} (reference, name, email, phone,
                  preferred_time, patient_status, reason, source_page_title, block_id, topic,
                  consent_text, consent_given_at, privacy_notice_url, privacy_notice_version,
                  status, staff_notes, created_at, updated_at, recipients, send_acknowledgement,
                  notification_status, notification_attempts, notification_error,
                  submission_key, spam_reason)
                SELECT 'B-' || lpad(n::text, 7, '0'), 'Patient ' || n, 'p' || n || '@example.com',
                  '+44 20 7946 ' || lpad((n %% 10000)::text, 4, '0'), '', '', 'Back pain', 'Muscle spasms',
                  'f', (%s::text[])[1 + n %% 4], 'ok', %s, '', '1',
                  (%s::text[])[1 + n %% 5], '', %s - n * interval '37 seconds', %s, 'd@x', false,
                  'sent', 1, '', 'k' || n, ''
                FROM generate_series(%s, %s) AS n
                """,
                [topics, now, statuses, now, now, start + 1, stop],
            )
            cursor.execute(f"VACUUM ANALYZE {AppointmentRequest._meta.db_table}")
        return
    batch = []
    for n in range(start + 1, stop + 1):
        batch.append(
            AppointmentRequest(
                reference=f"B-{n:07d}",
                name=f"Patient {n}",
                email=f"p{n}@example.com",
                phone=f"+44 20 7946 {n % 10000:04d}",
                reason="Back pain",
                topic=topics[n % 4],
                source_page_title="Muscle spasms",
                block_id="f",
                consent_text="ok",
                consent_given_at=now,
                privacy_notice_version="1",
                recipients="d@x",
                status=statuses[n % 5],
                notification_status="sent",
                submission_key=f"k{n}",
            )
        )
        if len(batch) == 5000:
            AppointmentRequest.objects.bulk_create(batch)
            batch = []
    AppointmentRequest.objects.bulk_create(batch)
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AppointmentRequest._meta.db_table} "
            "SET created_at = datetime('now', '-' || (id * 37) || ' seconds')"
        )


def get(client, url, expect=200):
    def request():
        response = client.get(url)
        assert response.status_code == expect, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            for _chunk in response.streaming_content:
                pass
        return response

    return request


def uncached(function):
    """``function`` run with the render cache off."""

    def run():
        with override_settings(
            WAGTAIL_CONDITIONS={**settings.WAGTAIL_CONDITIONS, "RENDER_CACHE": False}
        ):
            return function()

    return run


def after_a_change(function, change):
    """``function`` run as the first request after ``change()`` (before each run, through
    ``prepare``: neither timed nor counted, as it is the change's cost, not the view's)."""

    def run():
        return function()

    run.prepare = change
    return run


def publish(page):
    """A new revision of ``page`` published, as an editor's publish makes it."""

    def change():
        page.save_revision().publish()

    return change


def prepare(function):
    """Run what ``function`` needs done before each timed or counted run (``after_a_change``)."""
    getattr(function, "prepare", lambda: None)()


def pairs(content):
    c = content
    listing = "/api/v2/pages/?child_of={}&fields=*&type={}&limit=20"
    counter = iter(range(10**9))

    def answers():
        n = next(counter)
        return {
            "name": f"Ann Patient {n}",
            "email": f"ann{n}@example.com",
            "phone": "+44 20 7946 0000",
            "preferred_date": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
            "preferred_time": "morning",
            "patient_status": "new",
            "reason": f"Lower back pain {n}.",
            "consent": "on",
        }

    def ours_post():
        data = {
            "page": str(c.condition.pk),
            "block": c.block_id,
            "website": "",
            "token": make_form_token(c.condition.pk, c.block_id),
            **answers(),
        }
        response = c.client.post(reverse("wagtail_conditions:appointment_submit"), data)
        assert response.status_code in (302, 303), response.status_code
        return response

    def ours_post_and_page():
        """What a browser does: the POST, then the thank-you page the 303 sends it to."""
        response = c.client.get(ours_post()["Location"])
        assert response.status_code == 200, response.status_code

    def form_post():
        a = answers()
        data = {
            "name": a["name"],
            "email": a["email"],
            "phone": a["phone"],
            "preferred_date": a["preferred_date"],
            "preferred_time": a["preferred_time"],
            "patient_status": a["patient_status"],
            "reason": a["reason"],
            "consent": "on",
        }
        response = c.client.post(c.form.url, data)
        assert response.status_code == 200, response.status_code
        # Its landing page, rendered in the POST's response.
        assert b"Thank you." in response.content

    def bare_insert():
        a = answers()
        AppointmentRequest.objects.create(
            name=a["name"],
            email=a["email"],
            phone=a["phone"],
            reason=a["reason"],
            consent_text="ok",
            consent_given_at=timezone.now(),
            submission_key=uuid.uuid4().hex,
        )

    result = [
        # Warm: what every view after the first costs, served from the render cache (one
        # render per content version). Cold: the first view after another page is published
        # (a new content version that touches nothing the page shows: the page kept at the
        # older version is served again, render_deps). Site-wide change: the first view after
        # a change every page may show (a setting, a snippet; here new_content_version()): the
        # page rendered again, each fragment kept by what it shows read back. Cache off: the
        # whole page rendered from scratch (RENDER_CACHE False; what the first view after the
        # page's own publish costs).
        ("page render (warm)", get(c.client, c.condition.url), get(c.client, c.plain.url)),
        (
            "page render (cold)",
            after_a_change(get(c.client, c.condition.url), publish(c.elsewhere)),
            get(c.client, c.plain.url),
        ),
        (
            "page render (site-wide change)",
            after_a_change(get(c.client, c.condition.url), new_content_version),
            get(c.client, c.plain.url),
        ),
        (
            "page render (cache off)",
            uncached(get(c.client, c.condition.url)),
            get(c.client, c.plain.url),
        ),
    ]
    # The API, warm (our answer kept by the render cache), cold (the first answer after a
    # condition of the listing is published: the listing serializes that page alone, a
    # detail of another page is read back; render_cache.kept_api_items) and cache off (the
    # whole answer computed), each against a plain page's answer as Wagtail's own API
    # computes it (the render cache off for it).
    faces = [
        ("API v2 detail", f"/api/v2/pages/{c.condition.pk}/", f"/api/v2/pages/{c.plain.pk}/"),
        (
            "API v2 listing (20)",
            listing.format(c.conditions.pk, "wagtail_conditions.ConditionPage"),
            listing.format(c.plains.pk, "refapp.PlainPage"),
        ),
    ]
    if HAS_API_V3:
        faces.append(
            ("API v3 detail", f"/api/v3/pages/{c.condition.pk}/", f"/api/v3/pages/{c.plain.pk}/")
        )
    for name, ours_url, reference_url in faces:
        reference = uncached(get(c.client, reference_url))
        result += [
            (f"{name} (warm)", get(c.client, ours_url), reference),
            (
                f"{name} (cold)",
                after_a_change(get(c.client, ours_url), publish(c.elsewhere)),
                reference,
            ),
            (f"{name} (cache off)", uncached(get(c.client, ours_url)), reference),
        ]
    result += [
        ("appointment POST/FormPage", ours_post, form_post),
        ("appointment POST/insert", ours_post, bare_insert),
        ("POST + thank-you page/FormPage", ours_post_and_page, form_post),
    ]
    return [(name, ours, reference, BUDGETS.get(name)) for name, ours, reference in result]


def listing_counts(content):
    """(name, {N: queries}) for each API's listing of N every-block condition pages."""
    faces = [("API v2 listing", "/api/v2/pages/?child_of={}&fields=*&type={}&limit={}")]
    if HAS_API_V3:
        faces.append(("API v3 listing", "/api/v3/pages/?child_of={}&type={}&limit={}"))
    result = []
    for name, url in faces:
        counts = {}
        for size in LISTING_SIZES:
            # Computed, not kept by the render cache: the count a publish costs.
            request = uncached(
                get(
                    content.client,
                    url.format(content.conditions.pk, "wagtail_conditions.ConditionPage", size),
                )
            )
            request()  # warm: the first request of a kind fills Wagtail's caches
            counts[size] = count_queries(request)
        result.append((name, counts))
    return result


def inbox_views(content):
    """The inbox's list and search, timed at 100 requests and again after ``grow``."""
    inbox = reverse("wagtail_conditions_appointmentrequest_modeladmin_index")
    return [
        ("inbox list", get(content.staff, inbox)),
        # A patient's email address, as the front desk searches for one.
        ("inbox search", get(content.staff, inbox + "?q=p4242%40example")),
    ]


def grow(rows):
    seed_requests(SMALL_ROWS, rows)


def count_queries(function):
    prepare(function)
    with CaptureQueriesContext(connections["default"]) as captured:
        function()
    return len(captured.captured_queries)


def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Not Linux: the peak.


def xlsx_export(content):
    """Rows per second of writing every request as the inbox's XLSX workbook (spooled to a
    temporary file, as the download is)."""
    queryset = AppointmentRequest.objects.order_by("-created_at", "-pk")
    rows = queryset.count()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as spool:
        exports.write_xlsx(queryset, spool)
    return rows / (time.perf_counter() - start)


def csv_export(content):
    """(rows per second, growth of the resident set in MB, its highest sample every 1,000
    rows over where it started) of streaming every request as the inbox's CSV."""
    gc.collect()
    before = peak = _rss_mb()
    queryset = AppointmentRequest.objects.order_by("-created_at", "-pk")
    start = time.perf_counter()
    rows = -2  # The BOM and the header.
    for _line in exports.stream_csv(queryset):
        rows += 1
        if rows % 1000 == 0:
            peak = max(peak, _rss_mb())
    elapsed = time.perf_counter() - start
    return rows / elapsed, max(peak, _rss_mb()) - before
