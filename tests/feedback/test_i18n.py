"""The feedback form, its errors and its thank-you in the page's language (Spanish and French
pages of a multilingual clinic), whatever the browser asks; answers are stored with the
page's locale; the admin's words are translated too, its CSV export included."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from tests.builders.feedback import answer, configure, json_answer, post_form, post_json
from tests.builders.i18n import multilingual_site, translate
from tests.builders.pages import ConditionPageFactory, make_site_tree
from wagtail_conditions.feedback.report import FeedbackReportView
from wagtail_conditions.models import PageFeedback

pytestmark = pytest.mark.django_db

WORDS = {
    "es": {
        "question": "¿Le ha resultado útil esta página?",
        "required": "Elija sí si esta página le ha resultado útil",
        "personal": "Quite su correo electrónico o su número de teléfono",
        "thanks": "Gracias por su opinión.",
        "report": "Opiniones sobre las páginas",
    },
    "fr": {
        "question": "Cette page vous a-t-elle été utile ?",
        "required": "Choisissez oui si cette page vous a été utile",
        "personal": "Retirez votre adresse e-mail ou votre numéro de téléphone",
        "thanks": "Merci pour votre avis.",
        "report": "Avis sur les pages",
    },
}


@pytest.fixture
def pages(db, settings):
    settings.WAGTAIL_I18N_ENABLED = True
    configure(settings)
    with multilingual_site():
        tree = make_site_tree()
        english = ConditionPageFactory(parent=tree.conditions, title="Cramp", slug="cramp")
        english.save_revision().publish()
        yield {
            "en": english,
            "es": translate(english, "es", title="Calambre", slug="calambre"),
            "fr": translate(english, "fr", title="Crampe", slug="crampe"),
        }


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_form_errors_and_thanks_are_in_the_pages_language(client, pages, language):
    page, words = pages[language], WORDS[language]
    html = client.get(page.url, headers={"accept-language": "en"}).content.decode()
    assert words["question"] in html

    errors = post_form(
        client,
        answer(page, helpful=None, comment="ann@example.com"),
        headers={"accept-language": "en"},
    )
    assert errors.status_code == 422
    assert words["required"] in errors.content.decode()
    assert words["personal"] in errors.content.decode()

    sent = post_form(client, answer(page), headers={"accept-language": "en"})
    thanks = client.get(sent["Location"], headers={"accept-language": "en"})
    assert words["thanks"] in thanks.content.decode()
    assert PageFeedback.objects.get().locale_id == page.locale_id

    as_json = post_json(client, json_answer(page, comment="+33 6 12 34 56 78"))
    assert as_json.json()["errors"][0]["msg"].startswith(words["personal"])


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_admin_words_are_translated(language):
    with translation.override(language):
        assert str(FeedbackReportView.page_title) == WORDS[language]["report"]


EXPORT_WORDS = {
    "es": ("Enviada,Página,Idioma,Útil,Comentario", ",Sí,"),
    "fr": ("Envoyée,Page,Langue,Utile,Commentaire", ",Oui,"),
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_reports_csv_export_is_in_the_editors_language(client, admin_user, pages, language):
    """The CSV is streamed after the view has returned, outside Wagtail's switch to the
    editor's language: its headings and answers are still in that language."""
    PageFeedback.objects.create(page=pages["es"], locale_id=pages["es"].locale_id, helpful=True)
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    client.force_login(admin_user)
    response = client.get(reverse("wagtail_conditions_feedback:report"), {"export": "csv"})
    headings, answer_words = EXPORT_WORDS[language]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == headings
    assert answer_words in lines[1] and "Calambre" in lines[1]
