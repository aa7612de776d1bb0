"""Translating a condition page with wagtail-localize (the real package): run with
tests.settings_localize (``python -m pytest --ds=tests.settings_localize -m localize
tests/i18n``; tox's SQLite envs do). wagtail-localize re-copies a page's links to other pages
from the source page on every sync (it synchronises foreign keys to pages and localises them
at run time); the pages still link the same-locale translations, resolved when read."""

import datetime

import pytest
from django.apps import apps
from wagtail.models import Locale

from tests.i18n.conftest import translate_area
from wagtail_conditions.models import ConditionPage, Practitioner

pytestmark = [
    pytest.mark.localize,
    pytest.mark.skipif(
        not apps.is_installed("wagtail_localize"),
        reason="wagtail-localize is not installed: run with --ds=tests.settings_localize",
    ),
]


def localize(page, language_code, capture):
    """Translate ``page`` with wagtail-localize (its parents too), publish it, and return the
    translation. Strings not translated yet keep the source text, as its editor allows."""
    from wagtail_localize.models import TranslationSource

    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    source, created = TranslationSource.get_or_create_from_instance(page)
    if not created:
        source.update_from_db()
    with capture(execute=True):
        translation, _created = source.create_or_update_translation(
            locale, copy_parent_pages=True, fallback=True
        )
    return type(page).objects.get(pk=translation.pk)


def therapies_of(condition):
    return [link.therapy for link in condition.get_therapy_links()]


def test_a_condition_translated_with_wagtail_localize_links_translated_therapies(
    client, clinic, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    back_fr = translate_area(clinic.back, "fr", "Dos", "dos")
    massage_fr = localize(clinic.massage, "fr", capture)
    spasms_fr = localize(clinic.spasms, "fr", capture)
    assert spasms_fr.live and spasms_fr.locale.language_code == "fr"
    assert massage_fr.live and massage_fr.locale == spasms_fr.locale
    # "Ultrasound therapy" has no French page: its English page is kept.
    assert therapies_of(spasms_fr) == [massage_fr, clinic.ultrasound]
    # Body areas (a many-to-many field wagtail-localize leaves alone) were relinked on copy.
    assert set(spasms_fr.body_areas.all()) == {back_fr, clinic.neck}
    html = client.get(spasms_fr.url).content.decode()
    assert spasms_fr.url.startswith("/fr/")
    assert f'href="{massage_fr.url}"' in html
    assert f'href="{clinic.massage.url}"' not in html
    assert f'href="{clinic.ultrasound.url}"' in html
    assert list(massage_fr.get_conditions()) == [spasms_fr]


def test_links_stay_translated_when_wagtail_localize_syncs_again(
    client, clinic, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    massage_fr = localize(clinic.massage, "fr", capture)
    spasms_fr = localize(clinic.spasms, "fr", capture)
    # The therapy is translated after the condition, and the condition is synced again.
    ultrasound_fr = localize(clinic.ultrasound, "fr", capture)
    assert therapies_of(ConditionPage.objects.get(pk=spasms_fr.pk)) == [massage_fr, ultrasound_fr]
    clinic.spasms.title = "Muscle spasms and cramps"
    clinic.spasms.save_revision().publish()
    spasms_fr = localize(clinic.spasms, "fr", capture)
    assert therapies_of(spasms_fr) == [massage_fr, ultrasound_fr]
    detail = client.get(f"/api/v2/pages/{spasms_fr.pk}/").json()
    assert [item["id"] for item in detail["therapies"]] == [massage_fr.pk, ultrasound_fr.pk]
    assert list(ultrasound_fr.get_conditions()) == [spasms_fr]
    assert list(clinic.ultrasound.get_conditions()) == [clinic.spasms]
    # The French index lists the French condition only.
    index_fr = spasms_fr.get_parent().specific
    html = client.get(index_fr.url).content.decode()
    assert f'href="{spasms_fr.url}"' in html
    assert f'href="{clinic.spasms.url}"' not in html


def test_a_page_translated_with_wagtail_localize_names_its_reviewer_in_the_locale(
    client, clinic, django_capture_on_commit_callbacks
):
    """wagtail-localize translates a foreign key to a translatable snippet: the French page
    stores the practitioner's French translation, and the review line names it."""
    capture = django_capture_on_commit_callbacks
    amara = Practitioner.objects.create(name="Dr Amara Okafor", job_title="Chiropractor")
    fr = Locale.objects.get_or_create(language_code="fr")[0]
    dre_amara = amara.copy_for_translation(fr)
    dre_amara.name, dre_amara.job_title = "Dre Amara Okafor", "Chiropracticienne"
    dre_amara.save()
    spasms = ConditionPage.objects.get(pk=clinic.spasms.pk)
    spasms.reviewed_by, spasms.last_reviewed = amara, datetime.date(2026, 11, 2)
    spasms.save_revision().publish()
    spasms_fr = localize(spasms, "fr", capture)
    assert spasms_fr.get_reviewer() == dre_amara
    assert "Dre Amara Okafor" in client.get(spasms_fr.url).content.decode()
    detail = client.get(f"/api/v2/pages/{spasms_fr.pk}/").json()
    assert detail["reviewed_by"]["id"] == dre_amara.pk
