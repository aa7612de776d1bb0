"""
DRF serializer fields behind our pages' ``api_fields``.

API v2 uses them like any serializer field. API v3 (Wagtail 8) calls them through its v2
compatibility layer, with no request in their context, and types each by the return annotation
of its ``to_representation``: the annotations below carry our JSON Schemas into the OpenAPI
document (see ``v3.py``). On Wagtail 7.4 they are plain ``Any``, which nothing reads.

Fields that read related rows have the page model fetch them for every page of the response at
once (``prefetch_api_data``), so a listing costs the same number of queries for 1 page or 20.
"""

from typing import Any

from django.db.models import Model, prefetch_related_objects
from rest_framework import serializers

from ..blocks.batch import response_batch
from ..compat import HAS_API_V3
from ..i18n import localise_reviewers, page_reviewer
from ..structured_data import page_structured_data, prefetch_structured_data
from . import schemas

if HAS_API_V3:
    from .v3 import json_schema_type, stream_type
else:  # Wagtail < 8 has API v2 only.

    def json_schema_type(name, schema):
        return Any

    def stream_type(stream_block):
        return list[Any]


BodyArea = json_schema_type("WagtailConditionsBodyArea", schemas.BODY_AREA)
LinkedTherapy = json_schema_type("WagtailConditionsLinkedTherapy", schemas.LINKED_THERAPY)
LinkedCondition = json_schema_type("WagtailConditionsLinkedCondition", schemas.LINKED_CONDITION)
Section = json_schema_type("WagtailConditionsSection", schemas.SECTION)
StructuredData = json_schema_type("WagtailConditionsStructuredData", schemas.STRUCTURED_DATA)
Reviewer = json_schema_type("WagtailConditionsReviewer", schemas.REVIEWER)
Source = json_schema_type("WagtailConditionsSource", schemas.SOURCE)


class ReadOnlyField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class StringListField(ReadOnlyField):
    """A list of strings, read from the attribute named by ``source``."""

    def to_representation(self, value) -> list[str]:
        return [str(item) for item in value]


class PageField(ReadOnlyField):
    """A field computed from the whole page, its related rows fetched for the whole response."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        prefetch = getattr(instance, "prefetch_api_data", None)
        if prefetch is not None:
            prefetch(self.response_pages(instance))
        return super().get_attribute(instance)

    def response_pages(self, page):
        """The pages serialized along with ``page``: a listing's results, or ``page`` alone."""
        results = getattr(self.root, "instance", None)
        if results is None or isinstance(results, Model):
            return [page]
        # A listing: the list serializer is iterating over ``results``, already fetched.
        try:
            pages = [item for item in results if type(item) is type(page)]
        except TypeError:
            return [page]
        return pages if page in pages else [page]


def linked_page(page, request):
    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "url": page.get_url(request=request),
        "summary": page.summary,
    }


class BodyAreasField(PageField):
    def to_representation(self, page) -> list[BodyArea]:
        return [
            {"id": area.pk, "name": area.name, "slug": area.slug}
            for area in page.get_api_body_areas()
        ]


class LinkedTherapiesField(PageField):
    def to_representation(self, page) -> list[LinkedTherapy]:
        request = self.context.get("request")
        return [
            {**linked_page(link.therapy, request), "note": link.note}
            for link in page.get_api_therapy_links()
        ]


class LinkedConditionsField(PageField):
    def to_representation(self, page) -> list[LinkedCondition]:
        request = self.context.get("request")
        return [linked_page(condition, request) for condition in page.get_api_conditions()]


class SectionsField(PageField):
    def to_representation(self, page) -> list[Section]:
        return [
            {"name": name, "heading": str(heading)}
            for name, heading, _value in page.get_section_list()
        ]


