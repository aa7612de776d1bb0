"""System checks that tell a host site how to finish wiring the package in."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver

from .conf import SETTING_NAME, conf

REQUIRED_APPS = {
    "wagtail_modeladmin": "wagtail_modeladmin",
    "wagtail.snippets": "wagtail.snippets",
    "wagtail.images": "wagtail.images",
    "wagtail.documents": "wagtail.documents",
    "wagtail.embeds": "wagtail.embeds",
    "wagtail.contrib.settings": "wagtail.contrib.settings",
}


@register(Tags.compatibility)
def check_installed_apps(app_configs, **kwargs):
    errors = []
    for app_name in REQUIRED_APPS:
        if not apps.is_installed(app_name):
            errors.append(
                Error(
                    f"wagtail-conditions needs '{app_name}' in INSTALLED_APPS.",
                    hint=f"Add '{app_name}' to INSTALLED_APPS in your settings.",
                    id="wagtail_conditions.E001",
                )
            )
    return errors


@register(Tags.urls)
def check_urls_included(app_configs, **kwargs):
    if "wagtail_conditions" not in get_resolver().namespace_dict:
        return [
            Error(
                "The wagtail-conditions URLs are not included in ROOT_URLCONF.",
                hint=(
                    'Add path("", include("wagtail_conditions.urls")) to your urlpatterns, '
                    "before Wagtail's catch-all include(wagtail_urls)."
                ),
                id="wagtail_conditions.E002",
            )
        ]
    return []


@register(Tags.templates)
def check_settings(app_configs, **kwargs):
    errors = []
    for key in conf.unknown_keys():
        errors.append(
            Warning(
                f"{SETTING_NAME} has an unknown key {key!r}; it is ignored.",
                hint="See the configuration table in the wagtail-conditions README.",
                id="wagtail_conditions.W001",
            )
        )
    try:
        get_template(conf.BASE_TEMPLATE)
    except TemplateDoesNotExist:
        errors.append(
            Error(
                f"{SETTING_NAME}['BASE_TEMPLATE'] names {conf.BASE_TEMPLATE!r}, which does not exist.",
                hint="Point it at a template of yours that defines a 'content' block.",
                id="wagtail_conditions.E003",
            )
        )
    from wagtail.models import get_page_models

    for label in conf.INDEX_PARENT_PAGE_TYPES or []:
        try:
            if apps.get_model(label) not in get_page_models():
                raise LookupError(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"{SETTING_NAME}['INDEX_PARENT_PAGE_TYPES'] names {label!r}, "
                    "which is not an installed page model.",
                    hint="Use 'app_label.ModelName' of a page model.",
                    id="wagtail_conditions.E004",
                )
            )
    if "django.template.context_processors.request" not in _context_processors():
        errors.append(
            Warning(
                "The 'request' context processor is not enabled.",
                hint="Add 'django.template.context_processors.request' to your TEMPLATES.",
                id="wagtail_conditions.W002",
            )
        )
    return errors


def _context_processors():
    processors = []
    for engine in getattr(settings, "TEMPLATES", []):
        processors += engine.get("OPTIONS", {}).get("context_processors", [])
    return processors


# Cache backends that keep their counts per process, or not at all: a rate limit counted in
# one does not hold across the workers and servers of a production site.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches)
def check_rate_limit_cache(app_configs, **kwargs):
    from django.utils.module_loading import import_string

    alias = conf.APPOINTMENT_RATE_LIMIT_CACHE
    if alias not in getattr(settings, "CACHES", {}):
        return [
            Error(
                f"{SETTING_NAME}['APPOINTMENT_RATE_LIMIT_CACHE'] names the cache {alias!r}, "
                "which is not in CACHES.",
                hint="Name one of the aliases in your CACHES setting, e.g. 'default'.",
                id="wagtail_conditions.E005",
            )
        ]
    if settings.DEBUG:
        return []
    backend = settings.CACHES[alias].get("BACKEND", "")
    try:
        backend_class = import_string(backend)
        per_process = tuple(import_string(path) for path in PER_PROCESS_CACHES)
    except ImportError:
        return []  # Django's own cache checks report an unknown backend
    if not issubclass(backend_class, per_process):
        return []
    return [
        Warning(
            f"The appointment request rate limit is counted in the {alias!r} cache "
            f"({backend_class.__name__}), which does not share its counts between processes: "
            "with several workers or servers the limit does not hold.",
            hint=(
                f"Point {SETTING_NAME}['APPOINTMENT_RATE_LIMIT_CACHE'] at a shared cache such "
                "as Redis (django.core.cache.backends.redis.RedisCache) or Memcached "
                "(django.core.cache.backends.memcached.PyMemcacheCache)."
            ),
            id="wagtail_conditions.W003",
        )
    ]
