"""
JSON Schemas of what our API returns: block values and the structured page fields.

A block describes its own API value with a ``get_api_schema()`` method returning a JSON Schema
(draft 2020-12, the dialect of OpenAPI 3.1), next to the ``get_api_representation`` it
describes. Blocks a site cannot edit (Wagtail's own, a third party's) are described by a
function registered for their class with ``register_block_schema``. ``block_schema()`` asks in
that order, derives struct, list and stream blocks from their children, and gives a block
nobody described ``{}`` (any value) with a note: such a block makes the schema less precise,
never wrong, and never breaks it.

Schemas are built on demand (when an OpenAPI document is generated), so labels are translated
into the language active at that moment.
"""

from collections.abc import Callable

from django.utils.encoding import force_str
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

SchemaFunction = Callable[[blocks.Block], dict]

_registry: dict[type[blocks.Block], SchemaFunction] = {}


def closed_object(properties, *, required=None, **keywords) -> dict:
    """The schema of a JSON object with exactly ``properties``, all of them required unless
    ``required`` names which; ``keywords`` adds others (``title``, ``description``)."""
    return {
        "type": "object",
        **keywords,
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def register_block_schema(block_class, function=None):
    """Describe the API value of ``block_class`` with ``function(block) -> dict``.

    The description also applies to subclasses that keep the class's representation (they
    override neither ``get_api_representation`` nor ``get_prep_value``). Works as a decorator:
    ``@register_block_schema(MyBlock)``.
    """
    if function is None:
        return lambda function: register_block_schema(block_class, function)
    _registry[block_class] = function
    return function


def block_schema(block) -> dict:
    """The JSON Schema of what ``block.get_api_representation()`` returns."""
    own = getattr(block, "get_api_schema", None)
    if callable(own):
        return own()
    for cls in type(block).__mro__:
        if cls in _registry:
            if _same_representation(type(block), cls):
                return _registry[cls](block)
            break
    return unknown_block_schema(block)


def _same_representation(block_class, registered_class):
    return all(
        getattr(block_class, name) is getattr(registered_class, name)
        for name in ("get_api_representation", "get_prep_value")
    )


def unknown_block_schema(block) -> dict:
    cls = type(block)
    return {
        "description": (
            f"{cls.__module__}.{cls.__qualname__} declares no JSON Schema (get_api_schema), "
            "so its value may be any JSON value."
        )
    }


def labelled(schema, block) -> dict:
    """A copy of ``schema`` titled with the block's label and described by its help text."""
    schema = dict(schema)
    if block.label:
        schema["title"] = force_str(block.label)
    help_text = getattr(block.meta, "help_text", None)
    if not help_text and isinstance(block, blocks.FieldBlock):
        help_text = block.field.help_text
    if help_text:
        schema["description"] = force_str(help_text)
    return schema


def stream_child_schema(name, block) -> dict:
    """One item of a stream, ``{"type": name, "value": …, "id": …}``, as Wagtail returns it."""
    return labelled(
        closed_object(
            {
                "type": {"const": name},
                "value": block_schema(block),
                "id": {
                    "type": ["string", "null"],
                    "description": "The block's UUID (null only in content saved without one).",
                },
            }
        ),
        block,
    )


def _item_counts(schema, meta):
    if getattr(meta, "min_num", None):
        schema["minItems"] = meta.min_num
    if getattr(meta, "max_num", None) is not None:
        schema["maxItems"] = meta.max_num
    return schema


@register_block_schema(blocks.StructBlock)
def struct_block_schema(block) -> dict:
    return closed_object(
        {name: labelled(block_schema(child), child) for name, child in block.child_blocks.items()}
    )


@register_block_schema(blocks.ListBlock)
def list_block_schema(block) -> dict:
    child = block.child_block
    return _item_counts(
        {"type": "array", "items": labelled(block_schema(child), child)}, block.meta
    )


@register_block_schema(blocks.StreamBlock)
def stream_block_schema(block) -> dict:
    members = [stream_child_schema(name, child) for name, child in block.child_blocks.items()]
    return _item_counts({"type": "array", "items": {"oneOf": members}}, block.meta)


def _string(block, **extra) -> dict:
    schema = {"type": "string", **extra}
    if getattr(block.field, "max_length", None):
        schema["maxLength"] = block.field.max_length
    if block.required and getattr(block.field, "min_length", None):
        schema["minLength"] = block.field.min_length
    return schema


def _formatted_string(string_format):
    # A blank optional value is "", which no string format accepts.
    return lambda block: _string(block, format=string_format) if block.required else _string(block)


def _nullable(json_type, string_format=None):
    def schema(block):
        result = {"type": json_type if block.required else [json_type, "null"]}
        if string_format:
            result["format"] = string_format
        return result

    return schema


def _choices(block):
    values = []
    for key, label in block.field.choices:
        if isinstance(label, (list, tuple)):  # an option group
            values.extend(value for value, _label in label)
        else:
            values.append(key)
    return values


def _chooser(description):
    return lambda block: {"type": ["integer", "null"], "description": description}


for _block_class in (blocks.CharBlock, blocks.TextBlock, blocks.RegexBlock):
    register_block_schema(_block_class, _string)
register_block_schema(blocks.URLBlock, _formatted_string("uri"))
register_block_schema(blocks.EmailBlock, _formatted_string("email"))
register_block_schema(
    blocks.RawHTMLBlock, lambda block: {"type": "string", "contentMediaType": "text/html"}
)
register_block_schema(blocks.BooleanBlock, lambda block: {"type": "boolean"})
register_block_schema(blocks.IntegerBlock, _nullable("integer"))
register_block_schema(blocks.FloatBlock, _nullable("number"))
register_block_schema(blocks.DateBlock, _nullable("string", "date"))
register_block_schema(blocks.TimeBlock, _nullable("string", "time"))
register_block_schema(blocks.DateTimeBlock, _nullable("string", "date-time"))
register_block_schema(blocks.StaticBlock, lambda block: {"type": "null"})
register_block_schema(blocks.ChoiceBlock, lambda block: {"enum": _choices(block)})
register_block_schema(
    blocks.MultipleChoiceBlock,
    lambda block: {"type": "array", "items": {"enum": _choices(block)}, "uniqueItems": True},
)
register_block_schema(
    blocks.RichTextBlock,
    lambda block: {
        "type": "string",
        "description": "Rich text as Wagtail's API returns it (database HTML by default).",
    },
)
register_block_schema(EmbedBlock, lambda block: {"type": "string", "description": "The media URL."})
register_block_schema(
    blocks.PageChooserBlock, _chooser("The page's id; null if the page no longer exists.")
)
register_block_schema(
    ImageChooserBlock, _chooser("The image's id; null if the image no longer exists.")
)
register_block_schema(
    DocumentChooserBlock, _chooser("The document's id; null if the document no longer exists.")
)


# Structured page fields. Each is an OpenAPI component of its own in API v3.

BODY_AREA = closed_object(
    {"id": {"type": "integer"}, "name": {"type": "string"}, "slug": {"type": "string"}},
    title="Body area",
)

_LINKED_PAGE_PROPERTIES = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "slug": {"type": "string"},
    "url": {
        "type": ["string", "null"],
        "description": "The page's URL, relative when the site has a single host; null if the "
        "page is not in any site.",
    },
    "summary": {"type": "string"},
}

