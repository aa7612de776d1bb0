"""The JSON Schemas of our blocks and page fields, and how any block contributes one."""

from types import SimpleNamespace

import pytest
from wagtail import blocks

from tests.builders.api import make_every_block_condition
from tests.builders.pages import make_site_tree
from wagtail_conditions.api import schemas
from wagtail_conditions.blocks import BodyStreamBlock, HeadingBlock
from wagtail_conditions.models import ConditionPage, Practitioner, TherapyPage

pytestmark = pytest.mark.django_db


def validator_class():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the testing extra")
    return jsonschema.Draft202012Validator


def assert_valid(instance, schema):
    validator = validator_class()
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(instance), key=lambda error: error.path)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


class Undescribed(blocks.Block):
    def get_api_representation(self, value, context=None):
        return {"anything": True}


class DescribedBlock(blocks.CharBlock):
    def get_api_schema(self):
        return {"type": "string", "const": "described"}


class ReshapedCharBlock(blocks.CharBlock):
    def get_api_representation(self, value, context=None):
        return {"text": value}


class ThirdPartyBlock(blocks.FieldBlock):
    """A block a site cannot edit, described from the outside."""

    def __init__(self, **kwargs):
        from django import forms

        self.field = forms.IntegerField()
        super().__init__(**kwargs)


def test_a_blocks_own_schema_wins():
    assert schemas.block_schema(DescribedBlock()) == {"type": "string", "const": "described"}


def test_a_block_class_can_be_described_from_outside():
    assert "declares no JSON Schema" in schemas.block_schema(ThirdPartyBlock())["description"]
    schemas.register_block_schema(ThirdPartyBlock, lambda block: {"type": "integer"})
    try:
        assert schemas.block_schema(ThirdPartyBlock()) == {"type": "integer"}
    finally:
        del schemas._registry[ThirdPartyBlock]


def test_a_block_without_a_schema_accepts_any_value_and_says_so():
    schema = schemas.block_schema(Undescribed())
    assert set(schema) == {"description"}
    assert "tests.api.test_schemas.Undescribed" in schema["description"]


def test_a_subclass_that_changes_the_representation_is_not_described_by_its_parent():
    assert schemas.block_schema(blocks.CharBlock(max_length=5)) == {
        "type": "string",
        "maxLength": 5,
    }
    assert "declares no JSON Schema" in schemas.block_schema(ReshapedCharBlock())["description"]


def test_struct_blocks_are_derived_from_their_children():
    assert schemas.block_schema(HeadingBlock()) == {
        "type": "object",
        "properties": {
            "text": {
                "type": "string",
                "maxLength": 150,
                "title": "Heading",
                "description": "A few plain words: patients scan headings to find what they need.",
            },
            "level": {
                "enum": ["h2", "h3"],
                "title": "Level",
                "description": "Use H2 for a new section and H3 inside a section.",
            },
        },
        "required": ["text", "level"],
        "additionalProperties": False,
    }


def test_an_undescribed_child_leaves_the_rest_precise():
    struct = blocks.StructBlock([("title", blocks.CharBlock()), ("extra", Undescribed())])
    schema = schemas.block_schema(struct)
    assert schema["properties"]["title"]["type"] == "string"
    assert "declares no JSON Schema" in schema["properties"]["extra"]["description"]


def test_a_stream_is_a_union_discriminated_by_type():
    schema = schemas.block_schema(BodyStreamBlock())
    assert schema["type"] == "array"
    members = schema["items"]["oneOf"]
    assert [member["properties"]["type"] for member in members] == [
        {"const": name} for name in BodyStreamBlock().child_blocks
    ]
    for member in members:
        assert member["required"] == ["type", "value", "id"]
        assert "declares no JSON Schema" not in str(member["properties"]["value"]), member["title"]


def test_every_schema_is_valid_json_schema(subtests):
    validator = validator_class()
    for name, child in BodyStreamBlock().child_blocks.items():
        with subtests.test(block=name):
            validator.check_schema(schemas.block_schema(child))
    for schema in (
        schemas.BODY_AREA,
        schemas.LINKED_THERAPY,
        schemas.LINKED_CONDITION,
        schemas.REVIEWER,
    ):
        validator.check_schema(schema)


# What API v2 returns matches the schemas API v3 publishes, on every Wagtail version.


@pytest.fixture(scope="module")
def every_block_condition(module_transaction):
    made = SimpleNamespace()
    made.tree = make_site_tree()
    made.made = make_every_block_condition(made.tree)
    return made


def test_condition_fields_match_their_schemas(client, subtests, every_block_condition):
    data = client.get(f"/api/v2/pages/{every_block_condition.made.condition.pk}/").json()
    for name, _heading in ConditionPage.sections:
        with subtests.test(field=name):
            stream_block = ConditionPage._meta.get_field(name).stream_block
            assert_valid(data[name], schemas.block_schema(stream_block))
    item_schemas = {
        "body_areas": schemas.BODY_AREA,
        "therapies": schemas.LINKED_THERAPY,
        "sections": schemas.SECTION,
    }
    for name, item_schema in item_schemas.items():
        with subtests.test(field=name):
            assert data[name]
            assert_valid(data[name], {"type": "array", "items": item_schema})


def test_therapy_fields_match_their_schemas(client, every_block_condition):
    data = client.get(f"/api/v2/pages/{every_block_condition.made.therapy.pk}/").json()
    assert_valid(data["conditions"], {"type": "array", "items": schemas.LINKED_CONDITION})
    assert len(data["conditions"]) == 1
    for name in ("body", "what_to_expect", "contraindications"):
        stream_block = TherapyPage._meta.get_field(name).stream_block
        assert_valid(data[name], schemas.block_schema(stream_block))


def test_review_fields_match_their_schemas(client, every_block_condition):
    ana = Practitioner.objects.create(name="Dr Ana Ruiz", credentials="DC")
    reviewer = {"anyOf": [schemas.REVIEWER, {"type": "null"}]}
    date = {"type": ["string", "null"], "format": "date"}
    for page in (every_block_condition.made.condition, every_block_condition.made.therapy):
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["reviewed_by"] is None
        assert_valid(data["reviewed_by"], reviewer)
        type(page).objects.filter(pk=page.pk).update(
            reviewed_by=ana, last_reviewed="2026-03-03", next_review_due="2027-03-03"
        )
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert_valid(data["reviewed_by"], reviewer)
        assert data["reviewed_by"]["credentials"] == "DC"
        for name in ("last_reviewed", "next_review_due"):
            assert_valid(data[name], date)
    with pytest.raises(AssertionError):
        assert_valid({"id": ana.pk, "name": "Ana"}, schemas.REVIEWER)


def test_structured_data_matches_its_schema(client, every_block_condition):
    validator_class().check_schema(schemas.STRUCTURED_DATA)
    for page in (every_block_condition.made.condition, every_block_condition.made.therapy):
        data = client.get(f"/api/v2/pages/{page.pk}/").json()
        assert data["structured_data"]["@graph"][0]["@type"] == "MedicalWebPage"
        assert_valid(data["structured_data"], schemas.STRUCTURED_DATA)
    with pytest.raises(AssertionError):
        assert_valid({"@context": "https://schema.org", "@graph": []}, schemas.STRUCTURED_DATA)
