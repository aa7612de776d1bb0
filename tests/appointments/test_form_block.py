"""
The appointment form block as editors meet it: one list of questions, each with its own choice
(don't ask / optional / required), defaults a clinic expects, plain labels and help text, and
content saved in the former shape (two lists, ``fields`` and ``required_fields``) still read
as it was meant, without a data migration.
"""

import re
from datetime import date, timedelta
from importlib.util import find_spec

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.builders.appointments import (
    ALL_FIELDS,
    FORM_ID,
    OTHER_FORM_ID,
    form_block,
    publish_host_page,
    read_form,
)
from tests.testapp.models import HostPage
from wagtail_conditions.appointments.forms import AppointmentRequestForm
from wagtail_conditions.blocks import AppointmentFormBlock
from wagtail_conditions.blocks.appointment import (
    DEFAULT_QUESTIONS,
    DONT_ASK,
    OPTIONAL,
    REQUIRED,
    FormConfig,
    QuestionsBlock,
    iter_form_blocks,
)

pytestmark = pytest.mark.django_db

BLOCK = AppointmentFormBlock()


def new_form_block(block_id=FORM_ID, **questions):
    """The raw data of a form block saved in the current shape: ``questions`` only."""
    raw = form_block(block_id)
    value = {k: v for k, v in raw["value"].items() if k not in ("fields", "required_fields")}
    raw["value"] = {**value, "questions": {**DEFAULT_QUESTIONS, **questions}}
    return raw


def config_for(value):
    return BLOCK.get_config(value, None, "b")


def asked(value):
    config = config_for(value)
    return config.fields, config.required_fields


def block_errors(caught):
    """{child name: [messages]} of a StructBlockValidationError, nested structs flattened
    into "parent.child"."""
    messages = {}
    for name, error in caught.value.block_errors.items():
        if isinstance(error, StructBlockValidationError):
            for child, child_error in error.block_errors.items():
                messages[f"{name}.{child}"] = list(child_error.messages)
        else:
            messages[name] = list(error.messages)
    return messages


# --- One list of questions, with defaults a clinic expects --------------------------------------


def test_a_new_form_asks_every_question_and_requires_the_phone_number():
    value = BLOCK.get_default()
    assert dict(value["questions"]) == {
        "phone": REQUIRED,
        "preferred_date": OPTIONAL,
        "preferred_time": OPTIONAL,
        "patient_status": OPTIONAL,
        "reason": OPTIONAL,
    }
    assert asked(value) == (list(ALL_FIELDS), ["phone"])


def test_the_defaults_match_the_demo_form(shared_demo):
    """The demo clinic asks every question and requires the phone number: so does a new form."""
    ((_block_id, _block, demo_form),) = iter_form_blocks(shared_demo)
    assert asked(demo_form) == asked(BLOCK.get_default())


def test_each_question_is_one_choice_with_three_options():
    questions = BLOCK.child_blocks["questions"]
    assert isinstance(questions, QuestionsBlock)
    assert list(questions.child_blocks) == list(ALL_FIELDS)
    for child in questions.child_blocks.values():
        assert [value for value, _label in child.field.choices] == [DONT_ASK, OPTIONAL, REQUIRED]
    assert "fields" not in BLOCK.child_blocks
    assert "required_fields" not in BLOCK.child_blocks


def test_the_choices_decide_what_the_form_asks_and_requires():
    value = BLOCK.to_python(
        new_form_block(phone=DONT_ASK, preferred_date=REQUIRED, reason=REQUIRED)["value"]
    )
    fields, required = asked(value)
    assert fields == ["preferred_date", "preferred_time", "patient_status", "reason"]
    assert required == ["preferred_date", "reason"]
    form = AppointmentRequestForm(config=config_for(value))
    assert "phone" not in form.fields
    assert form.fields["preferred_date"].required
    assert not form.fields["preferred_time"].required
    assert form.fields["reason"].required
    # Name, email and consent are always asked and always required.
    assert all(form.fields[name].required for name in ("name", "email", "consent"))


def test_a_form_may_ask_nothing_but_name_email_and_consent():
    value = BLOCK.to_python(new_form_block(**dict.fromkeys(ALL_FIELDS, DONT_ASK))["value"])
    form = AppointmentRequestForm(config=config_for(value))
    assert list(form.fields) == ["name", "email", "consent"]


def test_the_questions_are_saved_in_the_new_shape():
    value = BLOCK.to_python(new_form_block(reason=DONT_ASK)["value"])
    saved = BLOCK.get_prep_value(value)
    assert saved["questions"] == {**DEFAULT_QUESTIONS, "reason": DONT_ASK}
    assert "fields" not in saved
    assert "required_fields" not in saved


