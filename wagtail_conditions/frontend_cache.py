"""
Front-end cache purges (Varnish, Cloudflare, CloudFront…) of every page that shows a change.

Wagtail's ``wagtail.contrib.frontend_cache`` purges a page when it is published or unpublished,
and only that page. Ours show each other: a condition lists its therapies and a therapy its
conditions, an index its children, every page its index in the breadcrumbs, the reviewer's
name, the clinic's settings in the header, footer and JSON-LD; the API answers show the same.
So each change below adds what shows it to one ``PurgeBatch``:

- a condition, therapy or index page published, unpublished (deleted: Wagtail unpublishes a
  live page first), moved or renamed: the page and the pages it shows or that show it (its
  therapies or conditions, matched by ``translation_key`` as the pages match them across
  locales; its index; an index's children), at their old and new URLs;
- a therapy link removed or pointed elsewhere: the therapy it named;
- a body area saved or deleted: the conditions in it and every condition index;
- a practitioner saved or deleted: the pages they reviewed (any of their translations);
- the clinic settings saved: every live page of ours in that site.

Each page comes with its API detail URLs and the API listings (``FRONTEND_CACHE_API_*``
settings), each site with its sitemap. The batch is purged once, after the transaction
commits (nothing is purged for a change rolled back), through Wagtail's backends, which log a
cache that refuses; anything else that goes wrong is logged here, never raised into the
editor's request. An index's filtered and paginated variants (``?area=``, ``?letter=``,
``?page=``) are not separate URLs to an exact purge: the Varnish VCL in the example site bans
a path with any query string (docs/deployment.md, "Caching and CDNs").

Connected by ``WagtailConditionsAppConfig.ready()`` only when the front-end cache app is
installed.
"""

import copy
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .conf import conf
from .models import BodyArea, ClinicSettings, Practitioner
from .models.conditions import AbstractConditionTherapy, ConditionIndexPageMixin, ConditionPageMixin
from .models.pages import PageBehaviourMixin
from .models.therapies import TherapyIndexPageMixin, TherapyPageMixin

logger = logging.getLogger(__name__)

# The views a site's sitemap may be routed to (unnamed, as sites route them: found by view).
SITEMAP_VIEWS = (
    "wagtail.contrib.sitemaps.views.sitemap",
    "django.contrib.sitemaps.views.sitemap",
    "django.contrib.sitemaps.views.index",
)
_BATCH_ATTRIBUTE = "_wagtail_conditions_purge_batch"


# --- The batch of one transaction ------------------------------------------------------------


def _pending_batch():
    """The batch of the current transaction (``_collect`` opens one when there is none),
    purged when it commits."""
    connection = transaction.get_connection()
    pending = getattr(connection, _BATCH_ATTRIBUTE, None)
    # A batch whose purge is no longer queued was for a transaction or savepoint rolled back:
    # it goes with the changes it was for.
    if pending is not None and any(entry[1] is pending[1] for entry in connection.run_on_commit):
        return pending[0]
    batch = PurgeBatch()

    def purge():
        if getattr(connection, _BATCH_ATTRIBUTE, (None,))[0] is batch:
            delattr(connection, _BATCH_ATTRIBUTE)
        purge_batch(batch)

    setattr(connection, _BATCH_ATTRIBUTE, (batch, purge))
    transaction.on_commit(purge, robust=True)
    return batch


def purge_batch(batch):
    """Purge ``batch`` through each configured backend in turn, so that one failing (a CDN
    down, which Wagtail's HTTP backends log; an exception from another, which Wagtail's task
    passes on) does not keep the others from theirs. Never raises: failures are logged."""
    if not batch.urls:
        return
    for name in _backend_names():
        try:
            batch.purge(backends=[name])
        except Exception:  # noqa: BLE001  (a CDN's failure must not fail a publish)
            logger.exception(
                "Could not purge %d URLs from front-end cache %r", len(batch.urls), name
            )


