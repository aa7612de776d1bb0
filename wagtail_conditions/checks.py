"""System checks that tell a host site how to finish wiring the package in."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .conf import SETTING_NAME, conf

REQUIRED_APPS = [
    "wagtail_modeladmin",
    "wagtail.snippets",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.embeds",
    "wagtail.contrib.settings",
]


@register(Tags.compatibility)
def check_installed_apps(app_configs, **kwargs):
    errors = []
    for app_name in REQUIRED_APPS:
        if not apps.is_installed(app_name):
            errors.append(
                Error(
                    _("wagtail-conditions needs %(app)r in INSTALLED_APPS.") % {"app": app_name},
                    hint=_("Add %(app)r to INSTALLED_APPS in your settings.") % {"app": app_name},
                    id="wagtail_conditions.E001",
                )
            )
    return errors


@register(Tags.urls)
def check_urls_included(app_configs, **kwargs):
    if "wagtail_conditions" not in get_resolver().namespace_dict:
        return [
            Error(
                _("The wagtail-conditions URLs are not included in ROOT_URLCONF."),
                hint=_(
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
                _("%(setting)s has an unknown key %(key)r; it is ignored.")
                % {"setting": SETTING_NAME, "key": key},
                hint=_("See the configuration table in the wagtail-conditions README."),
                id="wagtail_conditions.W001",
            )
        )
    try:
        get_template(conf.BASE_TEMPLATE)
    except TemplateDoesNotExist:
        errors.append(
            Error(
                _("%(setting)s['BASE_TEMPLATE'] names %(template)r, which does not exist.")
                % {"setting": SETTING_NAME, "template": conf.BASE_TEMPLATE},
                hint=_("Point it at a template of yours that defines a 'content' block."),
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
                    _(
                        "%(setting)s['INDEX_PARENT_PAGE_TYPES'] names %(label)r, "
                        "which is not an installed page model."
                    )
                    % {"setting": SETTING_NAME, "label": label},
                    hint=_("Use 'app_label.ModelName' of a page model."),
                    id="wagtail_conditions.E004",
                )
            )
    if "django.template.context_processors.request" not in _context_processors():
        errors.append(
            Warning(
                _("The 'request' context processor is not enabled."),
                hint=_("Add 'django.template.context_processors.request' to your TEMPLATES."),
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
    alias = conf.APPOINTMENT_RATE_LIMIT_CACHE
    if alias not in getattr(settings, "CACHES", {}):
        return [
            Error(
                _(
                    "%(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] names the cache %(alias)r, "
                    "which is not in CACHES."
                )
                % {"setting": SETTING_NAME, "alias": alias},
                hint=_("Name one of the aliases in your CACHES setting, e.g. 'default'."),
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
            _(
                "The appointment request rate limit is counted in the %(alias)r cache "
                "(%(backend)s), which does not share its counts between processes: with "
                "several workers or servers the limit does not hold."
            )
            % {"alias": alias, "backend": backend_class.__name__},
            hint=_(
                "Point %(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] at a shared cache such "
                "as Redis (django.core.cache.backends.redis.RedisCache) or Memcached "
                "(django.core.cache.backends.memcached.PyMemcacheCache)."
            )
            % {"setting": SETTING_NAME},
            id="wagtail_conditions.W003",
        )
    ]


# Task backends that run a task inside the call that enqueues it, i.e. in the web request.
IMMEDIATE_TASK_BACKENDS = (
    "django_tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.immediate.ImmediateBackend",  # Django 6's own tasks framework
)


def _task_backend_class(task):
    """The class configured in TASKS for ``task``'s backend alias, or None if unknown.

    Read from the settings rather than django-tasks' cached backend instances, so that the
    check follows ``override_settings``.
    """
    tasks_setting = getattr(settings, "TASKS", None) or {
        "default": {"BACKEND": IMMEDIATE_TASK_BACKENDS[0]}
    }
    path = tasks_setting.get(task.backend, {}).get("BACKEND", "")
    try:
        return import_string(path)
    except ImportError:
        return None  # django-tasks reports an unknown backend itself


@register()
def check_notification_task_backend(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    # Imported here: the task module imports the models, which need the app registry ready.
    from .appointments.tasks import notify_appointment_request

    backend_class = _task_backend_class(notify_appointment_request)
    immediate = []
    for path in IMMEDIATE_TASK_BACKENDS:
        try:
            immediate.append(import_string(path))
        except ImportError:
            pass
    if backend_class is None or not issubclass(backend_class, tuple(immediate)):
        return []
    return [
        Warning(
            _(
                "Appointment request notifications run on the %(backend)s task backend: "
                "emails are sent inside the web request, and a hung mail server stalls "
                "the web workers."
            )
            % {"backend": backend_class.__name__},
            hint=_(
                "Use the database task backend: install django-tasks-db, add "
                "'django_tasks_db' to INSTALLED_APPS, set TASKS = {'default': {'BACKEND': "
                "'django_tasks_db.DatabaseBackend'}} and run `manage.py db_worker` next to the "
                "web server. See the deployment guide."
            ),
            id="wagtail_conditions.W004",
        )
    ]


SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@register()
def check_email_timeout(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_TIMEOUT is not None:
        return []
    try:
        backend_class = import_string(settings.EMAIL_BACKEND)
    except ImportError:
        return []
    if not issubclass(backend_class, import_string(SMTP_EMAIL_BACKEND)):
        return []
    return [
        Warning(
            _(
                "EMAIL_TIMEOUT is not set: a mail server that accepts the connection and never "
                "answers holds the process sending an appointment notification for ever."
            ),
            hint=_(
                "Set EMAIL_TIMEOUT to a number of seconds, e.g. 10. A notification that times "
                "out is recorded as failed and can be retried."
            ),
            id="wagtail_conditions.W005",
        )
    ]


# Cache backends that share their counts but increment them with a read and a write (Django's
# BaseCache.incr), so two workers counting at once can both read N and store N + 1.
NON_ATOMIC_CACHES = (
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@register(Tags.caches)
def check_rate_limit_cache_is_atomic(app_configs, **kwargs):
    alias = conf.APPOINTMENT_RATE_LIMIT_CACHE
    if settings.DEBUG or alias not in getattr(settings, "CACHES", {}):
        return []  # E005 reports an unknown alias
    try:
        backend_class = import_string(settings.CACHES[alias].get("BACKEND", ""))
        non_atomic = tuple(import_string(path) for path in NON_ATOMIC_CACHES)
    except ImportError:
        return []
    if not issubclass(backend_class, non_atomic):
        return []
    return [
        Warning(
            _(
                "The appointment request rate limit is counted in the %(alias)r cache "
                "(%(backend)s), which increments a count with a separate read and write: "
                "processes counting at the same moment read the same count, so more requests "
                "than the limit get through."
            )
            % {"alias": alias, "backend": backend_class.__name__},
            hint=_(
                "Point %(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] at a cache with atomic "
                "increments, such as Redis or Memcached."
            )
            % {"setting": SETTING_NAME},
            id="wagtail_conditions.W006",
        )
    ]
