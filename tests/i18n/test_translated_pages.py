"""Translated condition pages link translated therapies and body areas; indexes, the A–Z list,
body-area filters, search and "conditions treated" keep to the page's locale. With
``wagtail.contrib.simple_translation`` (tests.settings); see conftest.py for the site."""

import pytest
from django.urls import reverse

from tests.builders.i18n import translate
from wagtail_conditions.models import ConditionPage


def therapies_of(condition):
    return [link.therapy for link in condition.get_therapy_links()]


def test_copying_for_translation_relinks_what_is_translated(clinic):
    """The copy's stored links point at "Masaje"; "Ultrasound therapy", which has no Spanish
    page, stays linked in English. Its body areas are Spanish where they are translated."""
    stored = [link.therapy for link in clinic.espasmos.therapy_links.order_by("sort_order")]
    assert [page.specific for page in stored] == [clinic.masaje, clinic.ultrasound]
    assert set(clinic.espasmos.body_areas.all()) == {clinic.espalda, clinic.neck}
    # The source page is untouched.
    assert therapies_of(clinic.spasms) == [clinic.massage, clinic.ultrasound]
    assert set(clinic.spasms.body_areas.all()) == {clinic.back, clinic.neck}
    # The editor opens the relinked page (its latest revision), not the copied links.
    draft = clinic.espasmos.get_latest_revision_as_object()
    assert [link.therapy_id for link in draft.therapy_links.all()] == [
        clinic.masaje.pk,
        clinic.ultrasound.pk,
    ]


