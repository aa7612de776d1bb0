"""
Condition and therapy pages in Wagtail 8's API v3, checked against the schemas it publishes: on
our pages and on a host's built on our mixins and abstract pages (``tests/testapp``), which must
be typed by the same components and answer what API v2 answers, at the same number of queries.
"""

from functools import cache
from importlib.util import find_spec
from types import SimpleNamespace

import pytest
import wagtail
from django.contrib.auth import get_user_model
from django.test import Client

from tests.builders.api import CONTENT_BLOCKS, make_every_block_condition, make_one_and_twenty
from tests.builders.pages import (
    CONDITION_SECTIONS,
    BodyAreaFactory,
    assert_same_query_count,
    on_each_page_set,
    rolled_back,
)
from wagtail_conditions import demo
from wagtail_conditions.models import TherapyIndexPage, TherapyPage

if find_spec("wagtail.api.v3") is None:
    pytest.skip(
        f"API v3 is new in Wagtail 8; these tests run on Wagtail {wagtail.__version__}.",
        allow_module_level=True,
    )

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the testing extra")
openapi_spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason="openapi-spec-validator is in the testing extra"
)

pytestmark = pytest.mark.django_db

DETAIL_PATH = "/api/v3/pages/{page_id}/"


def stream_fields(model):
    """The StreamFields the API gives as streams of blocks. The cited sources are a StreamField
    too, given as a flat list of sources (``WagtailConditionsSource``)."""
    return [
        field
        for field in model._meta.get_fields()
        if hasattr(field, "stream_block") and field.name != "sources"
    ]


def component(document, ref):
    assert ref.startswith("#/components/schemas/"), ref
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def nullable_ref(schema):
    """The ``$ref`` of a ``T | None`` property, as API v3 types serializer fields."""
    ref, null = schema["anyOf"]
    assert null == {"type": "null"}, schema
    return ref


@cache
def openapi():
    """The OpenAPI document (it depends on the page models, not on the rows)."""
    response = Client().get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


def assert_valid(instance, schema):
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: error.path)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)


def assert_matches_openapi(data):
    """``data`` is valid against the detail endpoint's response schema, $refs resolved within
    the OpenAPI document."""
    document = openapi()
    operation = document["paths"][DETAIL_PATH]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert_valid(data, {**schema, "components": document["components"]})


@pytest.fixture
def authorization(db):
    """The header of a superuser's API token, which the schema and draft endpoints require."""
    from wagtail.models import APIToken

    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    _token, plaintext = APIToken.create_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def read_schema(get, authorization):
    def read_schema(model):
        return get(f"/api/v3/schema/{model._meta.label}/", **authorization)["read"]

    return read_schema


@pytest.fixture(scope="module")
def clinic(page_set, module_transaction, django_db_blocker):
    """``page_set``'s indexes and a condition using every content block."""
    with rolled_back(django_db_blocker):
        tree = page_set.make_tree()
        made = make_every_block_condition(tree, page_set)
        yield SimpleNamespace(tree=tree, **vars(made))


# --- Discovery: the schemas API v3 publishes ----------------------------------------------------


@on_each_page_set
def test_the_page_types_are_registered_content_types(get, authorization, page_set):
    names = {entry["name"] for entry in get("/api/v3/schema/", **authorization)["types"]}
    assert {model._meta.label for model in page_set.models} <= names


@on_each_page_set
def test_the_read_schema_of_each_page_type_lists_its_api_fields(read_schema, subtests, page_set):
    for model in page_set.models:
        with subtests.test(model=model.__name__):
            read = read_schema(model)
            jsonschema.Draft202012Validator.check_schema(read)
            api_fields = [field.name for field in model.api_fields]
            assert set(api_fields) <= set(read["properties"])
            for name in api_fields:
                # Any field typed `Any` would show as an empty (or title-only) schema.
                assert set(read["properties"][name]) - {"title", "description", "default"}, (
                    f"{name} has no type"
                )