def _collect(add, *args, **kwargs):
    """Run ``add(batch, *args, **kwargs)`` on the current transaction's batch, in a savepoint
    (a transaction of its own in autocommit mode, purged as it ends): a failure is logged and
    leaves the editor's change intact."""
    if not _configured():
        return
    try:
        with transaction.atomic():
            add(_pending_batch(), *args, **kwargs)
    except Exception:  # noqa: BLE001
        logger.exception("Could not find the pages to purge from the front-end cache")


def _backend_names():
    # Wagtail's two settings (see wagtail.contrib.frontend_cache.utils.get_backends).
    backends = getattr(settings, "WAGTAILFRONTENDCACHE", None)
    if backends is None and getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None):
        return ["default"]
    return list(backends or ())


def _configured():
    # Without a backend there is nothing to purge, and no pages need finding.
    return bool(_backend_names())


# --- What a page brings -----------------------------------------------------------------------


def _reverse(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # not routed (API v3 needs Wagtail 8; a site without a sitemap)
        return None


def api_paths(page):
    """The API detail paths of ``page`` that the site routes (v2, v3)."""
    paths = (_reverse(name, page.pk) for name in conf.FRONTEND_CACHE_API_DETAIL_URL_NAMES)
    return [path for path in paths if path]


def site_paths():
    """The paths that show every page of ours in a site: its sitemap, the API listings."""
    views = [import_string(view) for view in SITEMAP_VIEWS]  # reversed by the view itself
    paths = [_reverse(name) for name in (*views, *conf.FRONTEND_CACHE_API_LIST_URL_NAMES)]
    return [path for path in paths if path]


def add_page(batch, page, *, url_path=None):
    """Add ``page``'s URLs (those Wagtail purges, with its routable sub-paths), its API detail
    URLs and its site's sitemap and API listings; its URLs at ``url_path`` when given."""
    if url_path is not None:
        page = copy.copy(page)
        page.url_path = url_path
    cache_object = batch.cache_object or batch  # the sites' root paths, read once a batch
    parts = page.get_url_parts(cache_object)
    if parts is None:  # not routable (no site)
        return
    batch.add_page(page)
    root_url = parts[1].rstrip("/")
    batch.add_urls(root_url + path for path in [*api_paths(page), *site_paths()])


def add_pages(batch, pages):
    for page in pages:
        add_page(batch, page)


def _live(model, **lookups):
    return model.objects.live().filter(**lookups)


def _page_models(*mixins):
    return [model for model in apps.get_models() if issubclass(model, mixins)]


def related_pages(page):
    """The live pages that show ``page`` or that it shows: a condition's therapies, a
    therapy's conditions (both matched by ``translation_key``, as they match across locales),
    an index's children, a page's index (breadcrumbs)."""
    pages = []
    if isinstance(page, ConditionPageMixin):
        link_model = page.get_therapy_link_model()
        therapy_model = link_model._meta.get_field("therapy").related_model
        keys = link_model.objects.filter(condition=page).values("therapy__translation_key")
        pages += _live(therapy_model, translation_key__in=keys)
    if isinstance(page, TherapyPageMixin):
        condition_model, links_lookup, _accessor = page.get_condition_relations()
        lookup = {f"{links_lookup}__therapy__translation_key": page.translation_key}
        pages += _live(condition_model, **lookup).distinct()
    if isinstance(page, ConditionIndexPageMixin | TherapyIndexPageMixin):
        pages += page.get_children().live().specific()
    parent = page.get_parent()
    if parent is not None and _is_ours(parent.specific_deferred):
        pages.append(parent.specific_deferred)
    return pages


def add_page_and_related(batch, page, *, old_url_path=None):
    """Add ``page`` and ``related_pages(page)``; with ``old_url_path`` (the page has moved or
    changed its slug), also their URLs under it, where the page and its children were."""
    new_url_path = page.url_path
    for other in [page, *related_pages(page)]:
        add_page(batch, other)
        if old_url_path is not None and other.url_path.startswith(new_url_path):
            add_page(batch, other, url_path=old_url_path + other.url_path[len(new_url_path) :])


# --- Signal handlers --------------------------------------------------------------------------


def _is_ours(page):
    return isinstance(page, PageBehaviourMixin)


def page_changed(sender, instance, **kwargs):
    """A page of ours published or unpublished (Wagtail unpublishes a live page it deletes,
    before the delete: its links are still there)."""
    if _is_ours(instance):
        _collect(add_page_and_related, instance)


def page_slug_changed_handler(sender, instance, instance_before, **kwargs):
    """A page of ours published with a new slug: its old URLs and its children's. Wagtail
    sends this once the publish has committed, so these URLs are purged in a batch of their
    own, just before the publish's batch."""
    if _is_ours(instance):
        _collect(add_page_and_related, instance, old_url_path=instance_before.url_path)


def page_moved(sender, instance, parent_page_before, url_path_before, **kwargs):
    """A page of ours moved: at its old and new URLs, with its old and new index."""
    page = instance.specific
    if _is_ours(page):
        _collect(add_page_and_related, page, old_url_path=url_path_before)
        if _is_ours(parent_page_before.specific_deferred):
            _collect(add_page, parent_page_before.specific_deferred)


def therapy_link_saving(sender, instance, **kwargs):
    """A therapy link pointed at another therapy: the old one stops showing the condition."""
    if instance.pk is not None:
        _collect(_add_old_therapy, sender, instance.pk, instance.therapy_id)


def therapy_link_deleting(sender, instance, **kwargs):
    """A therapy link removed from its condition: its therapy stops showing the condition."""
    _collect(_add_old_therapy, sender, instance.pk, None)


def _add_old_therapy(batch, link_model, link_id, new_therapy_id):
    therapy_ids = link_model.objects.filter(pk=link_id).values("therapy_id")
    therapy_model = link_model._meta.get_field("therapy").related_model
    therapies = _live(therapy_model, pk__in=therapy_ids).exclude(pk=new_therapy_id)
    add_pages(batch, therapies.specific())


def body_area_changed(sender, instance, **kwargs):
    _collect(_add_body_area, instance)


def _add_body_area(batch, area):
    for model in _page_models(ConditionPageMixin):
        add_pages(batch, _live(model, body_areas__translation_key=area.translation_key).distinct())
    for model in _page_models(ConditionIndexPageMixin):
        add_pages(batch, _live(model))


def practitioner_changed(sender, instance, **kwargs):
    _collect(_add_practitioner, instance)


def _add_practitioner(batch, practitioner):
    for model in _page_models(ConditionPageMixin, TherapyPageMixin):
        add_pages(batch, _live(model, reviewed_by__translation_key=practitioner.translation_key))


def clinic_settings_changed(sender, instance, **kwargs):
    _collect(_add_site, instance.site)


def _add_site(batch, site):
    for model in _page_models(PageBehaviourMixin):
        add_pages(batch, _live(model).descendant_of(site.root_page, inclusive=True))


def connect_signals():
    """Connect the handlers; ``apps.py`` does, when ``wagtail.contrib.frontend_cache`` is
    installed."""
    uid = "wagtail_conditions.frontend_cache"
    page_published.connect(page_changed, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(page_changed, dispatch_uid=f"{uid}.unpublished")
    page_slug_changed.connect(page_slug_changed_handler, dispatch_uid=f"{uid}.slug")
    post_page_move.connect(page_moved, dispatch_uid=f"{uid}.moved")
    for model in _page_models(AbstractConditionTherapy):
        label = model._meta.label
        pre_save.connect(therapy_link_saving, sender=model, dispatch_uid=f"{uid}.link.{label}")
        pre_delete.connect(
            therapy_link_deleting, sender=model, dispatch_uid=f"{uid}.unlink.{label}"
        )
    for model, handler in (
        (BodyArea, body_area_changed),
        (Practitioner, practitioner_changed),
        (ClinicSettings, clinic_settings_changed),
    ):
        label = model._meta.label
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}.save.{label}")
        pre_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.delete.{label}")
