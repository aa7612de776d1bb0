"""
Render once per content version: our pages keep their HTML in a cache and answer anonymous
visitors from it, with a fresh form token filled in per response.

What is the same for every visitor of a page (every block, the header and footer, the
structured data) is rendered once per *content version* and kept in ``RENDER_CACHE_ALIAS``
(the ``default`` cache unless set). The version is one row in the database
(``ContentVersion``), moved on by every change that can alter what a public page shows:

- a page published, unpublished, moved, saved or deleted (any page type: a condition lists its
  therapies, an index its children, the base template a menu);
- a snippet, a setting (the clinic's phone, the appointment settings), a site or a locale
  saved or deleted; an image or a document saved or deleted.

Reading it costs one indexed query per request, in the transaction of the change that moves
it, so every process of a site sees a publish at once whatever its cache backend, and nothing
in a cache can bring back an older version. The key also holds the page, the site, the
language, the allowed query parameters, today's date (the form's earliest date), the template
version and the package version.

Never cached: anything but a GET or HEAD from an anonymous visitor; previews; a response
showing a visitor's answers, errors or thank-you (``form_state``); a page with a view
restriction; a response that set a cookie, used a CSRF token or showed flash messages; any
status but 200; a query string with a parameter the page does not declare in
``render_cache_params``.

Tokens: with the cache on, the appointment block renders a marker instead of a token; each
response, cached or not, gets the markers replaced by tokens issued at that moment, so a
cached page never hands out an old token and the minimum fill time counts from the response.

Faults: a cache that raises is a miss (the page is rendered and served as if uncached, the
failure logged once until the cache answers again); a cache that hangs is bounded by its
client's socket timeout (``FailSoftRedisCache`` then stops asking for a few seconds).
"""

import contextvars
import datetime
import hashlib
import logging
import re
import time
from contextlib import contextmanager
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from wagtail.models import Site

from . import __version__, render_deps
from .appointments.form_state import REQUEST_ATTRIBUTE
from .appointments.tokens import make_form_token
from .compat import CACHE_ERRORS
from .conf import conf

logger = logging.getLogger(__name__)

# Bump when a change to our templates must not be served from pages cached before it.
TEMPLATE_VERSION = 1
# Set on a request while its page renders for the cache: the form block renders markers.
RENDERING_ATTRIBUTE = "_wagtail_conditions_render_cache"
# The content version read for a request, kept on it.
VERSION_ATTRIBUTE = "_wagtail_conditions_content_version"
# Where our pages keep their view restrictions once read (``get_view_restrictions``).
VIEW_RESTRICTIONS_ATTRIBUTE = "_wagtail_conditions_view_restrictions"
# Longest query-parameter value that is cached (longer ones are rendered each time).
MAX_PARAM_LENGTH = 100
# Headers of the rendered response kept with its HTML.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")

_failing = False
# Set while an API answer renders for the cache: API v3 gives its serializers no request.
_rendering_api = contextvars.ContextVar("wagtail_conditions_rendering_api", default=False)


def _is_rendering(request):
    if _rendering_api.get():
        return True
    return request is not None and getattr(request, RENDERING_ATTRIBUTE, False)


def _marker_secret():
    # Derived from SECRET_KEY: the same in every process of a site, unknown to editors, so
    # text typed into a page can never be mistaken for a marker.
    return salted_hmac("wagtail_conditions.render_cache", "token-marker").hexdigest()[:16]


def token_marker(page_id, block_id):
    return f"wc-token-{_marker_secret()}-{int(page_id)}-{block_id}"


def form_token(request, page_id, block_id, now=None):
    """What the form block puts in its token field: a marker while the page is rendered for
    the cache, a token (issued ``now``, seconds) otherwise."""
    if _is_rendering(request):
        return token_marker(page_id, block_id)
    return make_form_token(page_id, block_id, now=now)


def form_region(request, page_id, block_id):
    """The name of the comments around a form's section in a page rendered for the cache
    (the block's template writes them), or "" when the page is not rendered for it."""
    if request is not None and getattr(request, RENDERING_ATTRIBUTE, False):
        return f"wc-form-{_marker_secret()}-{int(page_id)}-{block_id}"
    return ""


