"""System checks that tell a host site how to finish wiring the package in."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from wagtail.models import Page, Site, get_page_models

from . import render_cache
from .appointments.tasks import notify_appointment_request
from .conf import SETTING_NAME, conf
from .models import (
    AbstractConditionTherapy,
    ConditionIndexPageMixin,
    ConditionPageMixin,
    TherapyIndexPageMixin,
    TherapyPageMixin,
)
from .models.pages import ModelSettingError
from .readability import counting
from .webhooks.tasks import deliver_webhook

REQUIRED_APPS = [
    "wagtail_modeladmin",
    "wagtail.snippets",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.embeds",
    "wagtail.contrib.settings",
]


def _setting_message(level, message, hint, check_id, **params):
    """A check message about our setting: ``message`` and ``hint`` are translated sentences
    that may name it as %(setting)s and use ``params``."""
    params = {"setting": SETTING_NAME, **params}
    return level(message % params, hint=hint % params, id=check_id)


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
            _setting_message(
                Warning,
                _("%(setting)s has an unknown key %(key)r; it is ignored."),
                _("See the configuration table in the wagtail-conditions README."),
                check_id="wagtail_conditions.W001",
                key=key,
            )
        )
    try:
        get_template(conf.BASE_TEMPLATE)
    except TemplateDoesNotExist:
        errors.append(
            _setting_message(
                Error,
                _("%(setting)s['BASE_TEMPLATE'] names %(template)r, which does not exist."),
                _("Point it at a template of yours that defines a 'content' block."),
                check_id="wagtail_conditions.E003",
                template=conf.BASE_TEMPLATE,
            )
        )
    for label in conf.INDEX_PARENT_PAGE_TYPES or []:
        try:
            if apps.get_model(label) not in get_page_models():
                raise LookupError(label)
        except (LookupError, ValueError):
            errors.append(
                _setting_message(
                    Error,
                    _(
                        "%(setting)s['INDEX_PARENT_PAGE_TYPES'] names %(label)r, "
                        "which is not an installed page model."
                    ),
                    _("Use 'app_label.ModelName' of a page model."),
                    check_id="wagtail_conditions.E004",
                    label=label,
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


def _class_among(path, paths):
    """The class at ``path`` when it is one of the classes at ``paths`` or a subclass, else None.

    A class in ``paths`` that does not import is skipped (its package is not installed, so
    nothing configured is it); an unknown ``path`` is left to the checks of what it configures.
    """
    try:
        configured = import_string(path)
    except ImportError:
        return None
    classes = []
    for candidate in paths:
        try:
            classes.append(import_string(candidate))
        except ImportError:
            pass
    return configured if issubclass(configured, tuple(classes)) else None


def _rate_limit_cache_warning(paths, message, hint, check_id):
    """A Warning (in a list) when the rate-limit cache's backend is one of ``paths`` and the
    site is not in DEBUG; ``message`` and ``hint`` may use %(alias)s and %(backend)s. An alias
    missing from CACHES is E005's to report."""
    alias = conf.APPOINTMENT_RATE_LIMIT_CACHE
    if settings.DEBUG or alias not in getattr(settings, "CACHES", {}):
        return []
    backend_class = _class_among(settings.CACHES[alias].get("BACKEND", ""), paths)
    if backend_class is None:
        return []
    return [
        _setting_message(
            Warning, message, hint, check_id, alias=alias, backend=backend_class.__name__
        )
    ]


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
            _setting_message(
                Error,
                _(
                    "%(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] names the cache %(alias)r, "
                    "which is not in CACHES."
                ),
                _("Name one of the aliases in your CACHES setting, e.g. 'default'."),
                check_id="wagtail_conditions.E005",
                alias=alias,
            )
        ]
    return _rate_limit_cache_warning(
        PER_PROCESS_CACHES,
        _(
            "The appointment request rate limit is counted in the %(alias)r cache "
            "(%(backend)s), which does not share its counts between processes: with "
            "several workers or servers the limit does not hold."
        ),
        _(
            "Point %(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] at a shared cache such "
            "as Redis (django.core.cache.backends.redis.RedisCache) or Memcached "
            "(django.core.cache.backends.memcached.PyMemcacheCache)."
        ),
        check_id="wagtail_conditions.W003",
    )