def test_the_spanish_page_links_the_spanish_therapy(client, clinic):
    response = client.get(clinic.espasmos.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert clinic.espasmos.url.startswith("/es/")
    assert f'href="{clinic.masaje.url}"' in html
    assert f'href="{clinic.massage.url}"' not in html
    # No Spanish page yet: the English one is kept rather than dropping the therapy.
    assert f'href="{clinic.ultrasound.url}"' in html


def test_a_therapy_translated_later_is_linked_when_published(
    client, clinic, django_assert_num_queries
):
    """Read time resolves a link stored in English to the live Spanish translation (one query
    for all such links), so the condition need not be translated again."""
    ultrasonido = translate(clinic.ultrasound, "es", title="Ultrasonido", slug="ultrasonido")
    espasmos = ConditionPage.objects.get(pk=clinic.espasmos.pk)
    assert espasmos.therapy_links.get(sort_order=1).therapy_id == clinic.ultrasound.pk
    assert therapies_of(espasmos) == [clinic.masaje, ultrasonido]
    html = client.get(espasmos.url).content.decode()
    assert f'href="{ultrasonido.url}"' in html
    assert f'href="{clinic.ultrasound.url}"' not in html
    # The Spanish therapy lists the Spanish condition; the English one the English conditions.
    assert list(ultrasonido.get_conditions()) == [espasmos]
    assert list(clinic.ultrasound.get_conditions()) == [clinic.spasms]
    assert "Espasmos musculares" in client.get(ultrasonido.url).content.decode()
    # Unpublished, the translation is not linked: the English page is, again.
    ultrasonido.unpublish()
    assert therapies_of(ConditionPage.objects.get(pk=espasmos.pk)) == [
        clinic.masaje,
        clinic.ultrasound,
    ]


def test_conditions_treated_are_in_the_therapy_page_locale(client, clinic):
    assert list(clinic.masaje.get_conditions()) == [clinic.espasmos]
    assert list(clinic.massage.get_conditions()) == [clinic.spasms, clinic.strain]
    html = client.get(clinic.masaje.url).content.decode()
    assert "Espasmos musculares" in html
    assert "Muscle spasms" not in html and "Neck strain" not in html


def test_the_api_gives_the_locale_links(client, clinic):
    ultrasonido = translate(clinic.ultrasound, "es", title="Ultrasonido", slug="ultrasonido")
    detail = client.get(f"/api/v2/pages/{clinic.espasmos.pk}/").json()
    assert [item["id"] for item in detail["therapies"]] == [clinic.masaje.pk, ultrasonido.pk]
    assert {area["slug"] for area in detail["body_areas"]} == {"espalda", "neck"}
    listing = client.get(
        "/api/v2/pages/",
        {"type": "wagtail_conditions.ConditionPage", "fields": "therapies,body_areas"},
    ).json()
    by_id = {item["id"]: item for item in listing["items"]}
    assert [t["id"] for t in by_id[clinic.espasmos.pk]["therapies"]] == [
        clinic.masaje.pk,
        ultrasonido.pk,
    ]
    assert [t["id"] for t in by_id[clinic.spasms.pk]["therapies"]] == [
        clinic.massage.pk,
        clinic.ultrasound.pk,
    ]
    therapy = client.get(f"/api/v2/pages/{ultrasonido.pk}/").json()
    assert [item["id"] for item in therapy["conditions"]] == [clinic.espasmos.pk]


def test_listing_links_across_locales_costs_one_query_whatever_the_number(
    clinic, django_assert_num_queries
):
    """Resolving links for a listing is batched: one query per locale, not per page or link."""
    espasmos_pages = [clinic.espasmos]
    for number in range(3):
        source = clinic.tree.conditions.get_children().specific().get(slug="muscle-spasms")
        copy = source.copy(
            update_attrs={"title": f"Spasms {number}", "slug": f"spasms-{number}"},
            keep_live=True,
        )
        espasmos_pages.append(translate(copy, "es", slug=f"espasmos-{number}"))

    def prefetch(pages):
        pages = [ConditionPage.objects.get(pk=page.pk) for page in pages]
        # Body areas and links; then the Spanish therapies and the Spanish body areas, as
        # "Neck" (no Spanish version) is still linked in English.
        with django_assert_num_queries(2 + 2) as captured:
            ConditionPage.prefetch_api_data(pages)
        return captured

    one = prefetch(espasmos_pages[:1])
    four = prefetch(espasmos_pages)
    assert len(one.captured_queries) == len(four.captured_queries)


def test_the_indexes_list_their_own_locale(client, clinic):
    es_index = clinic.espasmos.get_parent().specific
    assert es_index.locale == clinic.es
    html = client.get(es_index.url).content.decode()
    assert "Espasmos musculares" in html
    assert "Muscle spasms" not in html and "Neck strain" not in html
    context = es_index.get_context(_get(client, es_index.url))
    assert [page for _letter, pages in context["letter_groups"] for page in pages] == [
        clinic.espasmos
    ]
    assert [letter for letter, on in context["alphabet"] if on] == ["E"]
    assert set(context["body_areas"]) == {clinic.espalda}  # "Neck" has no Spanish version
    en = clinic.tree.conditions.get_context(_get(client, clinic.tree.conditions.url))
    assert {p for _l, pages in en["letter_groups"] for p in pages} == {clinic.spasms, clinic.strain}
    assert set(en["body_areas"]) == {clinic.back, clinic.neck}
    es_therapies = clinic.masaje.get_parent().specific
    html = client.get(es_therapies.url).content.decode()
    assert "Masaje" in html and "Ultrasound therapy" not in html


def _get(client, url, **params):
    from django.test import RequestFactory

    return RequestFactory().get(url, params)


def test_the_body_area_filter_resolves_in_the_index_locale(clinic):
    es_index = clinic.espasmos.get_parent().specific
    context = es_index.get_context(_get(None, es_index.url, area="espalda"))
    assert context["current_area"] == clinic.espalda
    assert list(context["conditions"].object_list) == [clinic.espasmos]
    # The English slug is not a Spanish area: the list is not filtered by it.
    context = es_index.get_context(_get(None, es_index.url, area="back"))
    assert context["current_area"] is None and not context["is_filtered"]
    # A condition still in an English area is filed under its translation.
    clinic.espasmos.body_areas.set([clinic.back])
    context = es_index.get_context(_get(None, es_index.url, area="espalda"))
    assert list(context["conditions"].object_list) == [clinic.espasmos]
    context = clinic.tree.conditions.get_context(_get(None, "/", area="espalda"))
    assert context["current_area"] is None


def test_search_keeps_to_the_index_locale(clinic):
    es_index = clinic.espasmos.get_parent().specific
    assert list(es_index.search_conditions("espasmos")) == [clinic.espasmos.pk]
    assert es_index.search_conditions("strain") == {}  # "Neck strain" is in English only
    assert clinic.tree.conditions.search_conditions("espasmos") == {}
    context = es_index.get_context(_get(None, es_index.url, q="musculares"))
    assert context["ranked_results"] == [clinic.espasmos]


def test_simple_translation_copies_with_links(admin_client, clinic):
    """simple_translation's "Translate" action: the French copy keeps the English therapies
    (none is in French) and links the French one once it exists."""
    masage_fr = translate(clinic.massage, "fr", title="Massage (fr)", slug="massage-fr")
    translate(clinic.tree.conditions, "fr")
    fr = masage_fr.locale
    url = reverse("simple_translation:submit_page_translation", args=[clinic.spasms.pk])
    response = admin_client.post(url, {"locales": [fr.pk]})
    assert response.status_code == 302
    spasmes = clinic.spasms.get_translation(fr).specific
    assert [link.therapy_id for link in spasmes.therapy_links.order_by("sort_order")] == [
        masage_fr.pk,
        clinic.ultrasound.pk,
    ]
    assert set(spasmes.body_areas.all()) == {clinic.back, clinic.neck}  # no French areas


def test_the_editor_is_told_which_therapies_are_not_translated(admin_client, clinic):
    html = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[clinic.espasmos.pk])
    ).content.decode()
    assert "have no published translation in this page" in html
    assert "Ultrasound therapy (English)" in html
    assert "Massage (English)" not in html
    html = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[clinic.spasms.pk])
    ).content.decode()
    assert "have no published translation in this page" not in html