LINKED_THERAPY = closed_object(
    {
        **_LINKED_PAGE_PROPERTIES,
        "note": {"type": "string", "description": "How the therapy helps this condition."},
    },
    title="Linked therapy",
    description="A live therapy linked from a condition, in the order editors set.",
)

LINKED_CONDITION = closed_object(
    _LINKED_PAGE_PROPERTIES,
    title="Linked condition",
    description="A live, public condition that links the therapy, by title.",
)

SECTION = closed_object(
    {"name": {"type": "string"}, "heading": {"type": "string"}},
    title="Section",
    description="A section the editor filled in, in page order: the field that holds its "
    "blocks and the heading to show above them.",
)

REVIEWER = closed_object(
    {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "credentials": {
            "type": "string",
            "description": "Qualifications after the name, e.g. 'DC, MSc'; may be empty.",
        },
    },
    title="Reviewer",
    description="The practitioner who last checked the page was clinically accurate.",
)

_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}

SOURCE = closed_object(
    {
        "number": {
            "type": "integer",
            "minimum": 1,
            "description": "The source's number on the page (1, 2, …), in editor order.",
        },
        "id": {"type": ["string", "null"], "description": "The block's UUID."},
        "title": {"type": "string"},
        "authors": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The people who wrote it; may be empty.",
        },
        "publisher": {"type": "string", "description": "May be empty."},
        "url": {
            "type": "string",
            "description": "Where the source's title links: the address the editor gave, else "
            "its DOI's or PubMed record's canonical link.",
        },
        "web_address": {"type": "string", "description": "The address given; may be empty."},
        "doi": {
            "type": "string",
            "description": "The bare DOI, e.g. 10.1136/bmj.n71; may be empty.",
        },
        "doi_url": {"type": "string", "description": "https://doi.org/…, or empty."},
        "pmid": {"type": "string", "description": "The PubMed ID; may be empty."},
        "pubmed_url": {
            "type": "string",
            "description": "https://pubmed.ncbi.nlm.nih.gov/…/, or empty.",
        },
        "date_published": _DATE_OR_NULL,
        "last_checked": {
            **_DATE_OR_NULL,
            "description": "When an editor last checked the source (required in the editor).",
        },
    },
    title="Source",
    description="A source the page cites, numbered as the page shows it under 'Sources'.",
)