@register(Tags.caches)
def check_render_cache(app_configs, **kwargs):
    """E010: the render cache names a cache alias that is not in CACHES. W008: it keeps
    nothing (Django's DummyCache) on a site not in DEBUG, so every view renders the page."""
    if not conf.RENDER_CACHE:
        return []
    alias = conf.RENDER_CACHE_ALIAS
    if alias not in getattr(settings, "CACHES", {}):
        return [
            _setting_message(
                Error,
                _(
                    "%(setting)s['RENDER_CACHE_ALIAS'] names the cache %(alias)r, which is "
                    "not in CACHES."
                ),
                _(
                    "Name one of the aliases in your CACHES setting, or set "
                    "%(setting)s['RENDER_CACHE'] = False."
                ),
                check_id="wagtail_conditions.E010",
                alias=alias,
            )
        ]
    if settings.DEBUG or not render_cache.is_dummy_cache():
        return []
    return [
        _setting_message(
            Warning,
            _(
                "Condition and therapy pages are rendered once per content version into the "
                "%(alias)r cache, which is a DummyCache: it keeps nothing, so every view "
                "renders the whole page again."
            ),
            _(
                "Point %(setting)s['RENDER_CACHE_ALIAS'] at a real cache (Redis in "
                "production; see the deployment guide), or set %(setting)s['RENDER_CACHE'] = "
                "False to say you mean it."
            ),
            check_id="wagtail_conditions.W008",
            alias=alias,
        )
    ]


# Task backends that run a task inside the call that enqueues it, i.e. in the web request.
IMMEDIATE_TASK_BACKENDS = (
    "django_tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.immediate.ImmediateBackend",  # Django 6's own tasks framework
)


def _task_backend_path(task):
    """The backend path configured in TASKS for ``task``'s backend alias ("" if none).

    Read from the settings rather than django-tasks' cached backend instances, so that the
    check follows ``override_settings``. django-tasks reports an unknown backend itself.
    """
    tasks_setting = getattr(settings, "TASKS", None) or {
        "default": {"BACKEND": IMMEDIATE_TASK_BACKENDS[0]}
    }
    return tasks_setting.get(task.backend, {}).get("BACKEND", "")


