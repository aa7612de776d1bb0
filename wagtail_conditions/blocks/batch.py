"""
What the stream blocks of one API response read, fetched once for all the response's pages.

Left alone, Wagtail converts each StreamField of each page on first access (a query per model
its chooser blocks reference, per field), a rich text block expands its links with a query per
model per paragraph, an embed block reads its row, and a form block looks up its page's site and
that site's settings: a listing of N pages costs all that N times over. ``ResponseBatch``
converts the requested StreamFields of every page of the response together
(``StreamBlock.bulk_to_python``, so a chooser's rows come in one query however many pages and
fields use it), expands all their rich text in one pass, reads their embeds in one query and
resolves each site's appointment settings once. Our serializers put it in the blocks' context
as ``context["api_batch"]``; a block without one (Wagtail's own serializer) works as before.

A page rendered as HTML has one too (``page_batch``), for its rich text only (the template
converts each StreamField as it reaches it, and Wagtail's embed block reads its own row).
"""

from django.apps import apps
from django.utils.timezone import now
from wagtail import blocks
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock, EmbedValue
from wagtail.embeds.models import Embed
from wagtail.fields import StreamField
from wagtail.models import Site
from wagtail.rich_text import RichText, expand_db_html

from ..sites import site_id_for_page

# Joins rich text sources for one expansion pass. PostgreSQL text cannot hold NUL, so no stored
# rich text contains it; a source that does (SQLite can store one) is expanded on its own.
_SEPARATOR = "\x00"
_ATTRIBUTE = "_wagtail_conditions_api_batch"


def response_batch(page, pages, field_names=None):
    """The batch of the response ``page`` is serialized in, made for ``pages`` (the response's
    pages of its type, ``page`` among them) on first use and then shared through the pages.
    ``field_names``: the StreamFields the response shows (default: all of the page's)."""
    batch = getattr(page, _ATTRIBUTE, None)
    if batch is None:
        batch = ResponseBatch(pages, field_names)
        for each in pages:
            setattr(each, _ATTRIBUTE, batch)
    return batch


def page_batch(page):
    """The batch of ``page`` rendered on its own (as HTML): its StreamFields are left as they
    are, their rich text expanded together."""
    batch = getattr(page, _ATTRIBUTE, None)
    if batch is None:
        batch = ResponseBatch([page], convert=False)
        setattr(page, _ATTRIBUTE, batch)
    return batch


