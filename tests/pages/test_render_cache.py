"""Render once per content version (wagtail_conditions/render_cache.py): a page is rendered
once and served from the cache until something it shows changes; each response carries fresh
form tokens; what belongs to one visitor is never cached; a cache that fails costs nothing."""

import dataclasses
import logging
import os
import pickle
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.checks import run_checks
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from tests.builders.appointments import configure, submit_url
from tests.builders.i18n import multilingual_site, translate
from wagtail_conditions import render_cache
from wagtail_conditions.appointments import pipeline
from wagtail_conditions.appointments.form_state import FormState
from wagtail_conditions.appointments.kept_forms import KeptForm
from wagtail_conditions.appointments.tokens import read_form_token
from wagtail_conditions.blocks.appointment import AppointmentFormBlock, iter_form_blocks
from wagtail_conditions.conf import conf
from wagtail_conditions.models import (
    AppointmentRequest,
    AppointmentSettings,
    ClinicSettings,
    ConditionPage,
    ContentVersion,
    Practitioner,
    TherapyPage,
)

TOKEN = re.compile(r'name="token" value="([^"]+)"')
# Every form token on the page: the appointment forms' and the feedback form's.
ANY_TOKEN = re.compile(r'name="(?:feedback_)?token" value="([^"]+)"')
BLOCK = re.compile(r'name="block" value="([^"]+)"')
# Database 15 of the server in REDIS_URL (default: local), under a key prefix of each test's own.
REDIS_URL = (
    urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))._replace(path="/15").geturl()
)
# The keys of pages' HTML in the render cache.
# A page's HTML at a content version, and the copy kept across versions (render_deps).
PAGE_KEYS = ("wagtail_conditions:page:", "wagtail_conditions:page-deps:")


@pytest.fixture(params=["locmem", "redis"])
def render_cache_backend(request, settings):
    """The render cache on, in the local-memory cache (a ``wagtail start`` site's) and in
    Redis (production's): each test runs on both."""
    if request.param == "locmem":
        configure(settings, RENDER_CACHE=True)
        yield
        return
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    prefix = f"wagtail-conditions-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        reason = f"Redis at {REDIS_URL} did not answer ({error})"
        if os.environ.get("CI", "").lower() == "true" or os.environ.get(
            "WAGTAIL_CONDITIONS_REQUIRE_SERVICES"
        ) == "1":
            pytest.fail(f"{reason}; CI runs the render cache on Redis")
        pytest.skip(f"{reason}; the render cache's Redis run skipped")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_ALIAS="pages")
    yield
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def condition(demo_condition, render_cache_backend):
    # Its own instance: the module's shared one must not carry one test's changes to the next.
    return ConditionPage.objects.get(pk=demo_condition.pk)


def forget_pages():
    """Remove every page's HTML from the render cache (what is kept of forms stays)."""
    cache = caches[conf.RENDER_CACHE_ALIAS]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
        keys = [key.split(":", 2)[2] for key in list(cache._cache)]
        cache.delete_many([key for key in keys if key.startswith(PAGE_KEYS)])
        return
    client = cache._cache.get_client()
    keys = [
        key
        for prefix in PAGE_KEYS
        for key in client.scan_iter(match=cache.make_key(prefix + "*"), count=1000)
    ]
    assert keys
    client.delete(*keys)


def views(client, url):
    """The response to ``url`` and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def html(response):
    return response.content.decode()


def publish(page):
    page.save_revision().publish()


def first_therapy(condition):
    return TherapyPage.objects.get(pk=condition.therapy_links.first().therapy_id)


def sent_form(client, condition, **answers):
    """The page viewed, then its form sent with ``answers`` over the defaults."""
    return client.post(submit_url(), form_data(client, condition, **answers))


def form_data(client, condition, **answers):
    """What the page's form sends, viewed now, with ``answers`` over the defaults."""
    page = html(views(client, condition.url)[0])
    return {
        "page": str(condition.pk),
        "block": BLOCK.search(page)[1],
        "token": TOKEN.search(page)[1],
        "website": "",
        "name": "Ann Patient",
        "email": "ann@example.com",
        "phone": "+44 20 7946 0000",
        "reason": "Spasms in my calf.",
        "preferred_time": "morning",
        "patient_status": "new",
        "consent": "on",
        **answers,
    }


# --- Served once rendered ---------------------------------------------------------------


