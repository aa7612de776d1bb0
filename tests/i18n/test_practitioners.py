"""Practitioners are translatable snippets: a page names its reviewer in its own language (the
review line, the structured data's ``reviewedBy`` and the API's ``reviewed_by``), whether the
page was copied before or after the practitioner was translated, and keeps the one stored when
there is no translation. With ``wagtail.contrib.simple_translation``; see conftest.py."""

import datetime
import json
import re

import pytest
from django.db.models import prefetch_related_objects
from django.urls import reverse

from tests.builders.i18n import translate
from wagtail_conditions.i18n import localise_reviewers, page_reviewer
from wagtail_conditions.models import ConditionPage, Practitioner, TherapyPage

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
REVIEW_LINE = re.compile(r'<p class="wc-review__by">(.*?)</p>', re.S)


@pytest.fixture
def amara(clinic):
    return Practitioner.objects.create(
        name="Dr Amara Okafor",
        credentials="DC, MSc",
        job_title="Chiropractor",
        bio="Amara has treated back and neck pain for 15 years.",
    )


def translate_practitioner(practitioner, locale, **changes):
    translation = practitioner.copy_for_translation(locale)
    for name, value in changes.items():
        setattr(translation, name, value)
    translation.save()
    return translation


@pytest.fixture
def dra_amara(clinic, amara):
    return translate_practitioner(
        amara,
        clinic.es,
        name="Dra. Amara Okafor",
        job_title="Quiropráctica",
        bio="Amara trata el dolor de espalda y de cuello desde hace 15 años.",
    )


