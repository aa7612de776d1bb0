"""
An API listing describes a form once for the pages that share it (the same value, anchor and
site settings), but every page still gets its own submit part: its page id and a token that
the pipeline accepts for that page's form only. Our pages endpoint answers in compact JSON
unless the client asks for indentation.
"""

import json

import pytest

from wagtail_conditions.appointments.tokens import InvalidToken, read_form_token
from wagtail_conditions.blocks.appointment import iter_form_blocks

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?child_of={}&fields=*&type=wagtail_conditions.ConditionPage"


@pytest.fixture
def twins(demo_condition):
    """The demo condition and a copy of it beside it: the same form block on two pages."""
    copy = demo_condition.copy(
        update_attrs={"slug": "muscle-spasms-copy", "title": "Muscle spasms (copy)"},
        keep_live=True,
        copy_revisions=False,
    )
    return [demo_condition, copy.specific]


def forms_in(item):
    return [
        block["value"]
        for name, value in item.items()
        if isinstance(value, list)
        for block in value
        if isinstance(block, dict) and block.get("type") == "appointment_form"
    ]


def test_each_listed_page_gets_its_own_submit_part(client, twins):
    parent = twins[0].get_parent()
    response = client.get(LISTING.format(parent.pk))
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["items"]}
    tokens = set()
    for page in twins:
        (form,) = forms_in(items[page.pk])
        block_id = next(iter_form_blocks(page))[0]
        submit = form["submit"]
        assert (submit["page"], submit["block"]) == (page.pk, block_id)
        read_form_token(submit["token"], page_id=page.pk, block_id=block_id)
        other = next(other for other in twins if other.pk != page.pk)
        with pytest.raises(InvalidToken):
            read_form_token(submit["token"], page_id=other.pk, block_id=block_id)
        tokens.add(submit["token"])
    assert len(tokens) == 2
    # Everything but the submit part is the same description.
    first, second = (forms_in(items[page.pk])[0] for page in twins)
    assert {**first, "submit": None} == {**second, "submit": None}
    assert first["fields"] and first["consent"]["text"]


def test_the_listing_is_compact_json_unless_indentation_is_asked_for(client, twins):
    url = LISTING.format(twins[0].get_parent().pk)
    compact = client.get(url).content.decode()
    assert "\n" not in compact
    indented = client.get(url, HTTP_ACCEPT="application/json; indent=4").content.decode()
    assert '\n    "meta"' in indented
    assert json.loads(indented)["meta"] == json.loads(compact)["meta"]
