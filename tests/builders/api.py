"""Content shared by the API tests (v2 and v3) and the page rendering tests, on either set of
pages (``tests.builders.pages.PageSet``), and the JSON appointment requests and answers shared by
the submission and OpenAPI contract tests."""

from http import HTTPStatus
from types import SimpleNamespace

import wagtail_factories

from tests.builders.appointments import FORM_ID, form_block, valid_answers
from tests.builders.pages import OURS, BodyAreaFactory
from wagtail_conditions.appointments.tokens import make_form_token
from wagtail_conditions.blocks import BodyStreamBlock
from wagtail_conditions.models import AppointmentSettings

#: Every block of the content library, by its name in ``BodyStreamBlock``.
CONTENT_BLOCKS = set(BodyStreamBlock().child_blocks)


def block(type_, value):
    return {"type": type_, "value": value}


def care_levels_value(*, emergency_phone="", urgent_url=""):
    """A care levels block's stored value: all three levels, the emergency one with an
    editor's number when given."""
    return {
        "non_urgent": {
            "heading": "Contact the clinic if",
            "when": "<ul><li>the pain lasts more than a week</li></ul>",
            "what_to_do": "",
            "phone": "",
        },
        "urgent": {
            "heading": "Get urgent medical advice if",
            "when": "<ul><li>you have a high temperature</li></ul>",
            "what_to_do": "<p>Ask for advice <b>today</b>.</p>",
            "phone": "",
            "url": urgent_url,
        },
        "emergency": {
            "heading": "Call the emergency number or go to A&E if",
            "when": "<ul><li>you cannot feel your legs</li></ul>",
            "what_to_do": "",
            "phone": emergency_phone,
        },
    }


def make_every_block_condition(tree, page_set=OURS, areas=None):
    """A condition whose sections use every content block, with links to a page, a document,
    an image and an embedded video, in ``tree`` (made by ``page_set.make_tree()``), in the
    body ``areas`` (one new area if not given). Returns a namespace of what it made."""
    image = wagtail_factories.ImageFactory(title="Back stretch", file__width=1200, file__height=900)
    document = wagtail_factories.DocumentFactory(
        title="Stretching leaflet", file__filename="stretching.pdf"
    )
    therapy = page_set.therapy(parent=tree.therapies, title="Massage", slug="massage")
    gone = page_set.therapy(parent=tree.therapies, title="Retired therapy", slug="retired")
    links = (
        f'<p>Try <a linktype="page" id="{therapy.pk}">massage</a> or read the '
        f'<a linktype="document" id="{document.pk}">leaflet</a>.</p>'
    )
    condition = page_set.condition(
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
            ),
            block("care_levels", care_levels_value(emergency_phone="999")),
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
    condition.body_areas.set(areas if areas is not None else [BodyAreaFactory()])
    condition.save_revision().publish()
    page_set.link(condition, [therapy], note="Loosens the muscles.")
    gone.delete()
    return SimpleNamespace(condition=condition, therapy=therapy, image=image, document=document)


def make_condition(parent, therapies, areas, page_set=OURS):
    """A condition under ``parent`` with a paragraph and a heading, in ``areas``, linked to
    ``therapies``."""
    condition = page_set.condition(
        parent=parent,
        overview=[block("paragraph", "<p>Overview.</p>")],
        treatment=[block("heading", {"text": "Treatment", "level": "h2"})],
        body_areas=areas,
    )
    page_set.link(condition, therapies)
    return condition


def make_every_block_refs(tree, page_set=OURS):
    """What ``every_block_condition`` links to: an image, a document, a therapy, a privacy
    notice page (also the site's appointment settings' notice) and a body area."""
    refs = SimpleNamespace(
        image=wagtail_factories.ImageFactory(title="Stretch", file__width=1200, file__height=900),
        document=wagtail_factories.DocumentFactory(title="Leaflet", file__filename="leaflet.pdf"),
        therapy=page_set.therapy(parent=tree.therapies, title="Massage", slug="massage"),
        privacy=page_set.therapy(parent=tree.therapies, title="Privacy", slug="privacy"),
        area=BodyAreaFactory(),
    )
    AppointmentSettings.objects.create(site=tree.site, privacy_notice=refs.privacy)
    return refs