def review(page, practitioner):
    """``page`` reviewed by ``practitioner`` (stored as given), published."""
    page = type(page).objects.get(pk=page.pk)
    page.reviewed_by = practitioner
    page.last_reviewed = datetime.date(2026, 11, 2)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def review_line(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    lines = REVIEW_LINE.findall(response.content.decode())
    assert len(lines) == 1
    return " ".join(lines[0].split())


def reviewed_by_json_ld(client, page):
    (script,) = SCRIPT.findall(client.get(page.url).content.decode())
    graph = json.loads(script)["@graph"]
    return next(node for node in graph if node["@type"] == "MedicalWebPage")["reviewedBy"]


def test_the_spanish_page_names_the_spanish_practitioner(client, clinic, amara, dra_amara):
    """The Spanish page still stores the English practitioner (translated before they were):
    read time shows their Spanish translation, everywhere the page names them."""
    espasmos = review(clinic.espasmos, amara)
    spasms = review(clinic.spasms, amara)
    assert espasmos.reviewed_by == amara
    assert espasmos.get_reviewer() == dra_amara

    assert "Dra. Amara Okafor, DC, MSc" in review_line(client, espasmos)
    assert reviewed_by_json_ld(client, espasmos) == {
        "@type": "Person",
        "name": "Dra. Amara Okafor",
        "jobTitle": "Quiropráctica",
        "honorificSuffix": "DC, MSc",
    }
    detail = client.get(f"/api/v2/pages/{espasmos.pk}/").json()
    assert detail["reviewed_by"] == {
        "id": dra_amara.pk,
        "name": "Dra. Amara Okafor",
        "credentials": "DC, MSc",
    }
    assert detail["structured_data"]["@graph"][0]["reviewedBy"]["jobTitle"] == "Quiropráctica"

    # The English page names the English practitioner.
    assert "Dr Amara Okafor, DC, MSc" in review_line(client, spasms)
    assert reviewed_by_json_ld(client, spasms)["jobTitle"] == "Chiropractor"
    listing = client.get(
        "/api/v2/pages/",
        {"type": "wagtail_conditions.ConditionPage", "fields": "reviewed_by"},
    ).json()
    by_id = {item["id"]: item["reviewed_by"] for item in listing["items"]}
    assert by_id[espasmos.pk]["id"] == dra_amara.pk
    assert by_id[spasms.pk]["id"] == amara.pk
    assert by_id[clinic.strain.pk] is None


def test_a_practitioner_without_a_translation_is_named_as_stored(client, clinic, amara):
    grace = Practitioner.objects.create(name="Grace Whitfield", job_title="Massage therapist")
    espasmos = review(clinic.espasmos, grace)
    assert espasmos.get_reviewer() == grace
    assert "Grace Whitfield" in review_line(client, espasmos)
    assert reviewed_by_json_ld(client, espasmos)["jobTitle"] == "Massage therapist"
    detail = client.get(f"/api/v2/pages/{espasmos.pk}/").json()
    assert detail["reviewed_by"]["id"] == grace.pk
    # A French translation of Grace does not stand in for a Spanish one.
    fr = translate(clinic.massage, "fr", title="Massage (fr)", slug="massage-fr").locale
    translate_practitioner(grace, fr, job_title="Massothérapeute")
    espasmos = ConditionPage.objects.get(pk=espasmos.pk)
    assert espasmos.get_reviewer() == grace


def test_copying_for_translation_relinks_the_reviewer(clinic, amara, dra_amara):
    """Condition and therapy pages copied for translation store the Spanish practitioner."""
    strain = review(clinic.strain, amara)
    ultrasound = review(clinic.ultrasound, amara)
    cuello = translate(strain, "es", title="Distensión cervical", slug="distension")
    ultrasonido = translate(ultrasound, "es", title="Ultrasonido", slug="ultrasonido")
    assert ConditionPage.objects.get(pk=cuello.pk).reviewed_by == dra_amara
    assert TherapyPage.objects.get(pk=ultrasonido.pk).reviewed_by == dra_amara
    # The editor opens the relinked page too.
    draft = ConditionPage.objects.get(pk=cuello.pk).get_latest_revision_as_object()
    assert draft.reviewed_by_id == dra_amara.pk
    # The source pages are untouched.
    assert ConditionPage.objects.get(pk=clinic.strain.pk).reviewed_by == amara


def test_copying_keeps_an_untranslated_reviewer(clinic, amara):
    ultrasound = review(clinic.ultrasound, amara)
    ultrasonido = translate(ultrasound, "es", title="Ultrasonido", slug="ultrasonido")
    assert TherapyPage.objects.get(pk=ultrasonido.pk).reviewed_by == amara


def test_simple_translation_copies_the_page_with_the_reviewer_relinked(
    admin_client, clinic, amara, dra_amara
):
    review(clinic.strain, amara)
    url = reverse("simple_translation:submit_page_translation", args=[clinic.strain.pk])
    assert admin_client.post(url, {"locales": [clinic.es.pk]}).status_code == 302
    assert clinic.strain.get_translation(clinic.es).specific.reviewed_by == dra_amara


def test_practitioners_are_translatable_snippets(admin_client, clinic, amara, dra_amara):
    listing = reverse("wagtailsnippets_wagtail_conditions_practitioner:list")
    html = admin_client.get(listing, {"locale": "es"}).content.decode()
    assert "Dra. Amara Okafor" in html and "Dr Amara Okafor" not in html
    html = admin_client.get(listing, {"locale": "en"}).content.decode()
    assert "Dr Amara Okafor" in html and "Dra. Amara Okafor" not in html
    edit = reverse("wagtailsnippets_wagtail_conditions_practitioner:edit", args=[dra_amara.pk])
    assert admin_client.get(edit).status_code == 200

    grace = Practitioner.objects.create(name="Grace Whitfield", job_title="Massage therapist")
    translate_url = reverse(
        "simple_translation:submit_snippet_translation",
        args=["wagtail_conditions", "practitioner", grace.pk],
    )
    assert admin_client.post(translate_url, {"locales": [clinic.es.pk]}).status_code == 302
    copy = grace.get_translation(clinic.es)
    assert (copy.name, copy.job_title) == ("Grace Whitfield", "Massage therapist")
    assert copy.translation_key == grace.translation_key


def test_the_reviewers_translations_cost_one_query_for_any_number_of_pages(
    clinic, amara, dra_amara, django_assert_num_queries
):
    grace = Practitioner.objects.create(name="Grace Whitfield")
    translate_practitioner(grace, clinic.es, job_title="Masajista")
    pages = [review(clinic.espasmos, amara)]
    for number in range(3):
        copy = clinic.strain.copy(
            update_attrs={"title": f"Strain {number}", "slug": f"strain-{number}"}, keep_live=True
        )
        pages.append(review(translate(copy, "es", slug=f"distension-{number}"), grace))

    def fetch(pages):
        pages = [ConditionPage.objects.get(pk=page.pk) for page in pages]
        prefetch_related_objects(pages, "reviewed_by")
        with django_assert_num_queries(1):
            localise_reviewers(pages)
        with django_assert_num_queries(0):
            return [page_reviewer(page) for page in pages]

    assert fetch(pages[:1]) == [dra_amara]
    assert [reviewer.locale_id for reviewer in fetch(pages)] == [clinic.es.pk] * 4


def test_no_query_when_localisation_is_off(settings, clinic, amara, django_assert_num_queries):
    espasmos = review(clinic.espasmos, amara)
    settings.WAGTAIL_I18N_ENABLED = False
    page = ConditionPage.objects.get(pk=espasmos.pk)
    prefetch_related_objects([page], "reviewed_by")
    with django_assert_num_queries(0):
        assert page.get_reviewer() == amara
