"""A patient's journey through the HTML appointment form: page → POST → thank-you → emails."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.builders.appointments import (
    CONSENT,
    FORM_ID,
    OTHER_FORM_ID,
    PATIENT_EMAIL,
    STAFF_EMAIL,
    THANK_YOU,
    FormPage,
    configure,
    form_block,
    hidden_values,
    publish,
    publish_host_page,
    read_form,
    sent_url,
    submit_url,
    valid_answers,
)
from tests.builders.pages import make_site_tree
from tests.testapp.models import HostPage
from wagtail_conditions.models import AppointmentRequest, ConditionPage, TherapyPage

pytestmark = pytest.mark.django_db


def section(html, anchor):
    """The HTML of the form block whose section id is ``anchor``."""
    match = re.search(rf'<section class="wc-appointment" id="{anchor}".*?</section>', html, re.S)
    assert match, f"no form block #{anchor} in the page"
    return match.group(0)


def submit(client, form_page, captured, **overrides):
    with captured(execute=True):
        return form_page.post(client, **overrides)


# --- The page -----------------------------------------------------------------------------


def test_page_renders_the_form_with_hidden_page_block_and_token(client, form_page):
    response = client.get(form_page.page.url)

    assert response.status_code == 200
    form = read_form(response.content.decode())
    assert form["attrs"]["method"] == "post"
    assert form["attrs"]["action"] == f"{submit_url()}#appointment"  # lands on the form
    hidden = hidden_values(form)
    assert hidden["page"] == str(form_page.page.pk)
    assert hidden["block"] == FORM_ID
    assert hidden["token"]


def test_page_labels_every_field_and_shows_no_error_summary(client, form_page):
    html = client.get(form_page.page.url).content.decode()

    for label in [
        "Full name",
        "Email address",
        "Phone number",
        "Preferred date",
        "Preferred time of day",
        "Have you been to the clinic before?",
        "Reason for your visit",
        CONSENT,
    ]:
        assert label in html
    for field in ["name", "email", "phone", "preferred_date", "reason", "consent"]:
        assert re.search(rf'<label [^>]*for="appointment-1f0c6f1e-{field}"', html), field
        assert f'id="appointment-1f0c6f1e-{field}"' in html
    assert "wc-error-summary" not in html
    assert 'aria-invalid="true"' not in html


def test_form_works_without_javascript(client, form_page):
    """A browser without JavaScript sends the rendered form as a plain form-encoded POST."""
    html = client.get(form_page.page.url).content.decode()
    form = read_form(html)
    # The one script is the deferred enhancement (focus, a fresh token); the form does not
    # need it: what follows is what a browser without JavaScript sends.
    assert re.findall(r"<script[^>]*>", section(html, "appointment")) == [
        '<script src="/static/wagtail_conditions/js/appointment-form.js" defer>'
    ]
    assert "enctype" not in form["attrs"]  # the browser default: application/x-www-form-urlencoded

    body = {}
    for tag, attrs in form["inputs"]:
        if tag == "input" and attrs.get("type") == "hidden":
            body[attrs["name"]] = attrs.get("value", "")
    body.update(valid_answers())  # what the patient types and ticks

    response = client.post(
        form["attrs"]["action"], urlencode(body), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1


# --- Submitting ---------------------------------------------------------------------------


def test_valid_submission_redirects_with_303_to_the_thank_you_url(client, form_page):
    response = form_page.post(client)

    row = AppointmentRequest.objects.get()
    assert re.fullmatch(r"AR-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}", row.reference)
    assert response.status_code == 303
    assert response["Location"] == f"{form_page.sent_url}?reference={row.reference}#appointment"
    assert "no-store" in response["Cache-Control"]


def test_thank_you_page_shows_the_reference_and_is_focused(client, form_page):
    response = client.get(form_page.post(client)["Location"])

    row = AppointmentRequest.objects.get()
    html = response.content.decode()
    assert f'Your reference is <strong class="wc-reference">{row.reference}</strong>' in html
    assert re.search(r'<div class="wc-success" role="status" tabindex="-1" autofocus', html)
    assert "no-store" in response["Cache-Control"]


def test_thank_you_page_ignores_a_reference_that_is_not_one(client, form_page):
    response = client.get(f"{form_page.sent_url}?reference=<b>call 0800 SCAM</b>")

    html = response.content.decode()
    assert "Request sent" in html
    assert "Your reference is" not in html and "SCAM" not in html


def test_error_page_lands_on_the_form_with_the_error_summary_focused(client, form_page):
    response = form_page.post(client, consent=None)

    assert response.status_code == 422
    html = response.content.decode()
    assert read_form(html)["attrs"]["action"] == f"{submit_url()}#appointment"
    assert re.search(r'<div class="wc-error-summary" role="alert"[^>]*tabindex="-1" autofocus', html)
    assert "wagtail_conditions/js/appointment-form.js" in html



def test_redirect_url_carries_no_submitted_values(client, form_page):
    response = form_page.post(client, name="Zebedee Quill", reason="Sciatica")

    location = response["Location"]
    reference = AppointmentRequest.objects.get().reference
    assert location.split("?")[1] == f"reference={reference}#appointment"  # only the reference
    for value in ["Zebedee", "Quill", "Sciatica", "ann.patient", "7946"]:
        assert value not in location


def test_thank_you_page_shows_the_message_in_place_of_the_form(client, form_page):
    response = client.get(form_page.post(client)["Location"])

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = section(response.content.decode(), "appointment")
    assert 'role="status"' in html
    assert THANK_YOU in html
    assert "<form" not in html


def test_thank_you_page_repeats_none_of_the_answers(client, form_page):
    response = client.get(form_page.post(client, name="Zebedee Quill")["Location"])

    assert "Zebedee" not in response.content.decode()


def test_submission_stores_every_answer(client, form_page):
    answers = valid_answers()
    form_page.post(client)

    row = AppointmentRequest.objects.get()
    assert row.name == answers["name"]
    assert row.email == answers["email"]
    assert row.phone == answers["phone"]
    assert row.preferred_date.isoformat() == answers["preferred_date"]
    assert row.preferred_time == "morning"
    assert row.patient_status == "new"
    assert row.reason == answers["reason"]
    assert row.source_page_id == form_page.page.pk
    assert row.source_page_title == form_page.page.title
    assert row.block_id == FORM_ID
    assert row.status == AppointmentRequest.Status.NEW
    assert row.topic == ""  # a host page is not a condition or therapy


def test_submission_records_the_consent_wording_time_and_privacy_notice(client, db, settings):
    configure(settings)
    privacy = publish(HostPage(title="Privacy notice", slug="privacy"))
    form_page = FormPage(publish_host_page(form_block(privacy_page=privacy.pk)))
    before = timezone.now()

    form_page.post(client)

    row = AppointmentRequest.objects.get()
    assert row.consent_text == CONSENT
    assert before <= row.consent_given_at <= timezone.now()
    assert row.privacy_notice_url == privacy.url
    assert row.privacy_notice_version == str(privacy.live_revision_id)


@pytest.mark.parametrize("model", [ConditionPage, TherapyPage])
def test_submission_from_a_condition_or_therapy_page_records_its_topic(client, settings, model):
    configure(settings)
    tree = make_site_tree()
    if model is ConditionPage:
        page = ConditionPage(
            title="Frozen shoulder",
            slug="frozen-shoulder",
            summary="Stiff.",
            approach_benefits=[form_block()],
        )
        parent = tree.conditions
    else:
        page = TherapyPage(
            title="Massage", slug="massage", summary="Hands-on.", body=[form_block()]
        )
        parent = tree.therapies
    form_page = FormPage(publish(page, parent))

    assert form_page.post(client).status_code == 303

    assert AppointmentRequest.objects.get().topic == page.title


# --- Emails -------------------------------------------------------------------------------


def test_staff_email_says_only_the_reference_and_names_no_page_or_patient_address(
    client, form_page, django_capture_on_commit_callbacks
):
    submit(client, form_page, django_capture_on_commit_callbacks, reason="Sciatica flare-up")

    row = AppointmentRequest.objects.get()
    staff = mail.outbox[0]
    assert staff.to == [STAFF_EMAIL]
    assert staff.subject == f"New appointment request {row.reference}"
    assert staff.reply_to == []
    assert PATIENT_EMAIL not in str(staff.message())
    assert row.reference in staff.body
    assert form_page.page.title not in staff.body  # no page: it could name a condition
    assert "Sciatica" not in staff.body
    assert "Ann Patient" not in staff.body
    assert "7946" not in staff.body
    row.refresh_from_db()
    assert row.notification_status == AppointmentRequest.NotificationStatus.SENT
    assert row.notification_attempts == 1


def test_staff_email_links_to_the_request_in_the_inbox(
    client, form_page, django_capture_on_commit_callbacks
):
    submit(client, form_page, django_capture_on_commit_callbacks)

    row = AppointmentRequest.objects.get()
    try:
        path = reverse(
            "wagtail_conditions_appointmentrequest_modeladmin_inspect",
            kwargs={"instance_pk": row.pk},
        )
    except NoReverseMatch:
        pytest.skip("The front-desk inbox (modeladmin) is not registered yet; nothing to link to")
    assert f"http://testserver{path}" in mail.outbox[0].body


def test_patient_gets_an_acknowledgement_without_their_answers(
    client, form_page, django_capture_on_commit_callbacks
):
    submit(client, form_page, django_capture_on_commit_callbacks, reason="Sciatica flare-up")

    assert len(mail.outbox) == 2
    acknowledgement = mail.outbox[1]
    row = AppointmentRequest.objects.get()
    assert acknowledgement.to == [PATIENT_EMAIL]
    assert acknowledgement.subject == f"We have received your appointment request {row.reference}"
    assert f"Your reference is {row.reference}." in acknowledgement.body
    assert "Sciatica" not in acknowledgement.body
    assert "Ann" not in acknowledgement.body  # nothing the submitter typed


def test_no_acknowledgement_when_the_block_turns_it_off(
    client, db, settings, django_capture_on_commit_callbacks
):
    configure(settings)
    form_page = FormPage(publish_host_page(form_block(send_acknowledgement=False)))

    submit(client, form_page, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[STAFF_EMAIL]]


def test_include_details_setting_puts_the_answers_in_the_staff_email(
    client, form_page, settings, django_capture_on_commit_callbacks
):
    configure(settings, APPOINTMENT_EMAIL_INCLUDE_DETAILS=True)

    submit(client, form_page, django_capture_on_commit_callbacks, reason="Sciatica flare-up")

    body = mail.outbox[0].body
    answers = valid_answers()
    for value in [
        "Ann Patient",
        PATIENT_EMAIL,
        "+44 20 7946 0000",
        answers["preferred_date"],
        "Morning",
        "New patient",
        "Sciatica flare-up",
    ]:
        assert value in body
    assert "Sciatica" not in mail.outbox[1].body  # the acknowledgement stays minimal


# --- Two forms on one page ----------------------------------------------------------------


@pytest.fixture
def two_forms(db, appointment_settings):
    page = publish_host_page(
        form_block(FORM_ID, anchor="first-form", heading="First form"),
        form_block(
            OTHER_FORM_ID,
            anchor="second-form",
            heading="Second form",
            thank_you_message="Second form thanks you.",
        ),
    )
    return FormPage(page, FORM_ID), FormPage(page, OTHER_FORM_ID)


def test_errors_show_on_the_submitted_form_only(client, two_forms):
    _first, second = two_forms

    response = second.post(client, email="not-an-email")

    assert response.status_code == 422
    html = response.content.decode()
    submitted, other = section(html, "second-form"), section(html, "first-form")
    assert "wc-error-summary" in submitted
    assert "Enter an email address in the correct format" in submitted
    assert 'value="not-an-email"' in submitted
    assert "wc-error-summary" not in other
    assert 'aria-invalid="true"' not in other
    assert "not-an-email" not in other
    assert "Ann Patient" not in other


def test_success_shows_on_the_submitted_form_only(client, two_forms):
    _first, second = two_forms

    response = client.get(second.post(client)["Location"])

    html = response.content.decode()
    assert "Second form thanks you." in section(html, "second-form")
    assert "<form" not in section(html, "second-form")
    other = section(html, "first-form")
    assert "<form" in other
    assert "wc-success" not in other
    assert AppointmentRequest.objects.get().block_id == OTHER_FORM_ID


def test_redirect_points_at_the_submitted_forms_anchor(client, two_forms):
    _first, second = two_forms

    response = second.post(client)

    reference = AppointmentRequest.objects.get().reference
    assert response["Location"] == (
        f"{sent_url(second.page, OTHER_FORM_ID)}?reference={reference}#second-form"
    )


# --- Where the block can live -------------------------------------------------------------


def test_form_block_works_on_a_host_sites_own_page_model(client, form_page):
    assert isinstance(form_page.page.specific, HostPage)
    assert client.get(form_page.page.url).status_code == 200
    assert form_page.post(client).status_code == 303
    assert AppointmentRequest.objects.get().source_page_id == form_page.page.pk


def test_demo_condition_page_form_accepts_a_request(client, demo_condition):
    condition = demo_condition
    html = client.get(condition.url).content.decode()
    form = read_form(html, block_id=hidden_block_id(html))
    hidden = hidden_values(form)

    response = client.post(submit_url(), {**hidden, **valid_answers()})

    assert response.status_code == 303
    assert response["Location"].endswith("#appointment")
    row = AppointmentRequest.objects.get()
    assert row.topic == "Muscle spasms"
    assert row.source_page_id == condition.pk
    thank_you = client.get(response["Location"]).content.decode()
    assert "We have received your request" in section(thank_you, "appointment")


def test_on_this_page_lists_the_form(client, demo_condition):
    html = client.get(demo_condition.url).content.decode()

    contents = re.search(r'<nav class="wc-contents".*?</nav>', html, re.S).group(0)
    assert '<a href="#appointment">Request an appointment</a>' in contents


def hidden_block_id(html):
    return re.search(r'<input type="hidden" name="block" value="([^"]+)">', html).group(1)


def test_demo_form_requires_the_phone_number_its_editor_asked_for(client, demo_condition):
    condition = demo_condition
    html = client.get(condition.url).content.decode()
    hidden = hidden_values(read_form(html, block_id=hidden_block_id(html)))

    response = client.post(submit_url(), {**hidden, **valid_answers(phone="")})

    assert response.status_code == 422
    assert "Enter a phone number." in response.content.decode()
    assert AppointmentRequest.objects.count() == 0


# --- Editor-set text ----------------------------------------------------------------------


def test_editor_set_block_text_is_escaped(client, db, settings):
    configure(settings)
    evil = '<script>alert("editor")</script>'
    form_page = FormPage(
        publish_host_page(
            form_block(
                heading=evil,
                intro=evil,
                consent_text=evil,
                booking_notice=evil,
                button_label=evil,
                thank_you_message=evil,
            )
        )
    )

    page_html = client.get(form_page.page.url).content.decode()
    sent_html = client.get(form_page.post(client)["Location"]).content.decode()

    for html in (page_html, sent_html):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&quot;editor&quot;)&lt;/script&gt;" in html


def test_error_re_render_keeps_the_first_token_so_a_quick_correction_is_not_taken_for_a_bot(
    client, settings
):
    """A visitor who only has to tick the consent box resends within seconds of the error
    page: the fill time must count from their first view, or the request would be silently
    dropped as a bot's."""
    import re
    import time

    from tests.builders.appointments import configure, publish_host_page
    from wagtail_conditions.appointments.tokens import make_form_token
    from wagtail_conditions.models import AppointmentRequest

    configure(settings, APPOINTMENT_MIN_FILL_SECONDS=5)
    page = publish_host_page()
    html = client.get(page.url).content.decode()
    block_id = re.search(r'name="block" value="([^"]+)"', html).group(1)
    first_view = make_form_token(page.pk, block_id, now=time.time() - 60)
    answers = {
        "page": page.pk,
        "block": block_id,
        "token": first_view,
        "name": "Ann Example",
        "email": "ann@example.com",
        "phone": "+44 20 7946 0000",
    }
    response = client.post("/appointments/submit/", answers)  # consent not ticked
    assert response.status_code == 422
    assert f'name="token" value="{first_view}"' in response.content.decode()

    response = client.post("/appointments/submit/", {**answers, "consent": "on"})
    assert response.status_code == 303
    assert AppointmentRequest.objects.count() == 1