def test_the_body_area_choices_are_the_page_locale(admin_client, clinic):
    def choices(url):
        form = admin_client.get(url).context["form"]
        return set(form.fields["body_areas"].queryset)

    assert choices(reverse("wagtailadmin_pages:edit", args=[clinic.spasms.pk])) == {
        clinic.back,
        clinic.neck,
    }
    # The Spanish page: Spanish areas, and "Neck", which it has (no Spanish version yet).
    assert choices(reverse("wagtailadmin_pages:edit", args=[clinic.espasmos.pk])) == {
        clinic.espalda,
        clinic.neck,
    }
    es_index = clinic.espasmos.get_parent()
    add = reverse(
        "wagtailadmin_pages:add",
        args=["wagtail_conditions", "conditionpage", es_index.pk],
    )
    assert choices(add) == {clinic.espalda}


def test_body_areas_are_translatable_snippets(admin_client, clinic):
    listing = reverse("wagtailsnippets_wagtail_conditions_bodyarea:list")
    html = admin_client.get(listing, {"locale": "es"}).content.decode()
    assert "Espalda" in html and ">Back<" not in html
    html = admin_client.get(listing, {"locale": "en"}).content.decode()
    assert "Back" in html and "Espalda" not in html
    url = reverse("wagtailsnippets_wagtail_conditions_bodyarea:edit", args=[clinic.neck.pk])
    assert admin_client.get(url).status_code == 200
    translate_url = reverse(
        "simple_translation:submit_snippet_translation",
        args=["wagtail_conditions", "bodyarea", clinic.neck.pk],
    )
    response = admin_client.post(translate_url, {"locales": [clinic.es.pk]})
    assert response.status_code == 302
    assert clinic.neck.get_translation(clinic.es).name == "Neck"


@pytest.mark.parametrize("language", ["es"])
def test_condition_pages_state_their_language(client, clinic, language):
    html = client.get(clinic.espasmos.url).content.decode()
    assert f'lang="{language}"' in html
