"""
Wagtail localisation: pages, body areas and reviewers that stay linked across locales.

A condition page links therapy pages and body areas. When the condition is translated,
those links should lead to the same-locale translations. Two moments could do that: when the
translation is made (copying), or when the page is read (rendering, the API). We do both,
and the second is the one that counts:

- **Read time is the source of truth.** ``localised_pages``, ``localised_body_areas`` and
  ``localise_reviewers`` (the practitioner who reviewed a page) swap each linked object for
  its (live) translation in the page's locale, where there is one, in one query for all of
  them, and only when something links across locales (a single-language site never pays for
  it). This stays right whatever made the translation and whenever the
  therapy's translation appears: simple_translation's "copy for translation", and
  wagtail-localize, which re-copies page links from the source page on every sync (it
  deliberately synchronises foreign keys to pages, "because we can localize them at runtime
  easily"), and a therapy translated after the condition was.
- **Copy time is for editors.** When Wagtail copies a condition or therapy for translation (both tools
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


def localised_snippets(objects, locale_id):
    """``objects`` (translatable snippets of one model, e.g. practitioners) each swapped for
    its translation in ``locale_id`` where it has one: one query, none when all are in
    ``locale_id`` already."""
    objects = list(objects)
    if not objects:
        return objects
    queryset = type(objects[0])._default_manager.all()
    return _swap(objects, _translations(queryset, objects, locale_id), locale_id)


# On a page: (reviewed_by_id, the reviewer in the page's locale), set by localise_reviewers.
_REVIEWER = "_wagtail_conditions_reviewer"


def _cached_reviewer(page):
    cached = getattr(page, _REVIEWER, None)
    if cached is not None and cached[0] == page.reviewed_by_id:
        return cached
    return None


def localise_reviewers(pages):
    """Find the reviewer (``reviewed_by``) of each of ``pages`` in the page's locale: its
    translation there where it has one, else the practitioner stored. One query for all the
    pages, and none when Wagtail's localisation is off or every reviewer is in its page's
    locale already (fetch ``reviewed_by`` first, e.g. with ``prefetch_related_objects``, to
    read the stored ones in one query too). ``page_reviewer`` then reads the result."""
    crossing = []
    for page in pages:
        if not hasattr(page, "reviewed_by_id") or _cached_reviewer(page) is not None:
            continue
        reviewer = page.reviewed_by if page.reviewed_by_id else None
        setattr(page, _REVIEWER, (page.reviewed_by_id, reviewer))
        if (
            reviewer is not None
            and i18n_enabled()
            and getattr(page, "locale_id", None)
            and reviewer.locale_id != page.locale_id
        ):
            crossing.append((page, reviewer))
    if not crossing:
        return
    model = type(crossing[0][1])
    found = {
        (obj.translation_key, obj.locale_id): obj
        for obj in model._default_manager.filter(
            translation_key__in={reviewer.translation_key for _page, reviewer in crossing},
            locale_id__in={page.locale_id for page, _reviewer in crossing},
        )
    }
    for page, reviewer in crossing:
        translation = found.get((reviewer.translation_key, page.locale_id), reviewer)
        setattr(page, _REVIEWER, (page.reviewed_by_id, translation))


def page_reviewer(page):
    """The practitioner who last reviewed ``page``, in the page's locale where they have a
    translation there (see ``localise_reviewers``), or None."""
    if page is None or not getattr(page, "reviewed_by_id", None):
        return None
    localise_reviewers([page])
    return _cached_reviewer(page)[1]


def _relink_reviewer(page):
    """Point ``page``'s stored reviewer at their translation in its locale; True if changed."""
    if not getattr(page, "reviewed_by_id", None):
        return False
    reviewer = page.reviewed_by
    translation = localised_snippets([reviewer], page.locale_id)[0]
    if translation.pk == reviewer.pk:
        return False
    page.reviewed_by = translation
    return True


@receiver(copy_for_translation_done, dispatch_uid="wagtail_conditions_relink_translation")
def relink_translation(sender, source_obj, target_obj, **kwargs):
    """A condition or therapy page just copied for translation (by simple_translation,
    wagtail-localize or ``copy_for_translation``): point its reviewer at their translation in
    its locale and, on a condition page, its stored therapy links at the therapies' live
    translations and its body areas at theirs, where they exist. The links, areas and reviewer
    are changed on ``target_obj`` itself, which the translation tool may save again
    (wagtail-localize does), and a revision is saved so the editor opens the relinked page."""
    if not getattr(target_obj, "pk", None) or not hasattr(target_obj, "save_revision"):
        return
    if getattr(target_obj, "alias_of_id", None):
        return  # an alias mirrors its source page; its links are resolved when read
    changed = _relink_reviewer(target_obj)
    relation = getattr(target_obj, "therapy_links_relation", None)
    if relation is not None and hasattr(target_obj, "body_areas"):
        changed = _relink_condition(target_obj, relation) or changed
    if not changed:
        return
    target_obj.save(clean=False)
    if target_obj.latest_revision_id:
        target_obj.save_revision(changed=False, clean=False, log_action=False)


def _relink_condition(target_obj, relation):
    """Relink a condition page's therapies and body areas in memory; True if any changed."""
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
        return False
    setattr(target_obj, relation, relinked)
    target_obj.body_areas = localised_areas
    return True