STRUCTURED_DATA = closed_object(
    {
        "@context": {"const": "https://schema.org"},
        "@graph": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"@type": {"type": "string"}, "@id": {"type": "string"}},
                "required": ["@type"],
            },
        },
    },
    title="Structured data",
    description="The page's schema.org JSON-LD, the document its HTML carries in a "
    '<script type="application/ld+json">: a MedicalWebPage (about a MedicalCondition or a '
    "MedicalTherapy; on an index, with an ItemList of the pages it lists), its BreadcrumbList, "
    "and the clinic (a MedicalClinic) when the site's clinic settings name it. Empty values "
    "are left out.",
)

RENDITION = closed_object(
    {"url": {"type": "string"}, "width": {"type": "integer"}, "height": {"type": "integer"}}
)


# Appointment requests: the JSON endpoints (``submissions.py``). API v3 documents its
# operation with these (``v3_appointments.py``); the contract test checks real answers
# against them.

_OPTIONAL_TEXT = {"type": ["string", "null"]}

APPOINTMENT_REQUEST = {
    "type": "object",
    "title": "Appointment request",
    "description": (
        "One appointment request. Which optional questions a form asks, and which it "
        "requires, is in its block's API representation (`fields`): an answer to a question "
        "the form does not ask is a 422. `null` counts as leaving a key out."
    ),
    "properties": {
        "page": {"type": "integer", "description": "ID of the page carrying the form."},
        "block": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "ID of the appointment form block.",
        },
        "token": {
            "type": "string",
            "minLength": 1,
            "maxLength": 500,
            "description": "The form token from the block's API representation, or from a 403.",
        },
        "website": {**_OPTIONAL_TEXT, "description": "Honeypot: leave out or empty."},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "email": {"type": "string", "minLength": 1, "maxLength": 254},
        "phone": {**_OPTIONAL_TEXT, "maxLength": 32},
        "preferred_date": {**_OPTIONAL_TEXT, "description": "YYYY-MM-DD"},
        "preferred_time": {"enum": ["morning", "afternoon", "evening", "any", "", None]},
        "patient_status": {"enum": ["new", "returning", "", None]},
        "reason": _OPTIONAL_TEXT,
        "consent": {"const": True, "description": "Must be true."},
    },
    "required": ["page", "block", "token", "name", "email", "consent"],
    "additionalProperties": False,
}

VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "type": {
            "type": "string",
            "description": "A code, e.g. `extra_forbidden`, `missing`, `required`, `invalid`.",
        },
        "loc": {
            "type": "array",
            "prefixItems": [{"enum": ["body", "header"]}],
            "items": {"type": "string"},
            "minItems": 1,
            "maxItems": 2,
            "description": (
                '`["body", <key>]`, `["body"]` for the body as a whole, or '
                '`["header", "Idempotency-Key"]`.'
            ),
        },
        "msg": {"type": "string", "description": "The message for people."},
    },
    "required": ["type", "loc", "msg"],
    "additionalProperties": False,
}


def appointment_problem_schema(status, **members) -> dict:
    """The RFC 7807 problem the appointment endpoints answer with ``status``; ``members``
    are the JSON Schemas of its extra (required) members."""
    return closed_object(
        {
            "type": {"const": "about:blank"},
            "title": {"type": "string", "description": "The status's reason phrase."},
            "status": {"const": status},
            "detail": {"type": "string"},
            **members,
        },
        title="Problem",
    )


APPOINTMENT_TOKEN_PROBLEM_MEMBERS = {
    "token": {
        "type": "string",
        "description": "A new form token: send the request again with it.",
    }
}
APPOINTMENT_VALIDATION_PROBLEM_MEMBERS = {
    "errors": {"type": "array", "items": VALIDATION_ERROR, "minItems": 1}
}
