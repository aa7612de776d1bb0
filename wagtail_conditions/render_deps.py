"""
What a page's HTML depends on, and what each content version changed: so that a page kept by
the render cache at an older version is served again when nothing it shows has changed since,
instead of being rendered again (``render_cache.serve``).

Every change the render cache sees starts a new content version and writes one or two
``ContentChange`` rows in the same transaction:

- a page published, unpublished, saved, moved or deleted: its tree path, translation key and
  model (a move also writes its old parent's path);
- anything else (a snippet, a setting, a site, a locale, an image, a document, a view
  restriction, a host's ``new_content_version()``), and a page shown by a snippet or a setting
  (a menu, the privacy notice) or near the top of a site's tree (where menus list pages): a
  *global* change, which every page rendered before it must be rendered again for.

A page rendered for the cache declares its ``Dependencies`` (``get_render_dependencies``):
the tree paths of the pages it shows (itself and its ancestors are covered by a path's
prefixes), their translation keys (language links, localised links), and the page models any
change of which it shows (a therapy lists the conditions that link to it; an index lists its
children). A page that declares none is never reused across versions.
"""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.apps import apps
from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField

# The links of Wagtail's rich text to pages, as stored: <a linktype="page" id="12">.
_PAGE_LINK = re.compile(r"<a\b[^>]*\blinktype=\"page\"[^>]*>")
_LINK_ID = re.compile(r"\bid=\"(\d+)\"")


@dataclass(frozen=True)
class Dependencies:
    """What a page's HTML shows besides what the global changes cover."""

    paths: frozenset = field(default_factory=frozenset)
    translation_keys: frozenset = field(default_factory=frozenset)
    models: frozenset = field(default_factory=frozenset)

    def touched_by(self, path, translation_key, model):
        """Whether a change (a ``ContentChange`` row's fields) can alter what they cover."""
        if not path:
            return True
        if model and model in self.models:
            return True
        if translation_key is not None and str(translation_key) in self.translation_keys:
            return True
        # The page changed is one shown, or one above a page shown (its URL, its breadcrumb).
        return any(shown.startswith(path) for shown in self.paths)


def page_dependencies(pages, models=()):
    """``Dependencies`` on ``pages`` (instances with ``path`` and ``translation_key``) and on
    any change of the page ``models`` (classes)."""
    pages = [page for page in pages if page is not None]
    return Dependencies(
        paths=frozenset(page.path for page in pages),
        translation_keys=frozenset(str(page.translation_key) for page in pages),
        models=frozenset(model._meta.label_lower for model in models),
    )


# --- The pages a page's content links to --------------------------------------------------------


def _rich_text_page_ids(html):
    for tag in _PAGE_LINK.findall(html or ""):
        found = _LINK_ID.search(tag)
        if found:
            yield int(found[1])


def _walk(block, raw):
    """The ids of the pages ``raw`` (a block's stored value) links to, read without converting
    it (a page chooser's id, a rich text's page links), through streams, lists and structs."""
    if raw is None:
        return
    if isinstance(block, blocks.PageChooserBlock):
        if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
            yield int(raw)
    elif isinstance(block, blocks.RichTextBlock):
        if isinstance(raw, str):
            yield from _rich_text_page_ids(raw)
    elif isinstance(block, blocks.StreamBlock):
        for item in raw if isinstance(raw, list) else ():
            if isinstance(item, dict):
                child = block.child_blocks.get(item.get("type"))
                yield from _walk(child, item.get("value"))
    elif isinstance(block, blocks.ListBlock):
        for item in raw if isinstance(raw, list) else ():
            # Wagtail's list format ({"type": "item", "value": ..., "id": ...}) or the older one.
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            yield from _walk(block.child_block, item)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child in block.child_blocks.items():
                yield from _walk(child, raw.get(name))


def linked_page_ids(page):
    """The ids of the pages ``page``'s StreamFields and rich text fields link to."""
    found = set()
    for model_field in page._meta.concrete_fields:
        if model_field.attname not in page.__dict__:
            continue  # deferred: not shown by this render
        value = page.__dict__[model_field.attname]
        if isinstance(model_field, StreamField) and value is not None:
            found.update(_walk(model_field.stream_block, value.get_prep_value()))
        elif isinstance(model_field, RichTextField):
            found.update(_rich_text_page_ids(value))
    return found


def linked_pages(page, also=None):
    """(path, translation_key) stand-ins of the pages ``page`` links to and of those whose ids
    ``also`` (a queryset of ids) gives: one query."""
    from django.db.models import Q
    from wagtail.models import Page

    ids = linked_page_ids(page)
    if not ids and also is None:
        return []
    where = Q(pk__in=ids)
    if also is not None:
        where |= Q(pk__in=also)
    return [
        _Shown(path, key)
        for path, key in Page.objects.filter(where).values_list("path", "translation_key")
    ]


