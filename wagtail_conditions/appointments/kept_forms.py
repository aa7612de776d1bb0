"""
A form's resolution kept for the content version: what a submission needs to know about the
page it came from (the specific page, its form block, the block's ``FormConfig``), read back
from the render cache with one query (the content version) instead of four.

Resolving a form reads the live, public page, its specific row, the site's appointment
settings and the page's StreamField; every one of them can only change with a new content
version (a page published, unpublished, moved or made private; a setting saved), so the
answer is kept under that version, as the page's HTML is (``render_cache.remember``).

What is kept is plain data: the specific page's concrete field values (its StreamFields as
their stored JSON), its locale's language, the path to the form block's definition and the
config. Wagtail's blocks cannot be pickled, so the block is found again from the page model.
Restored, the page is a model instance as the database gives it (``Model.from_db``): related
objects and child relations are read on access, as on any instance.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS
from wagtail.fields import StreamField
from wagtail.models import Locale


@dataclass(frozen=True)
class KeptForm:
    model: str  # the specific page model, "app_label.ModelName"
    field_names: tuple  # its concrete fields' attnames, in the model's order
    values: tuple
    locale: tuple  # (id, language_code) or ()
    stream_field: str  # the StreamField holding the form block
    block_type: str  # the block's name in that field's StreamBlock
    config: object  # the block's FormConfig

    @classmethod
    def of(cls, page, block, config):
        """What to keep of a resolved form, or None when its block cannot be found again
        from the page model alone (a form nested in a host's own block)."""
        found = _block_path(page, block)
        if found is None:
            return None
        fields = page._meta.concrete_fields
        values = tuple(
            field.get_prep_value(getattr(page, field.attname))
            if isinstance(field, StreamField)
            else getattr(page, field.attname)
            for field in fields
        )
        locale = page.locale
        return cls(
            model=page._meta.label,
            field_names=tuple(field.attname for field in fields),
            values=values,
            locale=(locale.pk, locale.language_code) if locale is not None else (),
            stream_field=found[0],
            block_type=found[1],
            config=config,
        )

    def restore(self):
        """(page, block, config) as ``resolve_form`` answers, or None when the model has
        changed since this was kept (a deploy that adds a field: resolve it again)."""
        try:
            model = apps.get_model(self.model)
        except LookupError:
            return None
        fields = model._meta.concrete_fields
        if tuple(field.attname for field in fields) != self.field_names:
            return None
        values = [
            field.to_python(value) if isinstance(field, StreamField) else value
            for field, value in zip(fields, self.values, strict=True)
        ]
        page = model.from_db(DEFAULT_DB_ALIAS, self.field_names, values)
        if self.locale:
            locale = Locale.from_db(DEFAULT_DB_ALIAS, ("id", "language_code"), self.locale)
            model._meta.get_field("locale").set_cached_value(page, locale)
        stream_block = model._meta.get_field(self.stream_field).stream_block
        block = stream_block.child_blocks.get(self.block_type)
        if block is None:
            return None
        return page, block, self.config


def _block_path(page, block):
    # The form blocks our stream blocks offer sit at the top level of a StreamField.
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            for name, child_block in field.stream_block.child_blocks.items():
                if child_block is block:
                    return field.name, name
    return None