class ResponseBatch:
    def __init__(self, pages, field_names=None, *, convert=True):
        self._block_ids = {}
        self._rich_text = {}
        self._embeds = {}
        self._site_settings = {}
        self._memo = {}
        if convert:
            self._collect(self._convert(pages, field_names), read_embeds=True)
        else:
            values = [
                page.__dict__[name]
                for page in pages
                for name in _stream_field_names(page, field_names)
            ]
            self._collect(values, read_embeds=False)

    # --- Lookups the blocks make ---------------------------------------------------------

    def block_id(self, value):
        """The stream id of the block whose value is ``value``, if it is one of the response's."""
        return self._block_ids.get(id(value))

    def rich_text(self, source):
        if source in self._rich_text:
            return self._rich_text[source]
        return expand_db_html(source)

    def embed(self, url, max_width=None, max_height=None):
        found = self._embeds.get(embeds.get_embed_hash(url, max_width, max_height))
        return found or embeds.get_embed(url, max_width, max_height)

    def site_settings(self, page, request=None):
        """The appointment settings of ``page``'s site (an unsaved blank one if it has none,
        None if the page is on no site), looked up once per site for the whole response."""
        site_id = _site_id(page, request)
        if site_id not in self._site_settings:
            self._site_settings[site_id] = _load_site_settings(site_id, request)
        return self._site_settings[site_id]

    def clinic_settings(self, page, request=None):
        """The clinic settings of ``page``'s site (None if it has none or the page is on no
        site), looked up once per site for the whole response: the request's own cached ones
        when the page is on the request's site."""
        site_id = _site_id(page, request)

        def load():
            if site_id is None:
                return None
            ClinicSettings = apps.get_model("wagtail_conditions", "ClinicSettings")
            if (
                request is not None
                and getattr(Site.find_for_request(request), "pk", None) == site_id
            ):
                return ClinicSettings.for_request(request)  # Cached on the request.
            return ClinicSettings.base_queryset().filter(site_id=site_id).first()

        return self.memo(("clinic_settings", site_id), load)

    def memo(self, key, make):
        """``make()``, called once per ``key`` for the whole response: for what the blocks of
        several pages would otherwise each compute alike (a form's description)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # --- Fetching ------------------------------------------------------------------------

    def _convert(self, pages, field_names):
        """Convert the StreamFields of ``pages`` in bulk; return every (block, value) shown."""
        groups = []  # [stream block, [(page, field name, raw stream)]]
        values = []
        for page in pages:
            for name in _stream_field_names(page, field_names):
                value = page.__dict__[name]
                if getattr(value, "is_lazy", False) and value.raw_text is None:
                    for group in groups:
                        if group[0] == value.stream_block:
                            group[1].append((page, name, list(value.raw_data)))
                            break
                    else:
                        groups.append([value.stream_block, [(page, name, list(value.raw_data))]])
                else:
                    values.append(value)
        for stream_block, members in groups:
            converted = stream_block.bulk_to_python([raw for _page, _name, raw in members])
            for (page, name, _raw), value in zip(members, converted, strict=True):
                setattr(page, name, value)
                values.append(value)
        return values

    def _collect(self, values, *, read_embeds):
        sources = set()
        embed_hashes = set()
        for value in values:
            for block, child, child_id in _walk(value.stream_block, value):
                if child_id:
                    self._block_ids[id(child)] = child_id
                if isinstance(child, RichText) and child.source:
                    sources.add(child.source)
                elif (
                    read_embeds and isinstance(block, EmbedBlock) and isinstance(child, EmbedValue)
                ):
                    embed_hashes.add(
                        embeds.get_embed_hash(child.url, child.max_width, child.max_height)
                    )
        self._expand_rich_text([source for source in sources if _SEPARATOR not in source])
        if embed_hashes:
            fresh = Embed.objects.exclude(cache_until__lte=now()).filter(hash__in=embed_hashes)
            self._embeds = {embed.hash: embed for embed in fresh}

    def _expand_rich_text(self, sources):
        if not sources:
            return
        expanded = expand_db_html(_SEPARATOR.join(sources)).split(_SEPARATOR)
        if len(expanded) == len(sources):
            self._rich_text = dict(zip(sources, expanded, strict=True))


def _stream_field_names(page, field_names):
    for model_field in page._meta.get_fields():
        if not isinstance(model_field, StreamField):
            continue
        if field_names is not None and model_field.name not in field_names:
            continue
        if model_field.name in page.__dict__:  # Deferred fields stay so.
            yield model_field.name


def _walk(block, value):
    """Yield (block, value, stream id or None) for every block inside ``value`` of ``block``."""
    if isinstance(value, blocks.StreamValue):
        for child in value:
            yield child.block, child.value, child.id
            yield from _walk(child.block, child.value)
    elif isinstance(value, blocks.StructValue):
        for name, child in value.items():
            child_block = block.child_blocks.get(name)
            if child_block is not None:
                yield child_block, child, None
                yield from _walk(child_block, child)
    elif isinstance(value, blocks.list_block.ListValue):
        for bound in value.bound_blocks:
            yield bound.block, bound.value, bound.id
            yield from _walk(bound.block, bound.value)


def page_site_settings(page, request=None):
    """The appointment settings of ``page``'s site, as ``ResponseBatch.site_settings`` gives
    them, for one page: its site found from Wagtail's cached site root paths (no query for the
    ``Site``), the settings in one query with their privacy page."""
    return _load_site_settings(_site_id(page, request), request)


def _site_id(page, request):
    return site_id_for_page(page, request)


def _load_site_settings(site_id, request):
    if site_id is None:
        return None
    # Through the app registry: the models import the blocks for their StreamFields.
    AppointmentSettings = apps.get_model("wagtail_conditions", "AppointmentSettings")
    if request is not None and getattr(Site.find_for_request(request), "pk", None) == site_id:
        return AppointmentSettings.for_request(request)  # Cached on the request.
    found = (
        AppointmentSettings.objects.filter(site_id=site_id).select_related("privacy_notice").first()
    )
    return found or AppointmentSettings(site_id=site_id)