def dependencies_of_pages(pages, request):
    """{page.pk: ``Dependencies``} of ``pages`` serialized together (an API listing's results),
    for those that declare theirs (``get_render_dependencies``): each page's own path and
    translation key, and, shared by all of them, the pages any of them links to or shows and
    the page models any of them lists (one query for the whole batch). Sharing what they show
    renders a page again for a change to a page another one shows, never the other way round.
    A page model that overrides ``get_render_dependencies`` is asked on its own."""
    from django.db.models import Q
    from wagtail.models import Page

    found, batched = {}, []
    for page in pages:
        method = getattr(type(page), "get_render_dependencies", None)
        if method is None:
            continue
        if getattr(method, "batched", False):
            batched.append(page)
        else:
            dependencies = page.get_render_dependencies(request, {})
            if dependencies is not None:
                found[page.pk] = dependencies
    if not batched:
        return found
    ids, querysets, models = set(), [], set()
    for page in batched:
        ids |= linked_page_ids(page)
        shown = page.get_shown_pages({})
        if shown is not None:
            querysets.append(shown)
        models.update(page.get_shown_page_models())
    where = [Q(pk__in=ids)] if ids else []
    where += [Q(pk__in=queryset) for queryset in querysets]
    shown = []
    if where:
        rows = Page.objects.filter(reduce(operator.or_, where))
        shown = [_Shown(path, key) for path, key in rows.values_list("path", "translation_key")]
    found.update({page.pk: page_dependencies([page, *shown], models) for page in batched})
    return found


def page_models_of(model):
    """``model`` and the page models that inherit from it (a host's subclasses)."""
    from wagtail.models import get_page_models

    return [candidate for candidate in get_page_models() if issubclass(candidate, model)]


@dataclass(frozen=True)
class _Shown:
    path: str
    translation_key: object


# --- What each change records -------------------------------------------------------------------


def _change_model():
    return apps.get_model("wagtail_conditions", "ContentChange")


def _page_label(page):
    specific_class = getattr(page, "specific_class", None) or type(page)
    return specific_class._meta.label_lower


def _near_the_top(page):
    """Whether ``page`` is a site's root page or one of its children: what menus list."""
    from wagtail.models import Site

    url_path = page.url_path or ""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            rest = url_path[len(root.root_path) :].strip("/")
            if "/" not in rest:
                return True
    return False


def _shown_by_non_pages(page):
    """Whether a snippet, a setting or another non-page object refers to ``page`` (a menu, the
    privacy notice): then every page may show it."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import Page, ReferenceIndex
    from wagtail.snippets.models import get_snippet_models

    page_type = ReferenceIndex._get_base_content_type(page)
    if ReferenceIndex.get_references_to(page).exclude(base_content_type=page_type).exists():
        return True
    for model in {*settings_registry, *get_snippet_models()}:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and issubclass(
                model_field.related_model, Page
            ):
                if model._default_manager.filter(**{model_field.attname: page.pk}).exists():
                    return True
    return False


def change_rows(version, instance=None, old_parent=None):
    """The ``ContentChange`` rows of ``version``, made by a change to ``instance`` (None: a
    change the package cannot describe) and, for a move, the page's ``old_parent``."""
    from wagtail.models import Page

    model = _change_model()
    if not isinstance(instance, Page) or not instance.path:
        return [model(version=version)]
    if _near_the_top(instance) or _shown_by_non_pages(instance):
        return [model(version=version, model=_page_label(instance))]
    rows = [
        model(
            version=version,
            path=instance.path,
            translation_key=instance.translation_key,
            model=_page_label(instance),
        )
    ]
    if old_parent is not None and old_parent.path:
        rows.append(model(version=version, path=old_parent.path, model=_page_label(instance)))
    return rows


def record(version, instance=None, old_parent=None):
    """Write what ``version`` changed, and forget the rows of versions too old to keep (in the
    caller's transaction)."""
    model = _change_model()
    model.objects.bulk_create(change_rows(version, instance, old_parent))
    if version % 50 == 0:
        model.objects.filter(version__lte=version - model.KEPT).delete()


def unchanged_since(version, current, dependencies):
    """Whether nothing ``dependencies`` cover changed after ``version`` up to ``current``:
    one query. False when a version in between has no rows (too old, or written before this
    table existed)."""
    if dependencies is None or version > current:
        return False
    if version == current:
        return True
    model = _change_model()
    if current - version > model.KEPT:
        return False
    rows = list(
        model.objects.filter(version__gt=version, version__lte=current).values_list(
            "version", "path", "translation_key", "model"
        )
    )
    if len({row[0] for row in rows}) != current - version:
        return False
    return not any(dependencies.touched_by(*row[1:]) for row in rows)


def unchanged_many(current, kept):
    """Which of ``kept`` ({key: (version, Dependencies)}) nothing changed for after their
    version up to ``current``: a set of keys, with one query for all of them."""
    fresh = {key for key, (version, _deps) in kept.items() if version == current}
    older = {
        key: value
        for key, value in kept.items()
        if key not in fresh and value[1] is not None and value[0] < current
    }
    model = _change_model()
    older = {key: value for key, value in older.items() if current - value[0] <= model.KEPT}
    if not older:
        return fresh
    oldest = min(version for version, _deps in older.values())
    rows = list(
        model.objects.filter(version__gt=oldest, version__lte=current).values_list(
            "version", "path", "translation_key", "model"
        )
    )
    versions = {row[0] for row in rows}
    for key, (version, dependencies) in older.items():
        # Every version in between must have its rows (none pruned, none from before them).
        if sum(1 for seen in versions if seen > version) != current - version:
            continue
        if not any(row[0] > version and dependencies.touched_by(*row[1:]) for row in rows):
            fresh.add(key)
    return fresh