class ReviewerField(PageField):
    """The practitioner who last reviewed the page (``reviewed_by``), in the page's locale
    where they have a translation there, or null. The reviewers of all the response's pages are
    fetched in one query (none when no page has one), and their translations in one more (none
    when localisation is off or no reviewer is in another locale than their page)."""

    def get_attribute(self, instance):
        pages = [page for page in self.response_pages(instance) if page.pk]
        prefetch_related_objects(pages, "reviewed_by")
        localise_reviewers(pages)
        return super().get_attribute(instance)

    def to_representation(self, page) -> Reviewer | None:
        reviewer = page_reviewer(page)
        if reviewer is None:
            return None
        return {"id": reviewer.pk, "name": reviewer.name, "credentials": reviewer.credentials}


def _iso(day):
    return day.isoformat() if day else None


def source_representation(number, child_id, source):
    """A cited source (a ``SourceBlock`` value) as the APIs give it."""
    return {
        "number": number,
        "id": child_id,
        "title": source["title"],
        "authors": source.author_names,
        "publisher": source.get("publisher") or "",
        "url": source.href,
        "web_address": source.get("url") or "",
        "doi": source.get("doi") or "",
        "doi_url": source.doi_url,
        "pmid": source.get("pmid") or "",
        "pubmed_url": source.pubmed_url,
        "date_published": _iso(source.get("date_published")),
        "last_checked": _iso(source.get("last_checked")),
    }


class SourcesField(PageField):
    """The page's cited sources, numbered as the page shows them (read from the page's own
    row: no query)."""

    def to_representation(self, page) -> list[Source]:
        return [
            source_representation(number, child.id, child.value)
            for number, child in enumerate(page.get_sources(), start=1)
        ]


class StructuredDataField(PageField):
    """The page's schema.org JSON-LD: the document its HTML carries in a script element
    (``wagtail_conditions/structured_data.py``), fetched for the whole response at once."""

    def get_attribute(self, instance):
        prefetch_structured_data(self.response_pages(instance), self.context.get("request"))
        return super().get_attribute(instance)

    def to_representation(self, page) -> StructuredData:
        return page_structured_data(page, self.context.get("request"))


class StreamBlockField(ReadOnlyField):
    """A StreamField as its blocks' API representation, as Wagtail's own serializer gives it,
    with the page in the blocks' context (``context["page"]``) as templates have it, and the
    response's batch (``context["api_batch"]``, see ``blocks/batch.py``), which fetches what the
    response's StreamFields reference once for all its pages."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    response_pages = PageField.response_pages

    def response_stream_fields(self, page):
        """The names of the StreamFields the response shows."""
        fields = getattr(self.parent, "fields", None)
        if fields is None:  # API v3 binds each field on its own: all of the page's.
            fields = {field.name: field.serializer for field in getattr(page, "api_fields", ())}
        return {name for name, field in fields.items() if isinstance(field, StreamBlockField)}

    def to_representation(self, page):
        pages = self.response_pages(page)
        batch = response_batch(page, pages, self.response_stream_fields(page))
        value = getattr(page, self.field_name)
        context = {**self.context, "page": page, "api_batch": batch}
        return value.stream_block.get_api_representation(value, context=context)


_stream_field_classes = {}


def stream_field_serializer(field):
    """The serializer field for StreamField ``field`` (or for a StreamBlock instance), typed in
    API v3 by the blocks it allows. Use it in ``api_fields`` for any StreamField of our blocks:
    ``APIField("body", serializer=stream_field_serializer(body))``."""
    stream_block = getattr(field, "stream_block", field)
    block_class = type(stream_block)
    if block_class not in _stream_field_classes:
        annotation = stream_type(stream_block)

        def to_representation(self, page) -> annotation:
            return StreamBlockField.to_representation(self, page)

        _stream_field_classes[block_class] = type(
            f"{block_class.__name__}Field",
            (StreamBlockField,),
            {"__module__": __name__, "to_representation": to_representation},
        )
    return _stream_field_classes[block_class]()