def test_the_second_view_is_served_from_the_cache_with_fresh_tokens(client, condition):
    first, rendered = views(client, condition.url)
    second, cached = views(client, condition.url)
    # The demo page carries every section block and the form; served from the cache it costs
    # Wagtail's routing and the content version, nothing for its blocks.
    assert cached < rendered
    assert second.templates == []  # nothing rendered
    tokens = [TOKEN.findall(html(response)) for response in (first, second)]
    assert tokens[0] and len(tokens[0]) == len(tokens[1])
    assert set(tokens[0]).isdisjoint(tokens[1])  # each response issues its own
    block_id = BLOCK.search(html(second))[1]
    for token in tokens[1]:
        read_form_token(token, page_id=condition.pk, block_id=block_id)
    assert "wc-token-" not in html(first) + html(second)  # no marker is left
    # Apart from the tokens, the same page.
    assert ANY_TOKEN.sub("", html(first)) == ANY_TOKEN.sub("", html(second))


def test_a_cached_hit_costs_a_fixed_number_of_queries(client, condition, django_assert_num_queries):
    views(client, condition.url)
    # What Wagtail spends before any page's serve(): the site (1), the route down the tree to
    # /conditions/muscle-spasms/ (3: the index and its specific page; the condition with its
    # own fields in one, ConditionIndexPage.route), the aliases on the way and the view
    # restrictions (2); then the content version (1). The page's blocks, therapies, reviewer
    # and settings cost nothing.
    with django_assert_num_queries(7):
        client.get(condition.url)


def test_an_index_routes_to_a_child_in_one_query_and_404s_as_wagtail_does(client, condition):
    index = condition.get_parent().specific
    request = client.get(condition.url).wsgi_request
    with CaptureQueriesContext(connection) as queries:
        routed = index.route(request, [condition.slug])
    assert len(queries) == 1
    assert type(routed.page) is ConditionPage and routed.page.pk == condition.pk
    assert routed.page.get_parent().pk == index.pk  # kept, as Wagtail keeps it: no query
    assert client.get(index.url + "no-such-condition/").status_code == 404
    condition.unpublish()
    assert client.get(condition.url).status_code == 404


def test_a_patient_sends_the_form_of_a_cached_page(client, condition):
    views(client, condition.url)
    response = sent_form(client, condition)  # its token is the second, cached response's
    assert response.status_code == 303, html(response)
    thank_you = client.get(response["Location"])
    assert thank_you.status_code == 200
    assert "no-store" in thank_you["Cache-Control"]
    # The thank-you belongs to one visitor: the next visitor gets the form again.
    assert "Ann Patient" not in html(client.get(condition.url))
    assert TOKEN.search(html(client.get(condition.url)))


def test_the_setting_turns_it_off(client, condition, settings):
    configure(settings, RENDER_CACHE=False)
    views(client, condition.url)
    again, _ = views(client, condition.url)
    assert again.templates  # rendered again


# --- A new content version on every change a page shows ---------------------------------


def test_a_linked_therapy_renamed_shows_on_the_condition_page(client, condition):
    therapy = first_therapy(condition)
    assert therapy.title in html(views(client, condition.url)[0])
    therapy.title = "Cold and warm packs"
    publish(therapy)
    assert "Cold and warm packs" in html(views(client, condition.url)[0])


def test_a_draft_of_a_linked_therapy_changes_nothing(client, condition):
    therapy = first_therapy(condition)
    views(client, condition.url)
    version = ContentVersion.current()
    therapy.title = "Not yet published"
    therapy.save_revision()
    assert ContentVersion.current() == version
    response, _ = views(client, condition.url)
    assert response.templates == []
    assert "Not yet published" not in html(response)


def test_a_linked_therapy_unpublished_leaves_the_condition_page(client, condition):
    therapy = first_therapy(condition)
    views(client, condition.url)
    therapy.unpublish()
    assert f'href="{therapy.url}"' not in html(views(client, condition.url)[0])


def test_a_linked_therapy_moved_is_linked_at_its_new_address(client, condition):
    therapy = first_therapy(condition)
    old_url = therapy.url
    views(client, condition.url)
    new_parent = condition.get_parent()  # the condition index, as good a parent as any
    therapy.move(new_parent, pos="last-child")
    therapy.refresh_from_db()
    page = html(views(client, condition.url)[0])
    assert therapy.url != old_url
    assert f'href="{therapy.url}"' in page