@on_each_page_set
def test_stream_fields_reference_a_discriminated_union_of_their_blocks(subtests, page_set):
    document = openapi()
    for model in (page_set.condition._meta.model, page_set.therapy._meta.model):
        page_schema = document["components"]["schemas"][f"{model.__name__}Schema"]
        for field in stream_fields(model):
            with subtests.test(field=f"{model.__name__}.{field.name}"):
                union = component(
                    document, nullable_ref(page_schema["properties"][field.name])["$ref"]
                )
                assert union["type"] == "array"
                items = union["items"]
                assert items["discriminator"]["propertyName"] == "type"
                names = list(field.stream_block.child_blocks)
                assert set(items["discriminator"]["mapping"]) == set(names)
                members = [component(document, ref["$ref"]) for ref in items["oneOf"]]
                assert [member["properties"]["type"] for member in members] == [
                    {"const": name} for name in names
                ]
                for name, member in zip(names, members, strict=True):
                    if name in CONTENT_BLOCKS:
                        assert "declares no JSON Schema" not in str(member["properties"]["value"])


@on_each_page_set
def test_linked_pages_and_body_areas_are_typed_by_our_components(subtests, page_set):
    schemas = openapi()["components"]["schemas"]
    condition = schemas[f"{page_set.condition._meta.model.__name__}Schema"]["properties"]
    therapy = schemas[f"{page_set.therapy._meta.model.__name__}Schema"]["properties"]
    for schema, name in [
        (condition["therapies"], "WagtailConditionsLinkedTherapy"),
        (condition["body_areas"], "WagtailConditionsBodyArea"),
        (condition["sections"], "WagtailConditionsSection"),
        (therapy["conditions"], "WagtailConditionsLinkedCondition"),
        (condition["sources"], "WagtailConditionsSource"),
        (therapy["sources"], "WagtailConditionsSource"),
    ]:
        with subtests.test(component=name):
            assert nullable_ref(schema)["items"]["$ref"] == f"#/components/schemas/{name}"
            jsonschema.Draft202012Validator.check_schema(schemas[name])
    for schema in (condition["reviewed_by"], therapy["reviewed_by"]):
        assert nullable_ref(schema) == {"$ref": "#/components/schemas/WagtailConditionsReviewer"}
    jsonschema.Draft202012Validator.check_schema(schemas["WagtailConditionsReviewer"])
    assert nullable_ref(condition["alternative_names"]) == {
        "type": "array",
        "items": {"type": "string"},
    }
    # A stream field is typed by the same union on a host's page as on ours.
    ours = schemas["ConditionPageSchema"]["properties"]
    for name in CONDITION_SECTIONS:
        assert condition[name] == ours[name], name


def test_the_openapi_document_is_valid():
    document = openapi()
    schemes = document["components"].get("securitySchemes", {})
    if schemes.get("AllowAnonymous") == {"type": "http"}:
        # Wagtail 8.0 declares this scheme without the "scheme" OpenAPI requires; it is not
        # ours to fix, and the rest of the document must still be valid.
        schemes = {**schemes, "AllowAnonymous": {"type": "http", "scheme": "anonymous"}}
        document = {
            **document,
            "components": {**document["components"], "securitySchemes": schemes},
        }
    openapi_spec_validator.validate(document)


# --- Responses ---------------------------------------------------------------------------------


def v3_matches_v2(get, page):
    """API v3 gives each API field of ``page`` as API v2 does (the stream fields' content
    blocks: other blocks, the appointment form, may use the request, which v3 does not pass)."""

    def ours(blocks):
        return [item for item in blocks if item["type"] in CONTENT_BLOCKS]

    v3 = get(DETAIL_PATH.format(page_id=page.pk))
    v2 = get(f"/api/v2/pages/{page.pk}/")
    streams = {field.name for field in stream_fields(type(page))}
    for field in type(page).api_fields:
        v3_value, v2_value = v3[field.name], v2[field.name]
        if field.name in streams:
            v3_value, v2_value = ours(v3_value), ours(v2_value)
        assert v3_value == v2_value, field.name


def test_demo_pages_match_the_openapi_document_the_read_schemas_and_v2(get, read_schema, subtests):
    condition = demo.load_demo()
    condition_index = condition.get_parent().specific
    therapy_index = TherapyIndexPage.objects.sibling_of(condition_index).get()
    pages = [
        condition_index,
        condition,
        therapy_index,
        *TherapyPage.objects.child_of(therapy_index),
    ]
    assert len(pages) == 9
    read_schemas = {model: read_schema(model) for model in {type(page) for page in pages}}
    for page in pages:
        with subtests.test(page=page.title):
            data = get(DETAIL_PATH.format(page_id=page.pk))
            assert data["meta"]["type"] == page._meta.label
            assert_matches_openapi(data)
            assert_valid(data, read_schemas[type(page)])
            v3_matches_v2(get, page)


