"""A clinic in English and Spanish: Wagtail's localisation on (tests.builders.i18n: English at
the root, Spanish under /es/), body areas and therapies translated, and a condition translated
after one of its two therapies was: "Ultrasound therapy" has no Spanish page yet.

These tests run with ``wagtail.contrib.simple_translation`` (tests.settings) and, those
marked ``localize``, with wagtail-localize (tests.settings_localize; tox runs both)."""

from types import SimpleNamespace

import pytest
from wagtail.models import Locale

from tests.builders.i18n import multilingual_site, translate
from tests.builders.pages import OURS, BodyAreaFactory, link_therapies, make_site_tree


@pytest.fixture
def i18n_site(db, settings):
    settings.WAGTAIL_I18N_ENABLED = True
    with multilingual_site():
        yield


def translate_area(area, language_code, name, slug):
    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    translation = area.copy_for_translation(locale)
    translation.name, translation.slug = name, slug
    translation.save()
    return translation


@pytest.fixture
def clinic(i18n_site):
    """English pages; "Masaje" (massage) and "Espalda" (back) translated before the
    condition; "Ultrasound therapy" and "Neck" not translated."""
    tree = make_site_tree()
    back = BodyAreaFactory(name="Back", slug="back")
    neck = BodyAreaFactory(name="Neck", slug="neck")
    espalda = translate_area(back, "es", "Espalda", "espalda")
    massage = OURS.therapy(parent=tree.therapies, title="Massage", slug="massage")
    ultrasound = OURS.therapy(parent=tree.therapies, title="Ultrasound therapy", slug="ultrasound")
    spasms = OURS.condition(
        parent=tree.conditions,
        title="Muscle spasms",
        slug="muscle-spasms",
        body_areas=[back, neck],
    )
    link_therapies(spasms, [massage, ultrasound])
    strain = OURS.condition(
        parent=tree.conditions, title="Neck strain", slug="neck-strain", body_areas=[neck]
    )
    link_therapies(strain, [massage])
    masaje = translate(massage, "es", title="Masaje", slug="masaje")
    espasmos = translate(spasms, "es", title="Espasmos musculares", slug="espasmos-musculares")
    return SimpleNamespace(
        tree=tree,
        es=Locale.objects.get(language_code="es"),
        en=Locale.get_default(),
        back=back,
        neck=neck,
        espalda=espalda,
        massage=massage,
        ultrasound=ultrasound,
        spasms=spasms,
        strain=strain,
        masaje=masaje,
        espasmos=espasmos,
    )
