"""The condition page editor with Wagtail's localisation on: body areas offered in the page's
locale only, and the therapies a translated page still links in another language named in the
"Therapies" tab. See ``wagtail_conditions.i18n`` for how the links are kept in step."""

from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import Panel
from wagtail.models import Page

from .i18n import i18n_enabled


class ConditionPageForm(WagtailAdminPageForm):
    """The condition page form: the body-area choices are the page's locale's areas (and
    any the page already has, so that saving never drops one silently)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("body_areas")
        locale_id = self.instance.locale_id or getattr(self.parent_page, "locale_id", None)
        if field is None or locale_id is None:
            return
        chosen = Q()
        if self.instance.pk:
            chosen = Q(pk__in=self.instance.body_areas.all().values_list("pk", flat=True))
        field.queryset = field.queryset.filter(Q(locale_id=locale_id) | chosen)


class UntranslatedTherapiesPanel(Panel):
    """Names the therapies this page links in another locale because they have no live
    translation in the page's locale yet: visitors are sent to the source-language page until
    one is published. Shows nothing otherwise (and on a single-language site)."""

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.untranslated = self._untranslated() if i18n_enabled() else []

        def _untranslated(self):
            page = self.instance
            if not page.locale_id:
                return []
            relation = getattr(page, "therapy_links_relation", None)
            if relation is None:
                return []
            therapy_ids = [link.therapy_id for link in getattr(page, relation).all()]
            linked = list(
                Page.objects.filter(pk__in=[pk for pk in therapy_ids if pk])
                .exclude(locale_id=page.locale_id)
                .select_related("locale")
            )
            if not linked:
                return []
            translated = set(
                Page.objects.live()
                .filter(
                    locale_id=page.locale_id,
                    translation_key__in=[therapy.translation_key for therapy in linked],
                )
                .values_list("translation_key", flat=True)
            )
            return [therapy for therapy in linked if therapy.translation_key not in translated]

        def is_shown(self):
            return bool(self.untranslated)

        def render_html(self, parent_context=None):
            if not self.untranslated:
                return ""
            return format_html(
                '<div class="help-block help-warning"><p>{}</p><ul>{}</ul></div>',
                _(
                    "These therapies have no published translation in this page's language "
                    "yet, so visitors are sent to the page in its original language. Translate "
                    "and publish them and this page links to the translations."
                ),
                format_html_join(
                    "",
                    "<li>{} ({})</li>",
                    (
                        (therapy.title, therapy.locale.get_display_name())
                        for therapy in self.untranslated
                    ),
                ),
            )
