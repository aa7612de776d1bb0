"""
Hostile text in every field of a request is shown as text -- never as markup, never as a link
-- on the inbox list, inspect, edit and history pages.
"""

import pytest
from django.utils.html import escape

from tests.builders.inbox import inbox_url, user_of_kind
from wagtail_conditions.inbox import actions
from wagtail_conditions.models import AppointmentRequest

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",  # fits every field, even the 32-character phone
]

TEXT_FIELDS = [
    "name",
    "email",
    "phone",
    "reason",
    "topic",
    "source_page_title",
    "block_id",
    "consent_text",
    "privacy_notice_url",
    "privacy_notice_version",
    "staff_notes",
    "recipients",
    "notification_error",
]


def _hostile_request(payload, user):
    from tests.builders.pages import AppointmentRequestFactory

    appointment = AppointmentRequestFactory(
        **dict.fromkeys(TEXT_FIELDS, payload), notification_status="failed"
    )
    # Something in the history, too.
    actions.change_status(
        AppointmentRequest.objects.filter(pk=appointment.pk), "contacted", user=user
    )
    return appointment


def _assert_no_live_markup(content):
    lowered = content.lower()
    assert '<script>alert("x")' not in lowered
    assert "<img src=x" not in lowered
    for attribute in ('href="javascript:', "href='javascript:", 'src="javascript:'):
        assert attribute not in lowered


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("page", ["index", "inspect", "edit", "history"])
def test_hostile_text_is_escaped(client, payload, page):
    user = user_of_kind("superuser")
    client.force_login(user)
    appointment = _hostile_request(payload, user)
    url = inbox_url(page, appointment.pk)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    _assert_no_live_markup(content)
    if page in ("index", "inspect", "edit"):
        # The value is there, as text.
        assert escape(payload) in content


@pytest.mark.parametrize("payload", PAYLOADS[:2])
def test_hostile_text_is_escaped_in_the_filters_and_search_box(client, payload):
    client.force_login(user_of_kind("superuser"))
    _hostile_request(payload, None)
    response = client.get(inbox_url("index"), {"q": payload})
    content = response.content.decode()
    _assert_no_live_markup(content)
    assert escape(payload) in content


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("page", ["index", "inspect"])
def test_hostile_phone_and_email_never_become_links(client, payload, page):
    user = user_of_kind("superuser")
    client.force_login(user)
    appointment = _hostile_request(payload, user)
    content = client.get(inbox_url(page, appointment.pk)).content.decode()
    _assert_no_live_markup(content)
    # Not a phone number, not an email address: shown as text, never as a tel:/mailto: link.
    assert 'href="tel:' not in content
    assert 'href="mailto:' not in content
    assert escape(payload) in content


@pytest.mark.parametrize("page", ["index", "inspect"])
def test_phone_link_is_built_from_digits_only(client, page):
    from tests.builders.pages import AppointmentRequestFactory

    client.force_login(user_of_kind("superuser"))
    appointment = AppointmentRequestFactory(phone="+44 (0)20 7946-0000", email="a&b@example.com")
    content = client.get(inbox_url(page, appointment.pk)).content.decode()
    assert '<a href="tel:+4402079460000">+44 (0)20 7946-0000</a>' in content
    assert '<a href="mailto:a%26b@example.com">a&amp;b@example.com</a>' in content
