from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class WagtailConditionsAppConfig(AppConfig):
    name = "wagtail_conditions"
    label = "wagtail_conditions"
    verbose_name = _("Conditions and therapies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .compat import HAS_API_V3
        from .readability.store import connect_signals as connect_reading_ages
        from .render_cache import connect_signals

        connect_signals()
        connect_reading_ages()

        if apps.is_installed("wagtail.contrib.frontend_cache"):
            from .frontend_cache import connect_signals as connect_purges

            connect_purges()

        if HAS_API_V3:
            from .api.v3_appointments import register

            register()