# --- The former shape keeps working ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "required_fields", "expected"),
    [
        (ALL_FIELDS, [], dict.fromkeys(ALL_FIELDS, OPTIONAL)),
        (ALL_FIELDS, ["phone"], DEFAULT_QUESTIONS),
        (
            ["phone", "reason"],
            ["reason"],
            {
                "phone": OPTIONAL,
                "preferred_date": DONT_ASK,
                "preferred_time": DONT_ASK,
                "patient_status": DONT_ASK,
                "reason": REQUIRED,
            },
        ),
        ([], [], dict.fromkeys(ALL_FIELDS, DONT_ASK)),
        # Required but not asked: the form showed only the questions asked.
        (
            ["phone"],
            ["phone", "reason"],
            {**dict.fromkeys(ALL_FIELDS, DONT_ASK), "phone": REQUIRED},
        ),
    ],
)
def test_a_value_saved_as_two_lists_is_read_as_one_list_of_questions(
    fields, required_fields, expected
):
    raw = form_block(fields=list(fields), required_fields=list(required_fields))["value"]
    value = BLOCK.to_python(raw)
    assert dict(value["questions"]) == expected
    assert asked(value) == (
        [name for name in ALL_FIELDS if name in fields],
        [name for name in ALL_FIELDS if name in fields and name in required_fields],
    )


def test_a_value_saved_without_the_lists_asked_every_question():
    """Before the questions were one list, a value without ``fields`` got that list's default:
    every question, none required."""
    raw = form_block()["value"]
    del raw["fields"]
    value = BLOCK.to_python(raw)
    assert dict(value["questions"]) == dict.fromkeys(ALL_FIELDS, OPTIONAL)


def test_bulk_conversion_reads_both_shapes():
    old = form_block(required_fields=["phone", "reason"])["value"]
    new = new_form_block(preferred_time=DONT_ASK)["value"]
    old_value, new_value = BLOCK.bulk_to_python([old, new])
    assert dict(old_value["questions"]) == {**DEFAULT_QUESTIONS, "reason": REQUIRED}
    assert dict(new_value["questions"]) == {**DEFAULT_QUESTIONS, "preferred_time": DONT_ASK}


def test_a_former_value_given_in_python_is_normalised():
    value = BLOCK.normalize(form_block(fields=["phone"], required_fields=["phone"])["value"])
    assert dict(value["questions"]) == {**dict.fromkeys(ALL_FIELDS, DONT_ASK), "phone": REQUIRED}


def test_a_former_value_is_saved_in_the_new_shape():
    value = BLOCK.to_python(form_block(required_fields=["phone"])["value"])
    saved = BLOCK.get_prep_value(value)
    assert saved["questions"] == DEFAULT_QUESTIONS
    assert "fields" not in saved and "required_fields" not in saved


def _page_with_both_shapes():
    """One page holding the same form twice: as saved before (two lists) and as saved now."""
    old = form_block(FORM_ID, required_fields=["phone", "reason"], anchor="old")
    new = new_form_block(OTHER_FORM_ID, reason=REQUIRED)
    new["value"]["anchor"] = "new"
    return publish_host_page(old, new, slug="both-shapes")


def _inputs(form):
    """(tag, name, type, required) of a rendered form's answer inputs, without the tokens."""
    return sorted(
        {
            (tag, attrs.get("name"), attrs.get("type"), "required" in attrs)
            for tag, attrs in form["inputs"]
            if attrs.get("name") not in ("page", "block", "token", "website", None)
        }
    )


def test_a_page_saved_in_either_shape_renders_the_same_form(client, appointment_settings):
    page = _page_with_both_shapes()
    html = client.get(page.url).content.decode()
    old_form, new_form = read_form(html, FORM_ID), read_form(html, OTHER_FORM_ID)
    assert _inputs(old_form) == _inputs(new_form)
    required = {name for _tag, name, _type, is_required in _inputs(old_form) if is_required}
    assert required == {"name", "email", "phone", "reason", "consent"}


def _forms_in(item):
    return [
        block["value"]
        for value in item.values()
        if isinstance(value, list)
        for block in value
        if isinstance(block, dict) and block.get("type") == "appointment_form"
    ]


