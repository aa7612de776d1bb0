"""The appointment form in the page's language: it renders, validates and answers in it, the
request records the page's locale, the patient's acknowledgement is written in it and the
staff email in the site's default language (LANGUAGE_CODE), whatever the browser asks for."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.builders.api import json_body
from tests.builders.appointments import (
    FormPage,
    configure,
    form_block,
    publish_host_page,
    read_form,
)
from tests.builders.i18n import translate
from wagtail_conditions.appointments.notifications import build_messages
from wagtail_conditions.models import AppointmentRequest


@pytest.fixture
def form_pages(i18n_site, settings):
    configure(settings)
    english = publish_host_page(form_block(consent_text=""))
    spanish = translate(english, "es", title="Pedir cita", slug="pedir-cita")
    return FormPage(english), FormPage(spanish)


def test_the_form_renders_in_the_page_language(client, form_pages):
    english, spanish = form_pages
    html = client.get(spanish.page.url).content.decode()
    assert spanish.page.url.startswith("/es/")
    assert "Nombre y apellidos" in html
    read_form(html)  # the form is there
    html = client.get(english.page.url).content.decode()
    assert "Full name" in html and "Nombre y apellidos" not in html


def test_errors_are_in_the_page_language_whatever_the_browser_asks(client, form_pages):
    english, spanish = form_pages
    response = spanish.post(client, name="", headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Escriba su nombre y apellidos." in html
    assert "Nombre y apellidos" in html
    assert AppointmentRequest.objects.count() == 0
    response = english.post(client, name="", headers={"accept-language": "es"})
    html = response.content.decode()
    assert "Enter your full name." in html and "Escriba su nombre" not in html


def test_the_request_records_the_locale_and_thanks_in_its_language(
    client, form_pages, django_capture_on_commit_callbacks
):
    _english, spanish = form_pages
    with django_capture_on_commit_callbacks(execute=True):
        response = spanish.post(client, headers={"accept-language": "en"})
    assert response.status_code == 303
    stored = AppointmentRequest.objects.get()
    assert stored.locale.language_code == "es"
    # The default consent wording is stored as shown: in Spanish.
    with translation.override("es"):
        from wagtail_conditions.blocks.appointment import DEFAULT_CONSENT

        assert stored.consent_text == str(DEFAULT_CONSENT)
    thank_you = client.get(response["Location"], headers={"accept-language": "en"})
    assert thank_you.status_code == 200
    assert stored.reference in thank_you.content.decode()
    assert "Nombre y apellidos" not in thank_you.content.decode()  # the form is replaced
    with translation.override("es"):
        assert translation.gettext("Your reference is") in thank_you.content.decode()
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[stored.email].startswith("Hemos recibido su solicitud de cita")
    staff = [m for m in mail.outbox if m.to[0] != stored.email]
    assert staff and staff[0].subject.startswith("New appointment request")
    assert "Hola:" in mail.outbox[-1].body or "Hola:" in mail.outbox[0].body


def test_the_json_api_records_the_page_locale(client, form_pages):
    english, spanish = form_pages
    url = reverse("wagtail_conditions:appointment_api_submit")
    response = client.post(url, json_body(spanish), content_type="application/json")
    assert response.status_code == 201, response.content
    assert AppointmentRequest.objects.get().locale.language_code == "es"
    response = client.post(url, json_body(spanish, name=""), content_type="application/json")
    assert response.status_code == 422
    assert "Escriba su nombre y apellidos." in response.content.decode()
    response = client.post(
        url,
        json_body(english, name=""),
        content_type="application/json",
        headers={"accept-language": "es"},
    )
    assert response.status_code == 422
    assert "Enter your full name." in response.content.decode()


def test_email_languages_do_not_depend_on_the_active_language(form_pages, settings):
    _english, spanish = form_pages
    request = AppointmentRequest.objects.create(
        name="Ana",
        email="ana@example.com",
        reference="ABCD-2345",
        source_page=spanish.page,
        locale=spanish.page.locale,
        recipients="frontdesk@clinic.example",
        send_acknowledgement=True,
        consent_text="Sí",
        consent_given_at=timezone.now(),
    )
    with translation.override("fr"):
        messages = dict(build_messages(request))
    assert messages["staff"].subject == "New appointment request ABCD-2345"
    assert messages["acknowledgement"].subject == ("Hemos recibido su solicitud de cita ABCD-2345")
    assert messages["acknowledgement"].body.startswith("Hola:")
    # A request without a locale (sent before it was recorded) is acknowledged in the
    # site's default language.
    request.locale = None
    settings.LANGUAGE_CODE = "fr"
    messages = dict(build_messages(request))
    with translation.override("fr"):
        assert messages["acknowledgement"].subject.startswith(
            translation.gettext("We have received your appointment request %(reference)s")[:10]
        )
        assert messages["staff"].subject.startswith(
            translation.gettext("New appointment request %(reference)s")[:10]
        )