def test_the_clinic_phone_changed_shows_at_once(client, condition):
    views(client, condition.url)
    clinic = ClinicSettings.for_site(condition.get_site())
    clinic.phone = "+44 20 7946 0999"
    clinic.save()
    assert "7946 0999" in html(views(client, condition.url)[0])


def test_a_new_condition_is_listed_by_its_index(client, condition):
    index = condition.get_parent().specific
    views(client, index.url)
    index.add_child(
        instance=ConditionPage(title="Tennis elbow", slug="tennis-elbow", summary="Elbow pain.")
    )
    assert "Tennis elbow" in html(views(client, index.url)[0])


def test_each_filter_of_an_index_is_kept_apart_and_a_search_is_never_kept(client, condition):
    index = condition.get_parent().specific
    all_letters, _ = views(client, index.url)
    letter_m, _ = views(client, index.url + "?letter=M")
    assert html(all_letters) != html(letter_m)
    assert views(client, index.url + "?letter=M")[0].templates == []  # cached
    assert views(client, index.url + "?q=spasm")[0].templates  # rendered
    assert views(client, index.url + "?q=spasm")[0].templates  # and rendered again
    assert views(client, index.url + "?utm_source=mail")[0].templates  # undeclared: rendered


def test_a_reviewer_renamed_shows_on_the_page(client, condition):
    reviewer = Practitioner.objects.create(name="Dr Ana Ruiz", credentials="DC")
    condition.reviewed_by = reviewer
    publish(condition)
    assert "Dr Ana Ruiz" in html(views(client, condition.url)[0])
    reviewer.name = "Dr Ana Ruiz-Vega"
    reviewer.save()
    assert "Dr Ana Ruiz-Vega" in html(views(client, condition.url)[0])


def publish_form_change(condition, **changes):
    """The page's appointment form block changed by ``changes`` and the page published."""
    page = ConditionPage.objects.get(pk=condition.pk)
    (form,) = [c for c in page.approach_benefits if c.block_type == "appointment_form"]
    form.value.update(changes)
    publish(page)


def test_the_form_blocks_settings_changed_show_at_once(client, condition):
    views(client, condition.url)  # the form's HTML is kept too: by its value, among others
    publish_form_change(condition, button_label="Ask for a visit")
    assert "Ask for a visit" in html(views(client, condition.url)[0])


def test_a_published_translation_shows_in_the_language_links(client, condition):
    with multilingual_site():
        assert 'hreflang="es"' not in html(views(client, condition.url)[0])
        spanish = translate(condition, "es", title="Espasmos musculares", slug="espasmos")
        page = html(views(client, condition.url)[0])
        assert 'hreflang="es"' in page
        assert spanish.url in page


def test_a_change_outside_what_the_package_sees_is_picked_up_after_new_content_version(
    client, condition
):
    views(client, condition.url)
    TherapyPage.objects.filter(pk=first_therapy(condition).pk).update(title="Renamed in SQL")
    assert "Renamed in SQL" not in html(views(client, condition.url)[0])  # no signal
    render_cache.new_content_version()
    assert "Renamed in SQL" in html(views(client, condition.url)[0])


# --- Never cached -----------------------------------------------------------------------


def test_a_logged_in_editor_is_never_served_from_the_cache(client, condition, admin_user):
    views(client, condition.url)
    client.force_login(admin_user)
    response, _ = views(client, condition.url)
    assert response.templates  # rendered for them (a site's base template shows staff more)
    client.logout()
    assert views(client, condition.url)[0].templates == []


def test_a_private_page_is_never_stored(client, condition):
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=condition.pk),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    render_cache.new_content_version()
    cache = caches[conf.RENDER_CACHE_ALIAS]
    key = render_cache.cache_key(condition, client.get(condition.url).wsgi_request)
    assert cache.get(key) is None


def test_an_error_re_render_is_never_cached(client, condition):
    errors = sent_form(client, condition, email="not an address")
    assert errors.status_code == 422
    assert "not an address" in html(errors)
    assert "not an address" not in html(client.get(condition.url))


# --- Faults and checks ------------------------------------------------------------------