def robots_marker(request):
    """Where a page rendered for the cache may carry a robots ``noindex`` meta tag ({%
    seo_meta %} writes it): filled in for a response showing one visitor's form state."""
    if request is not None and getattr(request, RENDERING_ATTRIBUTE, False):
        return f"wc-robots-{_marker_secret()}"
    return ""


def token_expiry(request, issued):
    """When a token issued at ``issued`` (seconds) expires, as the API describes it (ISO 8601,
    UTC): a marker while the answer is rendered for the cache, filled in with the tokens."""
    if _is_rendering(request):
        return f"wc-expires-{_marker_secret()}"
    return _expiry(issued)


def _expiry(issued):
    moment = int(issued) + conf.APPOINTMENT_TOKEN_MAX_AGE
    return datetime.datetime.fromtimestamp(moment, tz=datetime.UTC).isoformat()


def fill_tokens(content):
    """``content`` (bytes) with every token marker replaced by a token issued now, and the
    other markers of a page rendered for the cache removed."""
    secret = _marker_secret().encode()
    tokens = re.compile(rb"wc-token-" + secret + rb"-(\d+)-([\w-]{1,64})")
    now = time.time()
    content = tokens.sub(
        lambda match: make_form_token(int(match[1]), match[2].decode(), now=now).encode(),
        content,
    )
    expires = b"wc-expires-" + secret
    if expires in content:
        content = content.replace(expires, _expiry(now).encode())
    return re.sub(
        rb"<!--/?wc-(?:form|robots)-" + secret + rb"(?:-\d+-[\w-]{1,64})?-->", b"", content
    )


def _cache():
    return caches[conf.RENDER_CACHE_ALIAS]


def _report(error, action):
    global _failing
    if not _failing:
        logger.warning(
            "Render cache %r could not %s (%s); pages are rendered uncached until it answers",
            conf.RENDER_CACHE_ALIAS,
            action,
            type(error).__name__,
        )
    _failing = True


def _recovered():
    global _failing
    if _failing:
        logger.info("Render cache %r answers again", conf.RENDER_CACHE_ALIAS)
    _failing = False


def is_cacheable_request(page, request):
    """Whether ``request`` for ``page`` may be answered from, and stored in, the cache."""
    if not conf.RENDER_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False) or hasattr(request, REQUEST_ATTRIBUTE):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False  # Wagtail's user bar, and whatever a site shows its staff
    allowed = set(getattr(page, "render_cache_params", ()))
    for name, values in request.GET.lists():
        if name not in allowed or len(values) > 1 or len(values[0]) > MAX_PARAM_LENGTH:
            return False
    return True


def _content_version_model():
    # Looked up by name: the models import this module (no import cycle).
    return apps.get_model("wagtail_conditions", "ContentVersion")


def _current_version(request):
    # Read once per request (the thank-you view may ask for two keys).
    version = getattr(request, VERSION_ATTRIBUTE, None)
    if version is None:
        version = _content_version_model().current()
        setattr(request, VERSION_ATTRIBUTE, version)
    return version


def _page_parts(page, request, params=None):
    site = Site.find_for_request(request)  # kept on the request once found
    return [
        str(page.pk),
        str(page.locale_id),
        str(getattr(site, "pk", "")),
        request.get_host(),
        "https" if request.is_secure() else "http",
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        repr(sorted(request.GET.items() if params is None else params)),
        str(TEMPLATE_VERSION),
        __version__,
    ]


