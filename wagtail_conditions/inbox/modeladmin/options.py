"""The wagtail-modeladmin registration of the inbox: configuration, URLs and the menu item."""

from django.contrib.admin import display
from django.core.exceptions import PermissionDenied
from django.urls import re_path
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin

from ...models import AppointmentRequest
from . import views
from .filters import ReceivedDateRangeFilter, SourcePageFilter
from .helpers import InboxButtonHelper, InboxPermissionHelper, InboxURLHelper

PATIENT_FIELDS = [
    "name",
    "email",
    "phone",
    "preferred_date",
    "preferred_time",
    "patient_status",
    "reason",
]
REQUEST_FIELDS = [
    "created_at",
    "topic",
    "source_page_title",
    "consent_text",
    "consent_given_at",
    "privacy_notice_version",
    "notification_status",
]


def _read_only(name):
    return FieldPanel(name, read_only=True, disable_comments=True)


class InboxMenuItem(ModelAdminMenuItem):
    """The menu link, labelled with the number of new requests (one indexed COUNT query)."""

    def render_component(self, request):
        count = AppointmentRequest.objects.filter(status=AppointmentRequest.Status.NEW).count()
        label = str(self.label)
        if count:
            label = _gettext("%(label)s (%(count)s new)") % {"label": label, "count": count}
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


class AppointmentRequestAdmin(ModelAdmin):
    model = AppointmentRequest
    menu_label = _("Appointment requests")
    menu_icon = "mail"
    menu_order = 250
    add_to_admin_menu = True

    permission_helper_class = InboxPermissionHelper
    url_helper_class = InboxURLHelper
    button_helper_class = InboxButtonHelper

    index_view_class = views.InboxIndexView
    inspect_view_class = views.InboxInspectView
    edit_view_class = views.InboxEditView
    delete_view_class = views.InboxDeleteView
    history_view_class = views.InboxHistoryView
    index_template_name = "wagtail_conditions/inbox/index.html"
    inspect_template_name = "wagtail_conditions/inbox/inspect.html"

    list_display = (
        "created_at",
        "status",
        "name",
        "topic_or_page",
        "preferred",
        "notification_status",
    )
    list_display_add_buttons = "name"
    list_filter = (
        "status",
        ReceivedDateRangeFilter,
        ("source_page", SourcePageFilter),
        "topic",
        "notification_status",
    )
    search_fields = ("name", "email", "phone")
    ordering = ("-created_at", "-pk")
    list_per_page = 50

    inspect_view_enabled = True
    # Every field but the internal de-duplication hash.
    inspect_view_fields = [
        "reference",
        "created_at",
        "status",
        *PATIENT_FIELDS,
        "topic",
        "source_page",
        "source_page_title",
        "block_id",
        "consent_text",
        "consent_given_at",
        "privacy_notice_url",
        "privacy_notice_version",
        "staff_notes",
        "recipients",
        "send_acknowledgement",
        "notification_status",
        "notification_attempts",
        "notification_error",
        "notified_at",
        "updated_at",
    ]

    # Only status and staff notes are form fields; read-only panels are not part of the form,
    # so posted values for the patient's answers are never even read.
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("status", disable_comments=True),
                    FieldPanel("staff_notes", disable_comments=True),
                ],
                heading=_("Front desk"),
            ),
            MultiFieldPanel(
                [_read_only(name) for name in PATIENT_FIELDS],
                heading=_("Sent by the patient"),
            ),
            MultiFieldPanel(
                [_read_only(name) for name in REQUEST_FIELDS],
                heading=_("Request"),
            ),
        ]
    )

    @display(description=_("condition, therapy or page"), ordering="topic")
    def topic_or_page(self, obj):
        return obj.topic or obj.source_page_title

    @display(description=_("preferred date and time"), ordering="preferred_date")
    def preferred(self, obj):
        parts = [
            obj.preferred_date.isoformat() if obj.preferred_date else "",
            obj.get_preferred_time_display(),
        ]
        return " · ".join(part for part in parts if part)

    @display(description=_("select"))
    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="inbox-bulk-status" '
            'aria-label="{}">',
            obj.pk,
            _gettext("Select appointment request #%(pk)s") % {"pk": obj.pk},
        )

    def get_list_display(self, request):
        if self.permission_helper.user_can_edit_obj(request.user, None):
            return ("select_box", *self.list_display)
        return self.list_display

    def get_menu_item(self, order=None):
        return InboxMenuItem(self, order or self.get_menu_order())

    # --- URLs and views --------------------------------------------------------------------

    def _require(self, request, check="user_can_list"):
        # Before any view is built: modeladmin looks the object up (404) before checking
        # permissions, which would tell a stranger which request numbers exist. The helper's
        # checks are model-wide, so they need no object.
        helper = self.permission_helper
        allowed = getattr(helper, check)(request.user)
        if not (allowed and helper.user_can_list(request.user)):
            raise PermissionDenied

    def index_view(self, request):
        self._require(request)
        return super().index_view(request)

    def inspect_view(self, request, instance_pk):
        self._require(request)
        return super().inspect_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        self._require(request, "user_can_change")
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self._require(request, "user_can_delete")
        return super().delete_view(request, instance_pk)

    def history_view(self, request, instance_pk):
        self._require(request)
        return super().history_view(request, instance_pk)

    def export_view(self, request, export_format):
        self._require(request, "user_can_export")
        return views.InboxExportView.as_view(model_admin=self, export_format=export_format)(request)

    def bulk_status_view(self, request):
        self._require(request, "user_can_change")
        return views.BulkStatusView.as_view(model_admin=self)(request)

    def retry_view(self, request, instance_pk):
        self._require(request, "user_can_change")
        return views.RetryNotificationView.as_view(model_admin=self, instance_pk=instance_pk)(
            request
        )

    def get_admin_urls_for_registration(self):
        # No create view: requests only ever come from patients.
        helper = self.url_helper

        def url(action, view, **kwargs):
            return re_path(
                helper.get_action_url_pattern(action),
                view,
                kwargs or None,
                name=helper.get_action_url_name(action),
            )

        return (
            url("index", self.index_view),
            url("export_csv", self.export_view, export_format="csv"),
            url("export_xlsx", self.export_view, export_format="xlsx"),
            url("bulk_status", self.bulk_status_view),
            url("inspect", self.inspect_view),
            url("edit", self.edit_view),
            url("delete", self.delete_view),
            url("history", self.history_view),
            url("retry", self.retry_view),
        )

    def get_permissions_for_registration(self):
        # "add" would grant nothing (there is no create view); keep it out of the group editor.
        return (
            super()
            .get_permissions_for_registration()
            .exclude(codename=f"add_{self.opts.model_name}")
        )

    def register_indexing(self):
        # Requests are records, not content: keep them out of Wagtail's reference index (and
        # out of a page's "usage" count), and spare every save the index update.
        pass
