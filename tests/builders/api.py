"""Content and checks shared by the API tests (v2 and v3), and the JSON appointment
requests and answers shared by the submission and OpenAPI contract tests."""

from http import HTTPStatus

import wagtail_factories

from tests.builders.appointments import FORM_ID, valid_answers
from tests.builders.pages import (
    BodyAreaFactory,
    ConditionPageFactory,
    TherapyPageFactory,
    assert_same_query_count,
    link_therapies,
)
from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.blocks import BodyStreamBlock

#: Every block of the content library, by its name in ``BodyStreamBlock``.
CONTENT_BLOCKS = set(BodyStreamBlock().child_blocks)


def block(type_, value):
    return {"type": type_, "value": value}


def make_every_block_condition(tree):
    """A condition whose sections use every content block, with links to a page, a document,
    an image and an embedded video. Returns a namespace of what it made."""
    image = wagtail_factories.ImageFactory(title="Back stretch", file__width=1200, file__height=900)
    document = wagtail_factories.DocumentFactory(
        title="Stretching leaflet", file__filename="stretching.pdf"
    )
    therapy = TherapyPageFactory(parent=tree.therapies, title="Massage", slug="massage")
    gone = TherapyPageFactory(parent=tree.therapies, title="Retired therapy", slug="retired")
    links = (
        f'<p>Try <a linktype="page" id="{therapy.pk}">massage</a> or read the '
        f'<a linktype="document" id="{document.pk}">leaflet</a>.</p>'
    )
    condition = ConditionPageFactory(
        parent=tree.conditions,
        title="Back pain",
        slug="back-pain",
        summary="Pain in the lower back.",
        alternative_names="lumbago, sore back,  ",
        overview=[
            block("heading", {"text": "What it is", "level": "h2"}),
            block("paragraph", links),
            block(
                "image",
                {"image": image.pk, "alt_text": "A therapist at work", "caption": "Stretching"},
            ),
            block("quote", {"quote": "It helped.\nA lot.", "attribution": "A patient"}),
        ],
        symptoms=[
            block(
                "callout",
                {"tone": "warning", "heading": "Watch for", "text": "<p><b>Numbness</b></p>"},
            )
        ],
        treatment=[
            block(
                "embed",
                {
                    "embed": "https://video.example/stretches",
                    "title": "Stretches",
                    "caption": "",
                },
            ),
            block(
                "faq",
                {
                    "heading": "Questions",
                    "items": [{"question": "Does it hurt?", "answer": links}],
                },
            ),
        ],
        approach_benefits=[
            block(
                "call_to_action",
                {
                    "heading": "Book",
                    "text": "",
                    "button_label": "See massage",
                    "page": therapy.pk,
                    "url": "",
                },
            ),
            block(
                "call_to_action",
                {
                    "heading": "Call us",
                    "text": "We answer weekdays.",
                    "button_label": "Call",
                    "page": None,
                    "url": "tel:+441234567890",
                },
            ),
        ],
        resources=[
            block(
                "links",
                {
                    "heading": "Read more",
                    "links": [
                        block("page", {"page": therapy.pk, "label": ""}),
                        block("document", {"document": document.pk, "label": "Leaflet"}),
                        block("external", {"url": "https://nhs.example/back", "label": "NHS"}),
                        block("page", {"page": gone.pk, "label": "Gone"}),
                    ],
                },
            )
        ],
    )
    condition.body_areas.set([BodyAreaFactory()])
    condition.save_revision().publish()
    link_therapies(condition, [therapy], note="Loosens the muscles.")
    gone.delete()
    return _Made(condition=condition, therapy=therapy, image=image, document=document)


class _Made:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def make_condition(parent, therapies, areas):
    condition = ConditionPageFactory(
        parent=parent,
        overview=[block("paragraph", "<p>Overview.</p>")],
        treatment=[block("heading", {"text": "Treatment", "level": "h2"})],
    )
    condition.body_areas.set(areas)
    condition.save()
    link_therapies(condition, therapies)
    return condition


def blocks_by_type(response_json, *fields):
    """The value of each block in the given StreamField fields of a page, by block type."""
    found = {}
    for field in fields:
        for item in response_json[field]:
            found.setdefault(item["type"], []).append(item["value"])
    return found


# --- JSON appointment requests ----------------------------------------------------------------

OMIT = object()  # leave the key out of the body (None is sent as JSON null)


def json_body(form_page, *, block=FORM_ID, token_now=None, **overrides):
    """A valid JSON submission to ``form_page``'s form ``block``, with ``overrides``."""
    body = {
        "page": form_page.page.pk,
        "block": block,
        "token": make_form_token(form_page.page.pk, block, now=token_now),
        **valid_answers(consent=True),
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not OMIT}


def problem(status, detail, errors=None, **members):
    """The exact problem body the appointment endpoints answer with."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(members)
    return body


def error(loc, msg, type_):
    """One item of a 422 problem's ``errors``; ``loc`` is a field name or None (the body)."""
    return {"type": type_, "loc": ["body", loc] if loc else ["body"], "msg": msg}


class SameQueryCountMixin:
    """``assert_same_query_count`` for TestCase classes (host-page tests use these)."""

    def assertSameQueryCount(self, small_url, large_url):
        assert_same_query_count(self.client, small_url, large_url)
