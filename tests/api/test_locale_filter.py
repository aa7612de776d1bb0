"""
The ``locale`` and ``translation_of`` filters of the page listings with Wagtail's localisation
on: API v2 (our pages endpoint) and API v3 (Wagtail 8's own). A locale the site does not have
is a 400 in API v2, which names the locales there are.
"""

from importlib.util import find_spec

import pytest

from tests.builders.i18n import multilingual_site, translate

pytestmark = pytest.mark.django_db

CONDITIONS = "type=wagtail_conditions.ConditionPage"


@pytest.fixture
def bilingual(demo_condition):
    with multilingual_site():
        espasmos = translate(
            demo_condition, "es", slug="espasmos-musculares", title="Espasmos musculares"
        )
        yield demo_condition, espasmos


@pytest.mark.parametrize("query", ["", f"&{CONDITIONS}"])
def test_v2_locale_filter(get, bilingual, query):
    english, espasmos = bilingual
    spanish = get(f"/api/v2/pages/?locale=es{query}")
    # The Spanish condition, and without a type its parents, translated to give it a place.
    expected = {espasmos.pk} | (set() if query else {p.pk for p in espasmos.get_ancestors()[1:]})
    assert {item["id"] for item in spanish["items"]} == expected
    assert {item["meta"]["locale"] for item in spanish["items"]} == {"es"}
    english_listing = get(f"/api/v2/pages/?locale=en{query}")
    assert {item["meta"]["locale"] for item in english_listing["items"]} == {"en"}
    assert english.pk in [item["id"] for item in english_listing["items"]]
    assert espasmos.pk not in [item["id"] for item in english_listing["items"]]


def test_v2_translation_of(get, bilingual):
    english, espasmos = bilingual
    listing = get(f"/api/v2/pages/?translation_of={english.pk}")
    assert [item["id"] for item in listing["items"]] == [espasmos.pk]
    listing = get(f"/api/v2/pages/?translation_of={english.pk}&locale=es&{CONDITIONS}")
    assert [item["id"] for item in listing["items"]] == [espasmos.pk]


def test_v2_unknown_locale_is_a_bad_request(client, bilingual):
    response = client.get("/api/v2/pages/?locale=xx")
    assert response.status_code == 400
    assert response.json() == {"message": "locale 'xx' doesn't exist; the locales are: en, es"}


def test_v2_locale_filter_with_child_of(get, bilingual):
    """``child_of`` with ``locale`` keeps Wagtail's listing of a parent's children."""
    english, espasmos = bilingual
    listing = get(f"/api/v2/pages/?child_of={espasmos.get_parent().pk}&locale=es")
    assert [item["id"] for item in listing["items"]] == [espasmos.pk]


v3 = pytest.mark.skipif(find_spec("wagtail.api.v3") is None, reason="API v3 is Wagtail 8's")


@v3
def test_v3_locale_filter(get, bilingual):
    english, espasmos = bilingual
    spanish = get(f"/api/v3/pages/?locale=es&{CONDITIONS}")
    assert [item["id"] for item in spanish["items"]] == [espasmos.pk]
    english_listing = get(f"/api/v3/pages/?locale=en&{CONDITIONS}")
    assert [item["id"] for item in english_listing["items"]] == [english.pk]
    translations = get(f"/api/v3/pages/?translation_of={english.pk}")
    assert [item["id"] for item in translations["items"]] == [espasmos.pk]


@v3
def test_v3_unknown_locale(client, bilingual):
    """API v3 is Wagtail's own router: a locale the site does not have is its problem
    document (RFC 9457) saying so, with status 404."""
    response = client.get("/api/v3/pages/?locale=xx")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No Locale matches the given query."
