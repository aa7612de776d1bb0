"""
Wagtail localisation: pages and body areas that stay linked across locales.

A condition page links therapy pages and body areas. When the condition is translated,
those links should lead to the same-locale translations. Two moments could do that: when the
translation is made (copying), or when the page is read (rendering, the API). We do both,
and the second is the one that counts:

- **Read time is the source of truth.** ``localised_pages`` and ``localised_body_areas`` swap
  each linked object for its live translation in the page's locale, where there is one, in
  one query for all of them, and only when something links across locales (a single-language
  site never pays for it). This stays right whatever made the translation and whenever the
  therapy's translation appears: simple_translation's "copy for translation", and
  wagtail-localize, which re-copies page links from the source page on every sync (it
  deliberately synchronises foreign keys to pages, "because we can localize them at runtime
  easily"), and a therapy translated after the condition was.
- **Copy time is for editors.** When Wagtail copies a condition for translation (both tools
  go through ``copy_for_translation``, which sends ``copy_for_translation_done``),
  ``relink_translation`` points the copy's stored links at the translations that exist, so the
  editor sees them in the "Therapies" tab; the ones that have none keep the source page and
  the tab names them (``UntranslatedTherapiesPanel``).
"""

from contextlib import nullcontext

from django.conf import settings
from django.dispatch import receiver
from django.utils import translation
from wagtail.signals import copy_for_translation_done


def i18n_enabled():
    return getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def page_language(page):
    """The language code of ``page``'s locale when Wagtail's localisation is on, else None
    (a single-language site answers in the request's language, as Django picks it)."""
    if page is None or not i18n_enabled() or not getattr(page, "locale_id", None):
        return None
    return page.locale.language_code


def override_page_language(page):
    """A context manager activating ``page``'s language (``translation.override``); it leaves
    the active language alone when localisation is off."""
    language = page_language(page)
    return translation.override(language) if language else nullcontext()


def _translations(queryset, objects, locale_id):
    """{translation_key: translation in ``locale_id``} (from ``queryset``) for those of
    ``objects`` in another locale: one query, none when all are in ``locale_id`` already."""
    keys = {obj.translation_key for obj in objects if obj.locale_id != locale_id}
    if not keys:
        return {}
    return {
        obj.translation_key: obj
        for obj in queryset.filter(locale_id=locale_id, translation_key__in=keys)
    }


def _swap(objects, found, locale_id):
    return [
        found.get(obj.translation_key, obj) if obj.locale_id != locale_id else obj
        for obj in objects
    ]


def localised_pages(pages, locale_id, *, defer=()):
    """``pages`` with each one in another locale swapped for its live translation in
    ``locale_id`` where it has one (the source-locale page is kept otherwise). The
    translations are fetched without the fields named in ``defer``."""
    pages = list(pages)
    if not pages:
        return pages
    queryset = type(pages[0])._default_manager.live().defer(*defer)
    return _swap(pages, _translations(queryset, pages, locale_id), locale_id)


def localised_body_areas(areas, locale_id, *, unique=True):
    """``areas`` in ``locale_id``: each swapped for its translation where it has one (one
    query, none when all are in ``locale_id``); duplicates dropped unless ``unique`` is False."""
    areas = list(areas)
    if not areas:
        return areas
    queryset = type(areas[0])._default_manager.all()
    localised = _swap(areas, _translations(queryset, areas, locale_id), locale_id)
    return list(dict.fromkeys(localised)) if unique else localised


@receiver(copy_for_translation_done, dispatch_uid="wagtail_conditions_relink_translation")
def relink_translation(sender, source_obj, target_obj, **kwargs):
    """A condition page just copied for translation (by simple_translation, wagtail-localize
    or ``copy_for_translation``): point its stored therapy links at the therapies' live
    translations in its locale, and its body areas at theirs, where they exist. The links
    and areas are changed on ``target_obj`` itself, which the translation tool may save again
    (wagtail-localize does), and a revision is saved so the editor opens the relinked page."""
    relation = getattr(target_obj, "therapy_links_relation", None)
    if relation is None or not hasattr(target_obj, "body_areas") or not target_obj.pk:
        return
    if getattr(target_obj, "alias_of_id", None):
        return  # an alias mirrors its source page; its links are resolved when read
    locale_id = target_obj.locale_id
    links = list(getattr(target_obj, relation).all())
    therapies = [link.therapy for link in links]
    localised = localised_pages(therapies, locale_id) if therapies else []
    seen, relinked, changed = set(), [], False
    for link, therapy in zip(links, localised, strict=True):
        if therapy.pk != link.therapy_id:
            link.therapy, changed = therapy, True
        if therapy.pk in seen:  # the translation was already linked as well
            changed = True
            continue
        seen.add(therapy.pk)
        relinked.append(link)
    areas = list(target_obj.body_areas.all())
    localised_areas = localised_body_areas(areas, locale_id)
    if localised_areas != areas:
        changed = True
    if not changed:
        return
    setattr(target_obj, relation, relinked)
    target_obj.body_areas = localised_areas
    target_obj.save(clean=False)
    if target_obj.latest_revision_id:
        target_obj.save_revision(changed=False, clean=False, log_action=False)
