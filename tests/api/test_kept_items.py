"""API v2 answers served again across content versions, page by page
(render_cache.kept_api_items): after a publish, a listing serializes only the pages whose
JSON may show it, and a detail of a page that nothing changed for is read back. Every change a
page's JSON shows still shows in the next answer. Each test runs on the local-memory cache
and on Redis (the fixtures of tests/pages/test_render_cache.py)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from tests.builders.appointments import configure
from tests.pages import test_render_cache as cached
from tests.pages.test_render_cache import first_therapy, publish
from wagtail_conditions import render_cache
from wagtail_conditions.api.pages import PagesAPIViewSet
from wagtail_conditions.models import ConditionPage

render_cache_backend = cached.render_cache_backend
condition = cached.condition

TOKENS = re.compile(r'"(token|token_expires_at)":\s*"[^"]*"')
LISTING = "/api/v2/pages/?child_of={}&type=wagtail_conditions.ConditionPage&fields=*"


@pytest.fixture
def serialized(monkeypatch):
    """The titles of the pages each answer serialized, in a list per answer."""
    calls = []
    many, one = PagesAPIViewSet._serialize_many, PagesAPIViewSet._serialize_one

    def record(original):
        def wrapper(self, pages):
            calls.append([page.title for page in pages])
            return original(self, pages)

        return wrapper

    monkeypatch.setattr(PagesAPIViewSet, "_serialize_many", record(many))
    monkeypatch.setattr(PagesAPIViewSet, "_serialize_one", record(one))
    return calls


@pytest.fixture
def listed(condition):
    """The condition and two more under its index, published."""
    index = condition.get_parent()
    for number in (1, 2):
        index.add_child(
            instance=ConditionPage(title=f"Extra {number}", slug=f"extra-{number}", summary="S.")
        )
    return ConditionPage.objects.child_of(index).order_by("path")


def answer(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return json.loads(response.content), len(queries)


def without_tokens(client, url):
    return TOKENS.sub("", client.get(url).content.decode())


def computed(client, url, settings):
    """The answer worked out from scratch (the render cache off)."""
    configure(settings, RENDER_CACHE=False)
    try:
        return without_tokens(client, url)
    finally:
        configure(settings, RENDER_CACHE=True)


def titles(data):
    return [item["title"] for item in data["items"]]


def test_a_listed_page_published_is_the_only_one_serialized_again(
    client, listed, serialized, settings
):
    url = LISTING.format(listed[0].get_parent().pk)
    first, _ = answer(client, url)
    assert serialized == [titles(first)] and len(serialized[0]) == 3
    extra = listed.get(slug="extra-1")
    extra.title = "Extra one"
    publish(extra)
    second, _ = answer(client, url)
    assert serialized[1] == ["Extra one"]
    assert "Extra one" in titles(second)
    assert without_tokens(client, url) == computed(client, url, settings)


def test_a_publish_outside_the_listing_serializes_nothing(client, listed, serialized):
    home = listed[0].get_parent().get_parent()
    elsewhere = home.add_child(instance=Page(title="Elsewhere", slug="elsewhere-deep"))
    deeper = elsewhere.add_child(instance=Page(title="Deeper", slug="deeper"))
    url = LISTING.format(listed[0].get_parent().pk)
    first, _ = answer(client, url)
    publish(deeper)  # below the top of the tree, where menus list pages
    with CaptureQueriesContext(connection) as queries:
        second = json.loads(client.get(url).content)
    assert serialized == [titles(first)]  # nothing serialized the second time
    assert TOKENS.sub("", json.dumps(second)) == TOKENS.sub("", json.dumps(first))
    # The listing's own queries and the changes since; none of the serializers' rows.
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "contentchange" in read
    assert "conditiontherapy" not in read and "bodyarea" not in read


def test_a_new_page_in_the_listing_is_listed_and_counted(client, listed, serialized):
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    listed[0].get_parent().add_child(
        instance=ConditionPage(title="Zz new", slug="zz-new", summary="New.")
    )
    data, _ = answer(client, url)
    assert titles(data)[-1] == "Zz new" and data["meta"]["total_count"] == 4
    assert serialized[-1] == ["Zz new"]


def test_a_therapy_renamed_shows_on_every_listed_condition_that_links_it(
    client, listed, serialized, settings
):
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    therapy = first_therapy(listed.get(pk=listed[0].pk))
    therapy.title = "Cold or warm packs"
    publish(therapy)
    data, _ = answer(client, url)
    linked = [item for item in data["items"] if item["therapies"]]
    assert linked and all(
        "Cold or warm packs" in [t["title"] for t in item["therapies"]] for item in linked
    )
    assert without_tokens(client, url) == computed(client, url, settings)


def test_a_page_of_the_listing_reuses_what_another_page_of_it_kept(client, listed, serialized):
    index = listed[0].get_parent().pk
    answer(client, LISTING.format(index) + "&limit=2")
    publish(listed.get(slug="extra-2"))  # a new version, touching the third page only
    data, _ = answer(client, LISTING.format(index) + "&limit=2&offset=1")
    assert serialized[-1] == ["Extra 2"]  # the second page read back, the third serialized
    assert len(data["items"]) == 2


def test_another_choice_of_fields_is_kept_apart(client, listed, serialized):
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    publish(listed.get(slug="extra-2"))
    data, _ = answer(client, url.replace("fields=*", "fields=summary"))
    assert len(serialized[-1]) == 3 and "therapies" not in data["items"][0]


def test_a_detail_is_read_back_after_a_publish_elsewhere(client, condition, serialized):
    url = f"/api/v2/pages/{condition.pk}/"
    first, _ = answer(client, url)
    index = condition.get_parent()
    publish(index.add_child(instance=ConditionPage(title="Other", slug="other", summary="S.")))
    second, _ = answer(client, url)
    assert len(serialized) == 1
    assert TOKENS.sub("", json.dumps(second)) == TOKENS.sub("", json.dumps(first))


def test_a_detail_shows_its_parent_renamed(client, condition, serialized):
    url = f"/api/v2/pages/{condition.pk}/"
    answer(client, url)
    index = condition.get_parent().specific
    index.title = "What we treat"
    publish(index)
    data, _ = answer(client, url)
    assert data["meta"]["parent"]["title"] == "What we treat"
    assert len(serialized) == 2


def test_a_detail_shows_a_linked_therapy_unpublished(client, condition, serialized):
    url = f"/api/v2/pages/{condition.pk}/"
    first, _ = answer(client, url)
    therapy = first_therapy(condition)
    assert therapy.pk in [t["id"] for t in first["therapies"]]
    therapy.unpublish()
    data, _ = answer(client, url)
    assert therapy.pk not in [t["id"] for t in data["therapies"]]


def test_a_site_wide_change_serializes_every_page_again(client, listed, serialized):
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    render_cache.new_content_version()
    answer(client, url)
    assert len(serialized) == 2 and len(serialized[1]) == 3


def test_the_setting_turns_it_off(client, listed, serialized, settings):
    configure(settings, RENDER_CACHE=True, RENDER_CACHE_DEPENDENCIES=False)
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    publish(listed.get(slug="extra-2"))
    answer(client, url)
    assert [len(call) for call in serialized] == [3, 3]


def test_staff_answers_are_serialized_afresh_and_keep_nothing(
    client, listed, serialized, admin_user
):
    client.force_login(admin_user)
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    answer(client, url)
    client.logout()
    answer(client, url)
    assert [len(call) for call in serialized] == [3, 3, 3]


def test_items_kept_too_long_are_serialized_again(client, listed, serialized, monkeypatch):
    url = LISTING.format(listed[0].get_parent().pk)
    answer(client, url)
    publish(listed.get(slug="extra-2"))
    later = render_cache.time.time() + render_cache.conf.RENDER_CACHE_TIMEOUT
    monkeypatch.setattr(render_cache.time, "time", lambda: later)
    answer(client, url)
    assert [len(call) for call in serialized] == [3, 3]


def test_a_cache_that_is_down_costs_no_answer(client, listed, serialized, dead_render_cache):
    url = LISTING.format(listed[0].get_parent().pk)
    for _ in range(2):
        data, _ = answer(client, url)
        assert len(data["items"]) == 3