def source_value(*, doi_only=False, **fields):
    """A cited source's stored value: a web page by default, or an article known by its DOI
    and PubMed ID alone."""
    if doi_only:
        value = {
            "title": "Nocturnal leg cramps",
            "authors": "Allen RE; Kirby KA",
            "publisher": "American Family Physician",
            "url": "",
            "doi": "10.1000/afp.2012.86",
            "pmid": "22962985",
            "date_published": "2012-08-15",
            "last_checked": "2026-11-02",
        }
    else:
        value = {
            "title": "Muscle cramps",
            "authors": "",
            "publisher": "NHS",
            "url": "https://www.nhs.example/conditions/leg-cramps/",
            "doi": "",
            "pmid": "",
            "date_published": "2023-05-10",
            "last_checked": "2026-10-01",
        }
    return {**value, **fields}


def every_block_condition(parent, number, refs, page_set=OURS):
    """A condition using every block a section offers, an appointment form and links to pages
    among them (``refs`` from ``make_every_block_refs``)."""
    rich = (
        f'<p>Try <a linktype="page" id="{refs.therapy.pk}">massage</a> or read the '
        f'<a linktype="document" id="{refs.document.pk}">leaflet</a>.</p>'
    )
    condition = page_set.condition(
        parent=parent,
        title=f"Condition {number}",
        slug=f"condition-{number}",
        overview=[
            block("heading", {"text": "What it is", "level": "h2"}),
            block("paragraph", rich),
            block("image", {"image": refs.image.pk, "alt_text": "A stretch", "caption": ""}),
            block("quote", {"quote": "It helped.", "attribution": "A patient"}),
        ],
        symptoms=[
            block("callout", {"tone": "info", "heading": "Note", "text": rich}),
            block("care_levels", care_levels_value()),
        ],
        treatment=[
            block(
                "embed",
                {"embed": "https://video.example/stretches", "title": "Video", "caption": ""},
            ),
            block("faq", {"heading": "Questions", "items": [{"question": "Why?", "answer": rich}]}),
        ],
        approach_benefits=[
            block(
                "call_to_action",
                {
                    "heading": "Book",
                    "text": "",
                    "button_label": "Go",
                    "page": refs.therapy.pk,
                    "url": "",
                },
            )
        ],
        resources=[
            block(
                "links",
                {
                    "heading": "Read more",
                    "links": [
                        block("page", {"page": refs.therapy.pk, "label": ""}),
                        block("page", {"page": refs.privacy.pk, "label": "Privacy"}),
                        block("document", {"document": refs.document.pk, "label": ""}),
                        block("external", {"url": "https://nhs.example/", "label": "NHS"}),
                    ],
                },
            ),
            form_block(f"form-{number}"),
        ],
        sources=[block("source", source_value()), block("source", source_value(doi_only=True))],
    )
    condition.body_areas.set([refs.area])
    condition.save_revision().publish()
    page_set.link(condition, [refs.therapy])
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


def make_one_and_twenty(tree, page_set, areas):
    """Pages to compare the cost of 1 item with that of 20, under ``tree.home``: a therapy
    index "few" with one therapy and "more" with 20; a condition index "small" with one
    condition linked to few's therapy, and "large" with 20 conditions each linked to all of
    more's therapies. So a condition of small lists 1 therapy and one of large 20; few's therapy
    lists 1 condition and each of more's 20; each listing lists 1 page or 20."""
    made = SimpleNamespace(
        few=page_set.therapy_index(parent=tree.home, slug="few", title="Few"),
        more=page_set.therapy_index(parent=tree.home, slug="more", title="More"),
        small=page_set.condition_index(parent=tree.home, slug="small", title="Small"),
        large=page_set.condition_index(parent=tree.home, slug="large", title="Large"),
    )
    made.one_therapy = page_set.therapy(parent=made.few)
    made.twenty_therapies = page_set.therapy.create_batch(20, parent=made.more)
    made.one_condition = make_condition(made.small, [made.one_therapy], areas, page_set)
    made.twenty_conditions = [
        make_condition(made.large, made.twenty_therapies, areas, page_set) for _ in range(20)
    ]
    return made