def test_a_cache_that_is_down_costs_no_page_view_and_is_logged_once(
    client, condition, dead_render_cache, caplog
):
    with caplog.at_level(logging.WARNING, logger="wagtail_conditions.render_cache"):
        for _ in range(3):
            response, _ = views(client, condition.url)
            assert TOKEN.search(html(response))
            assert "wc-token-" not in html(response)
    warnings = [r for r in caplog.records if r.name == "wagtail_conditions.render_cache"]
    assert len(warnings) == 1
    assert "could not be read" in warnings[0].getMessage()
    assert "ConnectionError" in warnings[0].getMessage()


def test_the_checks_warn_of_a_dummy_cache_in_production(settings):
    settings.DEBUG = False
    settings.CACHES = {
        **settings.CACHES,
        "nothing": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_ALIAS="nothing")
    assert "wagtail_conditions.W008" in {m.id for m in run_checks()}
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_ALIAS="missing")
    assert "wagtail_conditions.E010" in {m.id for m in run_checks()}
    configure(settings, RENDER_CACHE=False, RENDER_CACHE_ALIAS="missing")
    ids = {m.id for m in run_checks()}
    assert not ids & {"wagtail_conditions.W008", "wagtail_conditions.E010"}


# --- A light thank-you and error page ---------------------------------------------------


def test_the_thank_you_is_the_cached_page_with_the_forms_section_replaced(client, condition):
    uncached_page = html(client.get(condition.url))
    response = sent_form(client, condition)
    with CaptureQueriesContext(connection) as queries:
        thank_you = client.get(response["Location"])
    page = html(thank_you)
    assert thank_you.status_code == 200
    # Not the whole page again: only the form block's templates.
    rendered = {template.name for template in thank_you.templates}
    assert {
        "wagtail_conditions/blocks/appointment_form_block.html",
        "wagtail_conditions/blocks/appointment_thank_you.html",
    } <= rendered
    assert not any(name.endswith(("base.html", "condition_page.html")) for name in rendered)
    assert len(queries) <= 8, [q["sql"][:80] for q in queries.captured_queries]
    assert 'role="status"' in page and "Request sent" in page
    reference = response["Location"].split("reference=")[1].split("#")[0]
    assert reference in page
    assert '<meta name="robots" content="noindex">' in page
    assert thank_you["X-Robots-Tag"] == "noindex"
    assert "no-store" in thank_you["Cache-Control"]
    assert "wc-form-" not in page and "wc-robots-" not in page and "wc-token-" not in page
    # Everything but the form's section is the page as every visitor sees it.
    head, _form, tail = uncached_page.partition('<section class="wc-appointment"')
    assert page.startswith(ANY_TOKEN.sub("", head).split('<meta name="robots"')[0][:200])
    assert tail.split("</section>", 1)[1][-500:] in page


def test_the_errors_are_put_into_the_cached_page_with_the_answers(client, condition):
    response = sent_form(client, condition, email="not an address", name="Ann Errorful")
    page = html(response)
    assert response.status_code == 422
    assert "There is a problem" in page and "Ann Errorful" in page
    assert "wc-form-" not in page and "wc-token-" not in page
    assert "base.html" not in {t.name.rsplit("/", 1)[-1] for t in response.templates}
    # The next visitor still gets the empty form.
    assert "Ann Errorful" not in html(client.get(condition.url))


def test_the_thank_you_of_a_page_not_in_the_cache_renders_the_whole_page(client, condition):
    response = sent_form(client, condition)
    forget_pages()
    thank_you = client.get(response["Location"])
    assert "Request sent" in html(thank_you)
    assert '<meta name="robots" content="noindex">' in html(thank_you)
    assert any("base.html" in t.name for t in thank_you.templates)


def thank_you_location(client, condition, **answers):
    response = sent_form(client, condition, **answers)
    assert response.status_code == 303, html(response)
    return response["Location"], response["Location"].split("reference=")[1].split("#")[0]


def test_the_next_thank_you_is_read_from_the_cache_in_one_query_with_its_own_reference(
    client, condition, django_assert_num_queries
):
    first_url, first_reference = thank_you_location(client, condition)
    first = html(client.get(first_url))  # made from the cached page, and kept
    second_url, second_reference = thank_you_location(client, condition, email="bo@example.com")
    assert second_reference != first_reference
    with django_assert_num_queries(1):  # the content version: not even the page is looked up
        second = client.get(second_url)
    assert second.status_code == 200 and second.templates == []
    assert "no-store" in second["Cache-Control"] and second["X-Robots-Tag"] == "noindex"
    page = html(second)
    assert second_reference in page and first_reference not in page
    assert "WC-REF-" not in page and "wc-token-" not in page
    # The same page as the first patient's, but for the reference and the tokens.
    assert ANY_TOKEN.sub("", page.replace(second_reference, first_reference)) == ANY_TOKEN.sub("", first)


