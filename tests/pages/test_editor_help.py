"""What editors read in Wagtail's admin: every field of our content blocks is labelled and
explained, and the summary and the meta description say which one search engines get."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail import blocks

from tests.builders.pages import make_site_tree
from wagtail_conditions.blocks import content, links, media
from wagtail_conditions.blocks.streams import SectionStreamBlock
from wagtail_conditions.models import ConditionPage, TherapyPage
from wagtail_conditions.models.panels import SEARCH_DESCRIPTION_HELP

pytestmark = pytest.mark.django_db

CONTENT_MODULES = {content.__name__, links.__name__, media.__name__}


def _help_text(block):
    field = getattr(block, "field", None)
    return getattr(block.meta, "help_text", None) or (field.help_text if field else "")


def _fields(block, path):
    children = getattr(block, "child_blocks", None)
    if children is None and hasattr(block, "child_block"):  # a ListBlock
        children = {"item": block.child_block}
    for name, child in (children or {}).items():
        yield f"{path}.{name}", child
        yield from _fields(child, f"{path}.{name}")


def test_every_field_of_our_content_blocks_has_a_label_and_help_text():
    missing = []
    for name, block in SectionStreamBlock().child_blocks.items():
        if type(block).__module__ not in CONTENT_MODULES:
            continue
        for path, child in _fields(block, name):
            if isinstance(child, blocks.StructBlock):
                # A group of fields (a link in a list, a question and its answer): its fields
                # carry the help text.
                if not child.label:
                    missing.append(path)
                continue
            if not child.label or not _help_text(child):
                missing.append(path)
    assert not missing, f"Without a label or help text: {missing}"


def test_no_block_field_is_called_an_anchor():
    labels = [
        str(child.label)
        for name, block in SectionStreamBlock().child_blocks.items()
        for _path, child in _fields(block, name)
    ]
    assert "Anchor" not in labels


@pytest.mark.parametrize("model", [ConditionPage, TherapyPage])
def test_summary_and_meta_description_say_which_search_engines_get(client, model):
    tree = make_site_tree()
    parent = tree.conditions if model is ConditionPage else tree.therapies
    user = get_user_model().objects.create_superuser("editor", "editor@clinic.example", "pw")
    client.force_login(user)
    url = reverse(
        "wagtailadmin_pages:add",
        args=(model._meta.app_label, model._meta.model_name, parent.pk),
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    summary_help = str(model._meta.get_field("summary").help_text)
    assert "shown on cards" in summary_help
    assert "unless the meta description" in summary_help
    assert summary_help in html
    assert str(SEARCH_DESCRIPTION_HELP) in html
    assert "Leave blank to use the summary." in str(SEARCH_DESCRIPTION_HELP)
    # Wagtail's own wording, which claimed the role for the meta description alone, is gone.
    assert "The descriptive text displayed underneath a headline" not in html
