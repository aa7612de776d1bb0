"""
Precise types for our API fields in Wagtail 8's API v3 (django-ninja, OpenAPI 3.1).

API v3 builds each page type's schema from its ``api_fields`` when ``wagtail.api.v3.api`` is
first imported (``wagtail.images`` does it in its ``ready()``). It types a field that has a DRF
serializer by the return annotation of the serializer's ``to_representation``, and our
serializers annotate it with the types made here. Pydantic reads these through
``__get_pydantic_core_schema__`` and ``__get_pydantic_json_schema__``: values pass through as
the serializer returns them (so API v2 and v3 return the same JSON), and the OpenAPI document
gets a named component holding the JSON Schema from ``schemas.py``.

A StreamField becomes a list of a tagged union on ``type``, one component per block type, so
the document carries an OpenAPI ``discriminator`` with its mapping as well as ``oneOf``/``const``.

Our page types need no registration: API v3 registers every page model, with its
``api_fields``, by itself. A host site serves the API by adding to its URLconf, before
``include(wagtail_urls)``::

    from wagtail.api.v3.urls import api as api_v3
    from wagtail_conditions.api.caching import cached_api_urls

    urlpatterns = [
        ...
        path("api/v3/", cached_api_urls(api_v3.urls)),  # pages, schema/, openapi.json, docs/
        ...
    ]

(``"wagtail.api.v3"`` in ``INSTALLED_APPS`` lets editors create the API tokens that
``/api/v3/schema/`` and drafts ask for.)

Only ``serializers.py`` imports this module, and only when ``wagtail.api.v3`` exists.
"""

import re
from functools import partial

import wagtail.api.v3  # noqa: F401  (an ImportError on Wagtail < 8, by design)
from pydantic_core import core_schema

from .schemas import stream_child_schema

_types = {}


def component_name(*parts):
    """An OpenAPI component name made of ``parts``: CamelCase letters and digits."""
    words = (word for part in parts for word in re.split(r"[^0-9A-Za-z]+", part) if word)
    return "".join(word[:1].upper() + word[1:] for word in words)


def json_schema_type(name, schema):
    """A type shown as component ``name``, whose JSON Schema is ``schema`` (a dict, or a
    function returning one so that labels are translated when the document is built)."""
    if name not in _types:

        def core(cls, source, handler):
            return core_schema.any_schema(ref=name)

        def json(cls, core, handler):
            return schema() if callable(schema) else dict(schema)

        _types[name] = type(
            name,
            (),
            {
                "__get_pydantic_core_schema__": classmethod(core),
                "__get_pydantic_json_schema__": classmethod(json),
            },
        )
    return _types[name]


def stream_type(stream_block):
    """The type of a StreamField of ``stream_block``: its items, discriminated by ``type``."""
    block_class = type(stream_block)
    name = component_name(block_class.__module__.split(".")[0], block_class.__name__)
    if name not in _types:
        members = {
            child_name: json_schema_type(
                component_name(name, child_name), partial(stream_child_schema, child_name, child)
            )
            for child_name, child in stream_block.child_blocks.items()
        }

        def core(cls, source, handler):
            choices = {tag: handler.generate_schema(member) for tag, member in members.items()}
            items = (
                core_schema.tagged_union_schema(choices, discriminator="type")
                if choices
                else core_schema.any_schema()
            )
            return core_schema.list_schema(items, ref=name)

        _types[name] = type(name, (), {"__get_pydantic_core_schema__": classmethod(core)})
    return _types[name]