@register()
def check_notification_task_backend(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    backend_class = _class_among(
        _task_backend_path(notify_appointment_request), IMMEDIATE_TASK_BACKENDS
    )
    if backend_class is None:
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
    if _class_among(settings.EMAIL_BACKEND, [SMTP_EMAIL_BACKEND]) is None:
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
    return _rate_limit_cache_warning(
        NON_ATOMIC_CACHES,
        _(
            "The appointment request rate limit is counted in the %(alias)r cache "
            "(%(backend)s), which increments a count with a separate read and write: "
            "processes counting at the same moment read the same count, so more requests "
            "than the limit get through."
        ),
        _(
            "Point %(setting)s['APPOINTMENT_RATE_LIMIT_CACHE'] at a cache with atomic "
            "increments, such as Redis or Memcached."
        ),
        check_id="wagtail_conditions.W006",
    )


# The class methods that find the models a page type works with, for the page types built on
# each mixin. Each raises ModelSettingError when it cannot; a request to the page would.
MODEL_SETTINGS = [
    (ConditionIndexPageMixin, "get_condition_page_model"),
    (TherapyIndexPageMixin, "get_therapy_page_model"),
    (TherapyPageMixin, "get_condition_link_model"),
]


@register(Tags.models)
def check_page_model_settings(app_configs, **kwargs):
    errors = []
    for model in get_page_models():
        if app_configs is not None and model._meta.app_config not in app_configs:
            continue
        for mixin, method in MODEL_SETTINGS:
            if not issubclass(model, mixin):
                continue
            try:
                getattr(model, method)()
            except ModelSettingError as error:
                errors.append(_model_setting_error(model, error))
            except (LookupError, ValueError):
                pass  # a bad subpage_types entry: Wagtail raises it wherever it is read
        if issubclass(model, ConditionPageMixin) and not _has_therapy_links(model):
            errors.append(
                Error(
                    _(
                        "%(model)s reads its therapy links through %(relation)r "
                        "(therapy_links_relation), but no link model built on "
                        "AbstractConditionTherapy has a ParentalKey to it with that related name."
                    )
                    % {"model": model._meta.label, "relation": model.therapy_links_relation},
                    hint=_(
                        "Add a link model built on AbstractConditionTherapy with a ParentalKey "
                        "'condition' to %(model)s (related_name=%(relation)r) and a foreign key "
                        "'therapy' to your therapy page model, as in the README's 'Extending'."
                    )
                    % {"model": model._meta.label, "relation": model.therapy_links_relation},
                    obj=model,
                    id="wagtail_conditions.E009",
                )
            )
    return errors


def _has_therapy_links(model):
    try:
        link_model = model.get_therapy_link_model()
    except FieldDoesNotExist:
        return False
    return link_model is not None and issubclass(link_model, AbstractConditionTherapy)


def _model_setting_error(model, error):
    params = {
        "model": model._meta.label,
        "attribute": error.attribute,
        "base": error.base.__name__,
    }
    if error.configured is not None:
        return Error(
            _(
                "%(model)s.%(attribute)s is %(value)r, which is not an installed model built "
                "on %(base)s."
            )
            % {**params, "value": error.configured},
            hint=_("Name a model built on %(base)s, as 'app_label.ModelName'.") % params,
            obj=model,
            id="wagtail_conditions.E007",
        )
    candidates = ", ".join(candidate._meta.label for candidate in error.candidates)
    return Error(
        _(
            "%(model)s cannot tell which model built on %(base)s to use (found: %(found)s): "
            "set %(attribute)s."
        )
        % {**params, "found": candidates or _("none")},
        hint=_(
            "Set %(attribute)s = 'app_label.ModelName' on %(model)s, naming a model built on "
            "%(base)s."
        )
        % params,
        obj=model,
        id="wagtail_conditions.E006",
    )


@register(Tags.models)
def check_base_page_model(app_configs, **kwargs):
    # Wagtail 8 reads WAGTAIL_PAGE_MODEL through Page's Meta.swappable; 7.4 has no such setting.
    setting = Page._meta.swappable
    swapped_for = getattr(settings, setting, None) if setting else None
    if not swapped_for or swapped_for.lower() == Page._meta.label_lower:
        return []
    ours = [
        model._meta.label
        for model in apps.get_app_config("wagtail_conditions").get_models()
        if issubclass(model, Page)
    ]
    if not ours:
        return []  # our page types are swapped out too (get_models() leaves them out)
    return [
        Error(
            _(
                "%(setting)s swaps Wagtail's Page for %(page_model)s, but the page types of "
                "wagtail-conditions (%(models)s) are built on wagtailcore.Page: Django refuses "
                "them (fields.E301) and migrate cannot create their tables."
            )
            % {"setting": setting, "page_model": swapped_for, "models": ", ".join(ours)},
            hint=_(
                "wagtail-conditions cannot be installed yet on a site that swaps its base page "
                "model: leave %(setting)s unset on a site that installs it. See 'Extending' in "
                "the wagtail-conditions README."
            )
            % {"setting": setting},
            id="wagtail_conditions.E008",
        )
    ]


@register(Tags.database)
def check_privacy_notice(app_configs, databases=None, **kwargs):
    """W007: a site whose appointment forms have no privacy notice to cite. Reads the database,
    so, like Django's own database checks, it runs with ``migrate`` and
    ``check --database default``, not with a plain ``check``."""
    if not databases:
        return []
    AppointmentSettings = apps.get_model("wagtail_conditions", "AppointmentSettings")
    warnings = []
    for alias in databases:
        try:
            sites = list(Site.objects.using(alias).order_by("hostname", "port"))
            notices = {
                row.site_id: row.privacy_notice
                for row in AppointmentSettings.objects.using(alias).select_related("privacy_notice")
            }
        except DatabaseError:
            continue  # not migrated yet
        for site in sites:
            notice = notices.get(site.pk)
            if notice is not None and notice.live:
                continue
            warnings.append(
                Warning(
                    (
                        _(
                            "The site %(site)s has no privacy notice page for its appointment "
                            "forms: their consent statement links to none."
                        )
                        if notice is None
                        else _(
                            "The privacy notice page of the site %(site)s, %(page)r, is not "
                            "published: the consent statement of its appointment forms links "
                            "to a page patients cannot read."
                        )
                    )
                    % {"site": site, "page": getattr(notice, "title", "")},
                    hint=_(
                        "Publish a privacy notice and choose it in Settings › Appointment "
                        "requests › Privacy notice page. If the site takes no appointment "
                        "requests, add 'wagtail_conditions.W007' to SILENCED_SYSTEM_CHECKS."
                    ),
                    obj=site,
                    id="wagtail_conditions.W007",
                )
            )
    return warnings


# Task backends that cannot send a webhook from a worker: the immediate one runs it inside the
# web request; the dummy one never runs it.
NON_WORKER_TASK_BACKENDS = (
    *IMMEDIATE_TASK_BACKENDS,
    "django_tasks.backends.dummy.DummyBackend",
    "django.tasks.backends.dummy.DummyBackend",
)


def _standardwebhooks_missing():
    try:
        import standardwebhooks.webhooks  # noqa: F401  (an optional extra)
    except ImportError:
        return True
    return False


@register()
def check_webhooks(app_configs, databases=None, **kwargs):
    """E011 and W009, about enabled webhook endpoints. They read the database, so they run
    with ``migrate`` and ``check --database default``, as W007 does."""
    if not databases:
        return []
    WebhookEndpoint = apps.get_model("wagtail_conditions", "WebhookEndpoint")
    enabled = False
    for alias in databases:
        try:
            enabled = enabled or WebhookEndpoint.objects.using(alias).filter(enabled=True).exists()
        except DatabaseError:
            continue  # not migrated yet
    if not enabled:
        return []
    messages = []
    if _standardwebhooks_missing():
        messages.append(
            Error(
                _(
                    "A webhook endpoint is enabled, but the standardwebhooks library is not installed."
                ),
                hint=_(
                    "Install the webhooks extra: pip install 'wagtail-conditions[webhooks]'. "
                    "Until then every delivery fails and is retried."
                ),
                id="wagtail_conditions.E011",
            )
        )
    backend_class = _class_among(_task_backend_path(deliver_webhook), NON_WORKER_TASK_BACKENDS)
    if backend_class is not None and not settings.DEBUG:
        messages.append(
            Warning(
                _(
                    "A webhook endpoint is enabled, but webhooks run on the %(backend)s task "
                    "backend: deliveries are not sent from a worker, and retries are never "
                    "queued."
                )
                % {"backend": backend_class.__name__},
                hint=_(
                    "Use the database task backend (django-tasks-db) and run `manage.py "
                    "db_worker` next to the web server. See the deployment guide."
                ),
                id="wagtail_conditions.W009",
            )
        )
    return messages


@register()
def check_readability_dictionaries(app_configs, **kwargs):
    """W010: the syllable dictionaries of the "readability" extra are missing, so English and
    French reading ages come from LIX, a rougher measure (Spanish needs none)."""
    missing = [name for name, found in counting.dependencies_installed().items() if not found]
    if not missing:
        return []
    return [
        Warning(
            _(
                "The syllable dictionaries for reading ages are not installed (%(missing)s): "
                "English and French pages are scored with LIX, whose reading ages are approximate."
            )
            % {"missing": ", ".join(missing)},
            hint=_("Install the readability extra: pip install 'wagtail-conditions[readability]'."),
            id="wagtail_conditions.W010",
        )
    ]


@register(Tags.security)
def check_sources_loopback(app_configs, **kwargs):
    """W011: the link checker may ask loopback addresses outside development. A source's web
    address is whatever an editor typed, so the checker would then send requests to services
    listening on the server itself (an admin port, a metadata proxy, a cache)."""
    if settings.DEBUG or not conf.SOURCES_CHECK_ALLOW_LOOPBACK:
        return []
    return [
        _setting_message(
            Warning,
            _(
                "%(setting)s['SOURCES_CHECK_ALLOW_LOOPBACK'] is on with DEBUG off: the source "
                "link checker asks loopback addresses (127.0.0.1, ::1), so an address an editor "
                "cites can make the server send requests to services running on itself."
            ),
            _(
                "Remove SOURCES_CHECK_ALLOW_LOOPBACK from %(setting)s outside tests; loopback "
                "sources are then recorded as 'Not checked: private address'."
            ),
            check_id="wagtail_conditions.W011",
        )
    ]