def _store_raw(page, field_name, raw):
    """Store ``raw`` stream data in ``page``'s live row as it is: Wagtail 7.4 would rewrite a
    plain list in the block's current shape on saving it."""
    stream_block = type(page)._meta.get_field(field_name).stream_block
    type(page).objects.filter(pk=page.pk).update(
        **{field_name: StreamValue(stream_block, raw, is_lazy=True)}
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/pages/{}/",
        pytest.param(
            "/api/v3/pages/{}/",
            marks=pytest.mark.skipif(
                find_spec("wagtail.api.v3") is None, reason="API v3 is new in Wagtail 8"
            ),
        ),
    ],
)
def test_the_api_describes_either_shape_alike(client, demo_condition, path):
    """The demo's form stored as two lists on the page, as questions on a copy of it."""
    copy = demo_condition.copy(
        update_attrs={"slug": "muscle-spasms-new-shape", "title": "Muscle spasms (copy)"},
        keep_live=True,
        copy_revisions=False,
    ).specific
    raw = list(type(demo_condition).objects.get(pk=demo_condition.pk).approach_benefits.raw_data)
    (index,) = [i for i, item in enumerate(raw) if item["type"] == "appointment_form"]
    value = {
        k: v
        for k, v in raw[index]["value"].items()
        if k not in ("fields", "required_fields", "questions")
    }
    old, new = list(raw), list(raw)
    old[index] = {
        **raw[index],
        "value": {**value, "fields": list(ALL_FIELDS), "required_fields": ["phone"]},
    }
    new[index] = {**raw[index], "value": {**value, "questions": DEFAULT_QUESTIONS}}
    _store_raw(demo_condition, "approach_benefits", old)
    _store_raw(copy, "approach_benefits", new)
    stored = type(demo_condition).objects.get(pk=demo_condition.pk).approach_benefits.raw_data
    assert "fields" in stored[index]["value"]

    described = []
    for page in (demo_condition, copy):
        response = client.get(path.format(page.pk))
        assert response.status_code == 200, response.content[:500]
        (form,) = _forms_in(response.json())
        described.append(form)
    old, new = described
    assert {**old, "submit": None} == {**new, "submit": None}
    assert {field["name"]: field["required"] for field in new["fields"]} == {
        "name": True,
        "email": True,
        "phone": True,
        "preferred_date": False,
        "preferred_time": False,
        "patient_status": False,
        "reason": False,
        "consent": True,
    }
    assert new["submit"]["page"] == copy.pk


# --- Validation names the question --------------------------------------------------------------


def test_an_unknown_choice_is_rejected_naming_the_question():
    raw = new_form_block()["value"]
    raw["questions"]["preferred_time"] = "sometimes"
    with pytest.raises(StructBlockValidationError) as caught:
        BLOCK.clean(BLOCK.to_python(raw))
    assert block_errors(caught) == {
        "questions.preferred_time": [
            "Choose whether to ask “Preferred time of day”: don't ask, optional or required."
        ]
    }


def test_a_required_question_needs_no_second_tick():
    """The former "must also be ticked under 'Questions to ask'" error cannot happen: one
    choice says both."""
    value = BLOCK.to_python(new_form_block(**dict.fromkeys(ALL_FIELDS, REQUIRED))["value"])
    assert BLOCK.clean(value)["questions"]["reason"] == REQUIRED


def test_bad_staff_addresses_are_still_rejected():
    raw = new_form_block()["value"]
    raw["recipients"] = "desk@clinic.example, not an address"
    with pytest.raises(StructBlockValidationError) as caught:
        BLOCK.clean(BLOCK.to_python(raw))
    assert list(block_errors(caught)) == ["recipients"]


# --- Plain labels and help text -------------------------------------------------------------------


def _all_children(block, prefix=""):
    for name, child in block.child_blocks.items():
        yield f"{prefix}{name}", child
        if hasattr(child, "child_blocks"):
            yield from _all_children(child, f"{prefix}{name}.")


def _help_text(block):
    field = getattr(block, "field", None)
    return getattr(block.meta, "help_text", None) or (field.help_text if field else "")


def test_every_field_of_the_form_block_has_a_label_and_help_text():
    missing = [
        name for name, child in _all_children(BLOCK) if not child.label or not _help_text(child)
    ]
    assert not missing, f"Without a label or help text: {missing}"


def test_the_anchor_is_called_a_link_name():
    anchor = BLOCK.child_blocks["anchor"]
    assert str(anchor.label) == "Link name"
    assert "#appointment" in str(anchor.field.help_text)
    labels = [str(child.label) for _name, child in _all_children(BLOCK)]
    assert "Anchor" not in labels
    assert "Questions to ask" not in labels
    assert "Questions that must be answered" not in labels