@on_each_page_set
def test_every_block_matches_the_openapi_document(clinic, get, page_set):
    data = get(DETAIL_PATH.format(page_id=clinic.condition.pk))
    assert {item["type"] for name in CONDITION_SECTIONS for item in data[name]} == CONTENT_BLOCKS
    assert data["meta"]["type"] == type(clinic.condition)._meta.label
    assert_matches_openapi(data)


@on_each_page_set
def test_a_wrong_block_value_fails_the_published_schema(clinic, get, page_set):
    data = get(DETAIL_PATH.format(page_id=clinic.condition.pk))
    data["overview"][0]["value"]["level"] = "h9"
    with pytest.raises(AssertionError, match="is not valid"):
        assert_matches_openapi(data)


@on_each_page_set
def test_v3_returns_what_v2_returns_for_our_fields(clinic, get, subtests, page_set):
    for page in (clinic.condition, clinic.therapy, clinic.tree.conditions, clinic.tree.therapies):
        with subtests.test(page=type(page).__name__):
            v3_matches_v2(get, page)


@on_each_page_set
def test_a_draft_shows_unpublished_therapy_links(clinic, get, authorization, page_set):
    first, second = page_set.therapy.create_batch(2, parent=clinic.tree.therapies)
    condition = page_set.condition(parent=clinic.tree.conditions)
    link_model = page_set.link_model
    condition.therapy_links = [link_model(therapy=first, note="Live.")]
    condition.save_revision().publish()
    condition.therapy_links = [
        link_model(therapy=second, note="Draft."),
        link_model(therapy=first, note="Live."),
    ]
    condition.save_revision()
    url = DETAIL_PATH.format(page_id=condition.pk)

    assert [t["note"] for t in get(url)["therapies"]] == ["Live."]
    draft = get(url + "?version=draft", **authorization)
    assert [t["id"] for t in draft["therapies"]] == [second.pk, first.pk]
    assert [t["note"] for t in draft["therapies"]] == ["Draft.", "Live."]
    assert_matches_openapi(draft)


# --- A response costs the same for 1 linked or listed item as for 20 ----------------------------


@pytest.fixture(scope="module")
def counted(clinic, page_set, django_db_blocker):
    """Pages listing 1 item and pages listing 20 (``make_one_and_twenty``)."""
    with rolled_back(django_db_blocker):
        yield make_one_and_twenty(clinic.tree, page_set, [BodyAreaFactory(), BodyAreaFactory()])


@on_each_page_set
def test_condition_detail_with_twenty_therapies_costs_the_same_as_with_one(
    counted, client, get, page_set
):
    one, twenty = counted.one_condition, counted.twenty_conditions[0]
    one_url, twenty_url = (DETAIL_PATH.format(page_id=page.pk) for page in (one, twenty))
    assert len(get(one_url)["therapies"]) == 1
    assert len(get(twenty_url)["therapies"]) == 20

    assert_same_query_count(client, one_url, twenty_url)


@on_each_page_set
def test_therapy_detail_with_twenty_conditions_costs_the_same_as_with_one(
    counted, client, get, page_set
):
    one, twenty = counted.one_therapy, counted.twenty_therapies[0]
    one_url, twenty_url = (DETAIL_PATH.format(page_id=page.pk) for page in (one, twenty))
    assert len(get(one_url)["conditions"]) == 1
    assert len(get(twenty_url)["conditions"]) == 20

    assert_same_query_count(client, one_url, twenty_url)


@on_each_page_set
def test_condition_listing_of_twenty_costs_the_same_as_of_one(counted, client, get, page_set):
    url = f"/api/v3/pages/?type={type(counted.one_condition)._meta.label}&child_of={{}}"
    assert get(url.format(counted.small.pk))["count"] == 1
    assert get(url.format(counted.large.pk))["count"] == 20

    assert_same_query_count(client, url.format(counted.small.pk), url.format(counted.large.pk))


@on_each_page_set
def test_structured_data_is_typed_by_our_component(page_set):
    schemas = openapi()["components"]["schemas"]
    for model in (page_set.condition._meta.model, page_set.therapy._meta.model):
        field = schemas[f"{model.__name__}Schema"]["properties"]["structured_data"]
        assert nullable_ref(field) == {
            "$ref": "#/components/schemas/WagtailConditionsStructuredData"
        }
    jsonschema.Draft202012Validator.check_schema(schemas["WagtailConditionsStructuredData"])