def cache_key(page, request, params=None):
    """The key of ``page`` as ``request`` is shown it; ``params`` (the query's items) default
    to the request's own."""
    parts = [str(_current_version(request)), *_page_parts(page, request, params)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"wagtail_conditions:page:{page.pk}:{digest}"


def _reuse_key(page, request, params=None):
    """Where ``page``'s last rendering for ``request`` (with ``params``, as ``cache_key``) is
    kept across content versions, with the version it was rendered at and its dependencies
    (``render_deps``)."""
    parts = _page_parts(page, request, params)
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"wagtail_conditions:page-deps:{page.pk}:{digest}"


def _reused(page, request, params=None):
    """The answer kept for ``page`` at an older content version when nothing it shows changed
    since (one query on ``ContentChange``), or None. Never older than RENDER_CACHE_TIMEOUT."""
    if not conf.RENDER_CACHE_DEPENDENCIES:
        return None
    key = _reuse_key(page, request, params)
    kept = _read(key)
    if kept is None:
        return None
    content, headers, version, rendered_at, dependencies = kept
    age = time.time() - rendered_at
    if age >= conf.RENDER_CACHE_TIMEOUT:
        return None
    try:
        if not render_deps.unchanged_since(version, _current_version(request), dependencies):
            return None
    except DatabaseError:
        return None
    return (content, headers), max(1, int(conf.RENDER_CACHE_TIMEOUT - age))


def _keep_for_reuse(page, request, response, entry):
    """Keep ``entry`` with the page's dependencies, when it declares them."""
    if not conf.RENDER_CACHE_DEPENDENCIES:
        return
    get_dependencies = getattr(page, "get_render_dependencies", None)
    if get_dependencies is None:
        return
    try:
        dependencies = get_dependencies(request, getattr(response, "context_data", None) or {})
    except DatabaseError:
        return
    if dependencies is None:
        return
    content, headers = entry
    kept = (content, headers, _current_version(request), time.time(), dependencies)
    _store(_reuse_key(page, request), kept)


def _may_store(page, request, response):
    if response.status_code != 200 or response.cookies or response.has_header("Set-Cookie"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page rendered a CSRF token: it belongs to one visitor
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "used", False):
        return False
    return not page.get_view_restrictions().exists()


def _answer(entry):
    content, headers = entry
    response = HttpResponse(fill_tokens(content))
    for header, value in headers:
        response[header] = value
    return response


def _store(key, entry, timeout=None):
    try:
        _cache().set(key, entry, conf.RENDER_CACHE_TIMEOUT if timeout is None else timeout)
    except CACHE_ERRORS as error:
        _report(error, "be written")
    else:
        _recovered()


@contextmanager
def _rendering_page(request):
    setattr(request, RENDERING_ATTRIBUTE, True)
    try:
        yield
    finally:
        delattr(request, RENDERING_ATTRIBUTE)


@contextmanager
def _rendering_api_answer():
    token = _rendering_api.set(True)
    try:
        yield
    finally:
        _rendering_api.reset(token)


def _serve_kept(
    make_key, render, rendering, may_store, kept_headers, reuse=None, keep_for_reuse=None
):
    """What ``serve`` and ``serve_api`` share: the answer kept under ``make_key()``, or one
    ``reuse()`` finds still true from an older version, or ``render()`` inside ``rendering``
    (markers for the tokens), kept when ``may_store`` says so with its ``kept_headers`` (and
    given to ``keep_for_reuse``); every answer's token markers filled in."""
    try:
        key = make_key()
    except Exception:  # noqa: BLE001  (the version's read failed: the view will say why)
        return render()
    try:
        entry = _cache().get(key)
    except CACHE_ERRORS as error:
        _report(error, "be read")
        entry, key = None, None
    if entry is not None:
        _recovered()
        return _answer(entry)
    if reuse is not None and key is not None:
        reused = reuse()
        if reused is not None:
            entry, timeout = reused
            _store(key, entry, timeout)
            return _answer(entry)
    with rendering:
        response = render()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    if getattr(response, "streaming", False):
        return response
    if not may_store(response):
        response.content = fill_tokens(response.content)
        return response
    headers = [(name, response[name]) for name in kept_headers if response.has_header(name)]
    entry = (response.content, headers)
    if key is not None:
        _store(key, entry)
        if keep_for_reuse is not None:
            keep_for_reuse(response, entry)
    return _answer(entry)


def serve(page, request, render):
    """Answer ``request`` for ``page`` from the cache, or with ``render()`` (the page's own
    ``serve``), keeping what it rendered when it may be kept."""
    if not is_cacheable_request(page, request):
        return render()
    return _serve_kept(
        partial(cache_key, page, request),
        render,
        _rendering_page(request),
        partial(_may_store, page, request),
        KEPT_HEADERS,
        reuse=partial(_reused, page, request),
        keep_for_reuse=partial(_keep_for_reuse, page, request),
    )


def _kept_key(kind, parts):
    material = "\x1f".join([kind, *map(str, parts), str(TEMPLATE_VERSION), __version__])
    return f"wagtail_conditions:{kind}:{hashlib.sha256(material.encode()).hexdigest()}"


def _read(key):
    """What is kept under ``key``, or None (a cache that fails is a miss, logged once)."""
    try:
        kept = _cache().get(key)
    except CACHE_ERRORS as error:
        _report(error, "be read")
        return None
    if kept is not None:
        _recovered()
    return kept


def remember(kind, parts, compute):
    """``compute()``, worked out once per content version and kept under ``kind`` and
    ``parts`` (a result of None is not kept): for what depends only on content the version
    covers (``appointments.kept_forms``). Costs the version's query and one cache read; a
    cache that fails is a miss (logged once), a version that cannot be read computes."""
    if not conf.RENDER_CACHE:
        return compute()
    try:
        version = _content_version_model().current()
    except DatabaseError:
        return compute()  # which meets the same database, and says why
    key = _kept_key(kind, [version, *parts])
    kept = _read(key)
    if kept is not None:
        return kept
    value = compute()
    if value is not None:
        _store(key, value)
    return value


def fragment_key(request, parts):
    """The key of an HTML fragment of a page rendered for the cache that shows only what
    ``parts`` name (and the language, the date and the markers' secret), kept across content
    versions: the first view after a change elsewhere reads it instead of rendering it. None
    when the page is not rendered for the cache."""
    if request is None or not getattr(request, RENDERING_ATTRIBUTE, False):
        return None
    language = translation.get_language() or ""
    today = timezone.localdate().isoformat()
    return _kept_key("fragment", [_marker_secret(), language, today, *parts])


def kept_fragment(key):
    """The fragment kept under ``key`` (``fragment_key``), or None."""
    return _read(key) if key else None


def keep_fragment(key, html):
    if key:
        _store(key, str(html))


def reference_marker():
    """What a thank-you page kept in the cache shows in place of the request's reference."""
    return f"WC-REF-{_marker_secret().upper()}"


def _is_staff_request(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _thank_you_key(request, page_id, block_id, language):
    # No page needed: the thank-you view answers from it before looking the page up. A page
    # unpublished, moved, deleted or made private starts a new content version.
    parts = [
        str(_current_version(request)),
        str(int(page_id)),
        block_id,
        request.get_host(),
        "https" if request.is_secure() else "http",
        language or "",
        timezone.localdate().isoformat(),
        str(TEMPLATE_VERSION),
        __version__,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"wagtail_conditions:sent:{int(page_id)}:{digest}"


def thank_you_from_cache(request, page_id, block_id, reference):
    """The thank-you page of one form as ``serve_with_form_state`` kept it, showing
    ``reference`` (canonical: letters, digits and hyphens), or None when it is not kept (the
    caller looks the page up and makes it). Costs the content version's query and one read."""
    if not conf.RENDER_CACHE or not reference or _is_staff_request(request):
        return None
    try:
        key = _thank_you_key(request, page_id, block_id, translation.get_language())
        entry = _cache().get(key)
    except CACHE_ERRORS as error:
        _report(error, "be read")
        return None
    except (DatabaseError, TypeError, ValueError, OverflowError):  # the view says why
        return None
    if entry is None:
        return None
    content, headers = entry
    return _answer((content.replace(reference_marker().encode(), reference.encode()), headers))


def serve_with_form_state(page, request, block_id, render_form, reference="", language=None):
    """The page with one form showing one visitor's state (its errors or its thank-you), made
    from the page's cached HTML: the form's section replaced by ``render_form()`` (its HTML,
    rendered alone) and a robots ``noindex`` tag added. None when the page is not in the cache
    (the caller renders the whole page then) or may not be served from it.

    With ``reference``, ``render_form()`` shows ``reference_marker()`` in its place: the
    result is kept for ``thank_you_from_cache`` (keyed by the request's ``language`` before
    the page's was activated) and answered with the reference filled in."""
    if not conf.RENDER_CACHE or _is_staff_request(request):
        return None
    try:
        key = cache_key(page, request, params=())
        entry = _cache().get(key)
    except CACHE_ERRORS as error:
        _report(error, "be read")
        return None
    except DatabaseError:
        return None
    if entry is None:
        # The page kept at an older version, when nothing it shows changed since.
        reused = _reused(page, request, params=())
        if reused is None:
            return None
        entry, timeout = reused
        _store(key, entry, timeout)
    content, headers = entry
    region = f"wc-form-{_marker_secret()}-{int(page.pk)}-{block_id}".encode()
    start, end = b"<!--" + region + b"-->", b"<!--/" + region + b"-->"
    before, found, rest = content.partition(start)
    _inside, found_end, after = rest.partition(end)
    if not (found and found_end):
        return None
    robots = b"<!--wc-robots-" + _marker_secret().encode() + b"-->"
    content = before.replace(robots, b'<meta name="robots" content="noindex">', 1)
    form = render_form().encode()
    content += form + after
    if not reference:
        return _answer((content, headers))
    marker = reference_marker().encode()
    if marker not in form:
        return None  # a site's thank-you template that changes the reference: render it all
    try:
        key = _thank_you_key(request, page.pk, block_id, language)
    except DatabaseError:
        pass
    else:
        _store(key, (content, headers))
    return _answer((content.replace(marker, reference.encode()), headers))


# --- API answers ---------------------------------------------------------------------------

# Headers of an API answer kept with its JSON.
API_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Allow")
# Longest query string whose answer is kept (an API takes any filter: a longer one is answered
# afresh each time).
MAX_API_QUERY_LENGTH = 500


def is_cacheable_api_request(request):
    """Whether ``request`` (a Django request, before the API's own) may be answered from, and
    stored in, the cache: an anonymous GET or HEAD asking nothing of one visitor."""
    if not conf.RENDER_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META or _is_staff_request(request):
        return False  # API v3 tokens read drafts; staff may see more
    return len(request.META.get("QUERY_STRING", "")) <= MAX_API_QUERY_LENGTH


def api_cache_key(request):
    parts = [
        str(_current_version(request)),
        request.get_host(),
        "https" if request.is_secure() else "http",
        request.path,
        repr(sorted(request.GET.lists())),
        request.META.get("HTTP_ACCEPT", ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(TEMPLATE_VERSION),
        __version__,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"wagtail_conditions:api:{digest}"


def _may_store_api(response):
    if response.status_code != 200:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    content_type = response.get("Content-Type", "")
    # JSON only: DRF's browsable API (HTML, for a browser) shows the visitor's own links.
    return content_type.split(";")[0].strip() == "application/json"


def serve_api(request, render):
    """Answer an API ``request`` from the cache, or with ``render()`` (the view), keeping its
    JSON for the same request until the content version moves on. Form tokens (and their
    expiry) in the JSON are issued per answer, as on pages."""
    if not is_cacheable_api_request(request):
        return render()
    return _serve_kept(
        partial(api_cache_key, request),
        render,
        _rendering_api_answer(),
        _may_store_api,
        API_KEPT_HEADERS,
    )


# Query parameters that say which of a listing's pages are shown, not how each is shown.
PAGINATION_PARAMS = ("limit", "offset")


def kept_api_items(request, kind, pages, serialize):
    """The API's JSON of ``pages`` (a listing's results, or a detail's page: ``kind``), each
    kept across content versions by what it shows (``render_deps``): read back when nothing it
    shows changed since it was kept, the others given to ``serialize(pages)`` (a list of their
    JSON, in order) and kept with their dependencies. A listing after one of its pages was
    published serializes that page only. Costs one cache read for all the pages and at most
    two queries (the changes since; what the pages serialized show). Only while an answer is
    rendered for the cache (``serve_api``); otherwise ``serialize(pages)``."""
    if not (pages and conf.RENDER_CACHE_DEPENDENCIES and _rendering_api.get()):
        return serialize(pages)
    try:
        current = _current_version(request)
    except DatabaseError:
        return serialize(pages)
    params = [item for item in request.GET.items() if item[0] not in PAGINATION_PARAMS]
    # The path: a listing's items link to their detail under the router's own prefix.
    keys = [
        _kept_key("api-item", [kind, request.path, *_page_parts(page, request, params)])
        for page in pages
    ]
    try:
        kept = _cache().get_many(keys)
    except CACHE_ERRORS as error:
        _report(error, "be read")
        kept = {}
    now = time.time()
    candidates = {
        key: entry
        for key, entry in kept.items()
        if entry is not None and now - entry[2] < conf.RENDER_CACHE_TIMEOUT
    }
    try:
        fresh = render_deps.unchanged_many(
            current, {key: (entry[1], entry[3]) for key, entry in candidates.items()}
        )
    except DatabaseError:
        fresh = set()
    items = {key: candidates[key][0] for key in fresh}
    missing = [(key, page) for key, page in zip(keys, pages, strict=True) if key not in items]
    if missing:
        rendered = serialize([page for _key, page in missing])
        try:
            dependencies = render_deps.dependencies_of_pages(
                [page for _key, page in missing], request
            )
        except DatabaseError:
            dependencies = {}
        to_keep = {}
        for (key, page), item in zip(missing, rendered, strict=True):
            items[key] = item
            if page.pk in dependencies:
                to_keep[key] = (item, current, now, dependencies[page.pk])
        if to_keep:
            try:
                _cache().set_many(to_keep, conf.RENDER_CACHE_TIMEOUT)
            except CACHE_ERRORS as error:
                _report(error, "be written")
    return [items[key] for key in keys]


def is_dummy_cache():
    """Whether the render cache's backend keeps nothing (Django's DummyCache)."""
    from django.core.cache.backends.dummy import DummyCache

    alias = conf.RENDER_CACHE_ALIAS
    return alias in settings.CACHES and isinstance(caches[alias], DummyCache)


# --- New content versions ------------------------------------------------------------------

# A page saved with only these fields changed a draft (Wagtail's save_revision, locking):
# nothing a visitor sees.
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def new_content_version(instance=None, old_parent=None):
    """Start a new content version. Called with no arguments (as a host calls it after a
    change the package cannot see: a queryset ``update()``, a host's own model shown by the
    base template), every page cached so far is rendered again on its next view. Called by
    the package's signal handlers with the page that changed (and, for a move, its old
    parent), the pages that do not show it are served again (``render_deps``). Runs in the
    caller's transaction; never raises (a failure is logged)."""
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's work intact
            version = _content_version_model().bump()
            render_deps.record(version, instance, old_parent)
    except DatabaseError as error:  # e.g. during a host's migrations, before ours ran
        logger.warning("Could not start a new content version: %s", error)


def _shown_model_types():
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import BaseViewRestriction, Locale, Page, Site

    return (
        Page,
        BaseViewRestriction,  # a page or collection made private, or public again
        Site,
        Locale,
        BaseSiteSetting,
        BaseGenericSetting,
        AbstractImage,
        AbstractDocument,
    )


def shows_on_pages(model):
    """Whether saving or deleting an instance of ``model`` can change a public page."""
    from wagtail.snippets.models import get_snippet_models

    return issubclass(model, _shown_model_types()) or model in get_snippet_models()


def _on_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or not shows_on_pages(sender):
        return
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if isinstance(instance, Page) and update_fields and set(update_fields) <= DRAFT_FIELDS:
        return
    if created and isinstance(instance, (BaseSiteSetting, BaseGenericSetting)):
        # Made with its defaults by the first page that reads it (``for_site``/``load``):
        # what every page rendered before it already showed.
        return
    new_content_version(instance if isinstance(instance, Page) else None)


def _on_delete(sender, instance, **kwargs):
    # Global even for a page: deleting one sets the settings that chose it to null with a
    # queryset update, which no signal reports.
    if shows_on_pages(sender):
        new_content_version()


def _on_page_change(sender, instance=None, parent_page_before=None, **kwargs):
    new_content_version(instance, old_parent=parent_page_before)


def connect_signals():
    """Start a new content version on every change that can alter a public page (apps.ready)."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_on_save, dispatch_uid="wagtail_conditions_render_cache_save")
    post_delete.connect(_on_delete, dispatch_uid="wagtail_conditions_render_cache_delete")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(
            _on_page_change, dispatch_uid=f"wagtail_conditions_render_cache_{id(signal)}"
        )