def test_a_cached_thank_you_follows_the_page_unpublished_or_made_private(client, condition):
    url, _reference = thank_you_location(client, condition)
    client.get(url)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=condition.pk),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    made_private = client.get(url)
    assert made_private.status_code == 404  # the view's own answer for a page it cannot show
    assert "Request sent" not in html(made_private)
    PageViewRestriction.objects.all().delete()
    assert client.get(url).status_code == 200
    condition.unpublish()
    assert client.get(url).status_code == 404


def test_a_thank_you_without_a_valid_reference_is_never_read_from_the_cache(client, condition):
    url, reference = thank_you_location(client, condition)
    client.get(url)
    forged = client.get(url.replace(reference, "<script>"))
    assert forged.status_code == 200
    assert "<script>" not in html(forged) and "WC-REF-" not in html(forged)
    assert "Your reference is" not in html(forged)
    assert forged.templates  # rendered: the cached thank-you always shows a reference


def test_a_site_thank_you_template_that_changes_the_reference_is_rendered_whole(
    client, condition, settings, tmp_path
):
    folder = tmp_path / "templates" / "wagtail_conditions" / "blocks"
    folder.mkdir(parents=True)
    (folder / "appointment_thank_you.html").write_text(
        '<div role="status">Sent: {{ reference|lower }}</div>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [str(tmp_path / "templates")]},
        *settings.TEMPLATES[1:],
    ]
    url, reference = thank_you_location(client, condition)
    for _ in range(2):
        page = html(client.get(url))
        assert f"Sent: {reference.lower()}" in page
        assert "wc-ref-" not in page.lower()



# --- A submission's form, kept for the content version (appointments/kept_forms.py) ----------


def test_a_submission_reads_its_form_from_the_cache_in_one_query(
    client, condition, django_assert_num_queries
):
    assert sent_form(client, condition).status_code == 303  # resolves the form, and keeps it
    data = form_data(client, condition, name="Bo Patient", email="bo@example.com")
    # The content version (1), then the insert in its own transaction: savepoint, INSERT, the
    # enabled webhook endpoints (none here), release (4). No page, specific row, settings or
    # locale read, on a page that carries every section block.
    with django_assert_num_queries(5):
        response = client.post(submit_url(), data)
    assert response.status_code == 303, html(response)
    first, second = AppointmentRequest.objects.order_by("pk")
    assert second.name == "Bo Patient"
    for name in (
        "source_page_id",
        "source_page_title",
        "topic",
        "locale_id",
        "block_id",
        "consent_text",
        "recipients",
        "privacy_notice_url",
        "privacy_notice_version",
        "send_acknowledgement",
    ):
        assert getattr(second, name) == getattr(first, name), name
    assert second.source_page_id == condition.pk and second.topic == condition.title


def test_a_kept_form_follows_the_page_made_private_or_unpublished(client, condition):
    assert sent_form(client, condition).status_code == 303
    data = form_data(client, condition)
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=condition.pk),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    assert client.post(submit_url(), data).status_code == 404
    PageViewRestriction.objects.all().delete()
    data = form_data(client, condition)
    condition.unpublish()
    assert client.post(submit_url(), data).status_code == 404
    assert AppointmentRequest.objects.count() == 1


def test_a_kept_form_follows_its_settings_and_the_sites(client, condition):
    assert sent_form(client, condition).status_code == 303
    data = form_data(client, condition)
    publish_form_change(condition, consent_text="I agree to be called back.", recipients="")
    settings_row = AppointmentSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.notification_recipients = "desk@example.org"
    settings_row.save()
    assert client.post(submit_url(), data).status_code == 303
    latest = AppointmentRequest.objects.latest("pk")
    assert latest.consent_text == "I agree to be called back."
    assert latest.recipients == "desk@example.org"