def test_each_question_is_labelled_with_the_question_and_its_choices_in_plain_words():
    questions = BLOCK.child_blocks["questions"]
    assert {name: str(child.label) for name, child in questions.child_blocks.items()} == {
        "phone": "Phone number",
        "preferred_date": "Preferred date",
        "preferred_time": "Preferred time of day",
        "patient_status": "New or returning patient",
        "reason": "Reason for visit",
    }
    assert [str(label) for _value, label in questions.child_blocks["phone"].field.choices] == [
        "Don't ask",
        "Ask, optional",
        "Ask, required",
    ]


# --- The preferred date: the browser's own format, no ISO hint -----------------------------------


def _config(**kwargs):
    return FormConfig(
        page_id=1,
        block_id="b",
        fields=list(ALL_FIELDS),
        required_fields=[],
        consent_text="Yes",
        thank_you_message="Thanks",
        **kwargs,
    )


def test_the_preferred_date_has_no_format_hint_but_the_browser_gets_its_range(settings):
    settings.WAGTAIL_CONDITIONS = {"APPOINTMENT_BOOKING_HORIZON_DAYS": 30}
    form = AppointmentRequestForm(config=_config())
    field = form.fields["preferred_date"]
    assert not field.help_text
    html = str(form["preferred_date"])
    assert 'type="date"' in html
    minimum = re.search(r'min="([0-9-]+)"', html).group(1)
    maximum = re.search(r'max="([0-9-]+)"', html).group(1)
    assert date.fromisoformat(maximum) - date.fromisoformat(minimum) == timedelta(days=30)
    # Another form's widget is its own: the range is set per form, not on the class.
    assert "min" not in AppointmentRequestForm.base_fields["preferred_date"].widget.attrs


def test_the_rendered_date_question_shows_no_iso_example(client, form_page):
    html = client.get(form_page.page.url).content.decode()
    section = html[html.index('id="appointment"') :]
    date_field = section[: section.index("</form>")]
    label_at = date_field.index("Preferred date")
    around = date_field[label_at : label_at + 600]
    assert "For example" not in around
    assert not re.search(r"\b20[0-9]{2}-[0-9]{2}-[0-9]{2}\.", around)
    assert 'type="date"' in around


def test_the_server_still_rejects_a_date_in_the_past():
    form = AppointmentRequestForm(
        {
            "name": "Ann",
            "email": "ann@example.com",
            "preferred_date": "2000-01-01",
            "consent": "on",
        },
        config=_config(),
    )
    assert not form.is_valid()
    assert form.errors["preferred_date"] == ["Choose today or a date in the future."]


# --- In Wagtail's editor -----------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    client.force_login(user)
    return client


def test_a_page_saved_in_the_former_shape_opens_in_the_editor(editor_client, appointment_settings):
    page = publish_host_page(
        form_block(FORM_ID, fields=["phone", "reason"], required_fields=["reason"])
    )
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # The editor's form is bound to the questions read from the two lists.
    (child,) = response.context["form"]["body"].value()
    assert dict(child.value["questions"]) == {
        "phone": OPTIONAL,
        "preferred_date": DONT_ASK,
        "preferred_time": DONT_ASK,
        "patient_status": DONT_ASK,
        "reason": REQUIRED,
    }
    assert "Questions to ask" not in html
    assert "Link name" in html


def test_an_editor_sets_each_question_with_one_choice(editor_client, appointment_settings):
    page = publish_host_page(form_block(FORM_ID, required_fields=["phone"]))
    questions = {**DEFAULT_QUESTIONS, "phone": DONT_ASK, "reason": REQUIRED}
    form_value = {
        "heading": "Book an assessment",
        "intro": "",
        "questions": questions,
        "button_label": "Send request",
        "thank_you_message": "Thank you.",
        "booking_notice": "This is not a booking.",
        "consent_text": "I agree.",
        "privacy_page": "",
        "recipients": "",
        "send_acknowledgement": "on",
        "anchor": "book",
    }
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "body": streamfield([("appointment_form", form_value)]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    (raw,) = HostPage.objects.get(pk=page.pk).body.raw_data
    assert raw["value"]["questions"] == questions
    assert "fields" not in raw["value"] and "required_fields" not in raw["value"]
    html = editor_client.get(page.url).content.decode()
    inputs = {name: required for _tag, name, _type, required in _inputs(read_form(html, raw["id"]))}
    assert "phone" not in inputs
    assert inputs["reason"] is True
