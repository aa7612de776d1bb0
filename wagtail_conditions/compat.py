"""Differences between the Wagtail versions we support (7.4 LTS and 8.0)."""

from django.conf import settings
from wagtail import VERSION as WAGTAIL_VERSION

# Wagtail 8 lets a site swap its base Page model (WAGTAIL_PAGE_MODEL); 7.4 has no such setting.
# Foreign keys to pages use this label; our migrations spell it the same way so they run on both.
PAGE_MODEL = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")

try:
    import wagtail.api.v3  # noqa: F401

    HAS_API_V3 = True
except ImportError:  # Wagtail < 8
    HAS_API_V3 = False


class WithoutHeadlessPreview:
    """Stands in for wagtail-headless-preview's mixin when it is not installed. Migrations
    name it among the pages' bases, so keep it."""


def _headless_preview_mixin():
    # wagtail-headless-preview is optional: when a site installs it, our concrete pages
    # preview in the site's decoupled front end. The mixin adds methods only, no fields, so
    # the migrations are the same either way.
    if "wagtail_headless_preview" in settings.INSTALLED_APPS:
        from wagtail_headless_preview.models import HeadlessPreviewMixin

        return HeadlessPreviewMixin
    return WithoutHeadlessPreview


HeadlessPreviewMixin = _headless_preview_mixin()


def _cache_errors():
    # What a cache client raises when its server is down or hangs, for each client a Django
    # cache backend may use (imported only if installed). Django's cache API passes them on.
    errors = [OSError]  # socket errors, raised as they are by some memcached clients
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:
        pass
    try:
        from pymemcache.exceptions import MemcacheError

        errors.append(MemcacheError)
    except ImportError:
        pass
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


# Packages can add their own content checks to Wagtail's Checks panel since Wagtail 7.3
# (ContentCheckerItem's custom Axe rules and checks, and ``window.wagtail.userbar.registerCheck``
# for the check's function); 7.4 and 8.0 share the API. Older versions show no reading ages there.
HAS_CONTENT_CHECKS = WAGTAIL_VERSION >= (7, 3)