def test_an_invalid_submission_of_a_kept_form_shows_the_whole_page_with_its_errors(
    client, condition
):
    assert sent_form(client, condition).status_code == 303
    data = form_data(client, condition, email="not an address")
    # The page's HTML gone (the form stays kept): the page is rendered whole, from the kept
    # form's page.
    forget_pages()
    response = client.post(submit_url(), data)
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in html(response)
    assert "Trigger point therapy" in html(response)  # a linked therapy, from the page's blocks
    assert "not an address" in html(response)  # the answers kept


def test_a_kept_form_restores_the_page_as_the_database_gives_it(
    condition, django_assert_num_queries
):
    block_id = next(iter_form_blocks(condition))[0]
    page, block, config = pipeline.resolve_form(condition.pk, block_id)
    kept = pickle.loads(pickle.dumps(KeptForm.of(page, block, config)))
    with django_assert_num_queries(0):
        restored, restored_block, restored_config = kept.restore()
        assert restored.locale.language_code == page.locale.language_code
    assert type(restored) is ConditionPage and restored.pk == page.pk
    assert restored_block is block and restored_config == config
    for field in ConditionPage._meta.concrete_fields:
        assert field.value_to_string(restored) == field.value_to_string(page), field.name
    assert not restored._state.adding
    # A model changed since (a deploy that added a field): resolved again, not misread.
    changed = dataclasses.replace(kept, field_names=(*kept.field_names, "added_since"))
    assert changed.restore() is None
    assert dataclasses.replace(kept, block_type="gone").restore() is None


def test_a_kept_form_in_a_cache_that_is_down_costs_no_request(
    client, condition, dead_render_cache, caplog
):
    with caplog.at_level(logging.WARNING, logger="wagtail_conditions.render_cache"):
        for _ in range(2):
            assert sent_form(client, condition).status_code == 303
    assert AppointmentRequest.objects.count() == 2


# --- A fresh form's HTML, kept by what it shows (AppointmentFormBlock.render) ---------------


def form_section(response):
    found = re.search(r'<section class="wc-appointment".*?</section>', html(response), re.S)
    return ANY_TOKEN.sub("", found[0])


def test_a_fresh_forms_html_is_read_back_after_a_change_elsewhere(client, condition, monkeypatch):
    first = views(client, condition.url)[0]
    render_cache.new_content_version()  # a publish elsewhere: the page is rendered again
    built = []
    monkeypatch.setattr(
        AppointmentFormBlock, "get_form", lambda self, *a, **k: built.append(1) or None
    )
    second = views(client, condition.url)[0]
    assert built == []  # the form was not built again: its HTML was read back
    assert second.templates  # the page itself was rendered again
    assert form_section(second) == form_section(first)
    tokens = TOKEN.findall(html(second))
    assert tokens and set(tokens).isdisjoint(TOKEN.findall(html(first)))  # still fresh
    for token in tokens:
        read_form_token(token, page_id=condition.pk, block_id=BLOCK.search(html(second))[1])


def test_a_kept_forms_html_follows_its_privacy_page(client, condition):
    views(client, condition.url)
    home = Site.objects.get(is_default_site=True).root_page
    privacy = home.add_child(instance=Page(title="Privacy", slug="privacy"))
    site_settings = AppointmentSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.privacy_notice = privacy
    site_settings.save()
    assert 'href="/privacy/"' in form_section(views(client, condition.url)[0])
    privacy.slug = "our-privacy-notice"
    publish(privacy)  # moved: its URL changes, nothing of the form's block or settings does
    section = form_section(views(client, condition.url)[0])
    assert 'href="/our-privacy-notice/"' in section and 'href="/privacy/"' not in section


def test_a_form_showing_errors_is_never_kept_nor_read_back(client, condition):
    views(client, condition.url)
    response = sent_form(client, condition, email="not an address")
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in html(response)
    again = views(client, condition.url)[0]
    assert "Enter an email address" not in html(again) and "not an address" not in html(again)


def test_a_subclass_that_changes_the_forms_context_is_rendered_each_time():
    class OwnForm(AppointmentFormBlock):
        def get_context(self, value, parent_context=None):
            return {**super().get_context(value, parent_context), "extra": True}

    request = RequestFactory().get("/")
    setattr(request, render_cache.RENDERING_ATTRIBUTE, True)
    assert OwnForm()._fragment_key({}, Page(pk=1), "b", None, FormState(), request, {}) is None
    assert AppointmentFormBlock()._fragment_key(
        {}, Page(pk=1), "b", None, FormState(), request, {}
    )
