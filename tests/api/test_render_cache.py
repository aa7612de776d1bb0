"""The API's answers kept in the render cache (render_cache.serve_api): API v2 through our
pages endpoint, API v3 through ``cached_api_urls``. The same content version as the pages
decides when an answer is stale; each answer issues its own form tokens and their expiry;
nothing one visitor may see (drafts, staff, the browsable API, an error) is kept."""

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from tests.builders.appointments import configure
from wagtail_conditions import render_cache
from wagtail_conditions.appointments.tokens import read_form_token
from wagtail_conditions.compat import HAS_API_V3
from wagtail_conditions.models import ConditionPage, TherapyPage

TOKEN = re.compile(r'"token":\s*"([^"]+)"')
EXPIRES = re.compile(r'"token_expires_at":\s*"([^"]+)"')
V3 = pytest.mark.skipif(not HAS_API_V3, reason="API v3 is new in Wagtail 8")
FACES = [
    pytest.param("/api/v2/pages/{}/", id="v2"),
    pytest.param("/api/v3/pages/{}/", id="v3", marks=V3),
]


@pytest.fixture
def condition(demo_condition, settings):
    configure(settings, RENDER_CACHE=True)
    caches["default"].clear()
    return ConditionPage.objects.get(pk=demo_condition.pk)


def fetch(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def text(response):
    return response.content.decode()


def kept(response):
    """Whether the answer to ``response``'s request is in the render cache."""
    return caches["default"].get(render_cache.api_cache_key(response.wsgi_request)) is not None


def therapy_of(condition):
    return TherapyPage.objects.get(pk=condition.therapy_links.first().therapy_id)


@pytest.mark.parametrize("face", FACES)
def test_the_second_answer_is_kept_with_its_own_tokens(client, condition, face):
    url = face.format(condition.pk)
    first, computed = fetch(client, url)
    second, kept = fetch(client, url)
    assert first.status_code == second.status_code == 200
    assert kept == 1 < computed  # the content version only
    assert second["Content-Type"].startswith("application/json")
    tokens = [TOKEN.findall(text(r)) for r in (first, second)]
    assert tokens[1] and len(tokens[0]) == len(tokens[1])
    assert set(tokens[0]).isdisjoint(tokens[1])
    data = json.loads(text(second))
    block = re.search(r'"block":\s*"([^"]+)"', text(second))[1]
    for token in tokens[1]:
        read_form_token(token, page_id=condition.pk, block_id=block)
    assert all(not value.startswith("wc-") for value in EXPIRES.findall(text(second)))
    assert "wc-token-" not in text(second) and "wc-expires-" not in text(second)
    # Apart from the tokens and their expiry, the same answer.
    strip = lambda r: EXPIRES.sub("", TOKEN.sub("", text(r)))  # noqa: E731
    assert strip(first) == strip(second)
    assert data["id"] == condition.pk


@pytest.mark.parametrize(
    "face",
    [
        pytest.param("/api/v2/pages/?type=wagtail_conditions.ConditionPage&fields=*", id="v2"),
        pytest.param("/api/v3/pages/?type=wagtail_conditions.ConditionPage", id="v3", marks=V3),
    ],
)
def test_a_listing_is_kept_and_shows_a_renamed_therapy_at_once(client, condition, face):
    fetch(client, face)
    assert fetch(client, face)[1] == 1
    detail = f"/api/v2/pages/{condition.pk}/"
    fetch(client, detail)
    therapy = therapy_of(condition)
    therapy.title = "Cold or warm packs"
    therapy.save_revision().publish()
    assert "Cold or warm packs" in text(client.get(detail))
    listing, queries = fetch(client, face)
    assert queries > 1  # answered afresh
    if "fields=*" in face:
        assert "Cold or warm packs" in text(listing)


def test_each_query_string_is_kept_apart(client, condition):
    base = "/api/v2/pages/?type=wagtail_conditions.ConditionPage"
    plain = text(client.get(base))
    with_areas = text(client.get(base + "&fields=body_areas"))
    assert '"body_areas"' in with_areas and '"body_areas"' not in plain
    assert text(client.get(base)) == plain


def test_a_condition_unpublished_leaves_its_kept_answers(client, condition):
    url = f"/api/v2/pages/{condition.pk}/"
    assert client.get(url).status_code == 200
    condition.unpublish()
    assert client.get(url).status_code == 404


def test_an_error_is_never_kept(client, condition):
    url = "/api/v2/pages/?type=no.Such"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 400
        assert not kept(response)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_AUTHORIZATION": "Bearer anything"}, id="authorization"),
        pytest.param({"HTTP_ACCEPT": "text/html"}, id="browsable-api"),
    ],
)
def test_nothing_for_one_visitor_is_kept(client, condition, headers):
    url = f"/api/v2/pages/{condition.pk}/"
    for _ in range(2):
        response, queries = fetch(client, url, **headers)
        assert queries > 1, "answered from the cache"
    assert response.status_code == 200


def test_a_logged_in_editor_is_answered_afresh(client, condition, admin_user):
    url = f"/api/v2/pages/{condition.pk}/"
    client.get(url)
    client.force_login(admin_user)
    assert fetch(client, url)[1] > 1


def test_a_long_query_string_is_answered_afresh(client, condition):
    url = "/api/v2/pages/?search=" + "a" * (render_cache.MAX_API_QUERY_LENGTH + 1)
    for _ in range(2):
        assert fetch(client, url)[1] > 1


@V3
def test_api_v3_answers_outside_pages_are_wagtails_own(client, condition):
    for _ in range(2):
        response = client.get("/api/v3/openapi.json")
        assert response.status_code == 200
        assert not kept(response)
    assert kept(client.get(f"/api/v3/pages/{condition.pk}/"))


def test_the_setting_turns_it_off(client, condition, settings):
    configure(settings, RENDER_CACHE=False)
    url = f"/api/v2/pages/{condition.pk}/"
    client.get(url)
    assert fetch(client, url)[1] > 1


def test_a_cache_that_is_down_costs_no_answer(client, condition, dead_render_cache):
    for _ in range(2):
        response = client.get(f"/api/v2/pages/{condition.pk}/")
        assert response.status_code == 200
        assert TOKEN.search(text(response)) and "wc-token-" not in text(response)


def test_a_page_made_private_leaves_its_kept_answers(client, condition):
    from wagtail.models import PageViewRestriction

    url = f"/api/v2/pages/{condition.pk}/"
    assert client.get(url).status_code == 200
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=condition.pk),
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    assert client.get(url).status_code == 404
