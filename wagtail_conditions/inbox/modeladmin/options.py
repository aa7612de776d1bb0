"""The wagtail-modeladmin registration of the inbox: configuration, URLs and the menu item."""

import datetime

from django.contrib.admin import display
from django.core.exceptions import PermissionDenied
from django.urls import re_path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin

from ...models import AppointmentRequest
from .. import display as inbox_display
from ..counts import new_request_count
from . import deliveries, views
from .filters import ReceivedDateRangeFilter, SourcePageFilter, StatusFilter, TopicFilter
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


class ReadOnlyPanel(FieldPanel):
    """A read-only field whose dates read as everywhere else in the inbox."""

    def format_value_for_display(self, value):
        if isinstance(value, datetime.datetime):
            return inbox_display.format_datetime(value)
        if isinstance(value, datetime.date):
            return inbox_display.format_date(value)
        return super().format_value_for_display(value)


def _read_only(name):
    return ReadOnlyPanel(name, read_only=True, disable_comments=True)


class InboxMenuItem(ModelAdminMenuItem):
    """
    The menu link: a short label that the sidebar never cuts off, with the number of new
    requests after it ("Requests · 3"; spam is never "new"), from one indexed COUNT query
    cached briefly (``inbox.counts``): every admin page shows it.
    """

    def render_component(self, request):
        count = new_request_count()
        label = str(self.label)
        attrs = dict(self.attrs or {})
        if count:
            label = gettext("%(label)s · %(count)s") % {"label": label, "count": count}
            # What the number means, for screen readers and on hover.
            attrs["aria-label"] = attrs["title"] = gettext(
                "Appointment requests: %(count)s new"
            ) % {"count": count}
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=attrs,
        )


class AppointmentRequestAdmin(ModelAdmin):
    model = AppointmentRequest
    menu_label = _("Requests")
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
        "reference",
        "received",
        "status",
        "name",
        "phone_link",
        "email_link",
        "topic_or_page",
        "preferred",
        "notification_status",
    )
    list_display_add_buttons = "reference"
    list_filter = (
        StatusFilter,
        ReceivedDateRangeFilter,
        ("source_page", SourcePageFilter),
        ("topic", TopicFilter),
        "notification_status",
    )
    search_fields = ("name", "email", "phone")
    ordering = ("-created_at", "-pk")
    list_per_page = 50

    inspect_view_enabled = True
    # What the front desk needs, in the order they need it (the reference heads the page).
    # Left out as internal: the primary key, the form block's ID, the source page's ID and
    # the de-duplication hash.
    inspect_view_fields = [
        "created_at",
        "status",
        "spam_reason",
        *PATIENT_FIELDS,
        "topic",
        "source_page_title",
        "staff_notes",
        "consent_text",
        "consent_given_at",
        "privacy_notice_url",
        "privacy_notice_version",
        "notification_status",
        "notification_attempts",
        "notification_error",
        "notified_at",
        "recipients",
        "send_acknowledgement",
        "updated_at",
    ]

    def get_inspect_view_fields(self):
        return self.inspect_view_fields

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

    @display(description=_("received"), ordering="created_at")
    def received(self, obj):
        return inbox_display.format_datetime(obj.created_at)

    @display(description=_("phone"), ordering="phone")
    def phone_link(self, obj):
        return inbox_display.phone_link(obj.phone)

    @display(description=_("email"), ordering="email")
    def email_link(self, obj):
        return inbox_display.email_link(obj.email)

    @display(description=_("condition, therapy or page"), ordering="topic")
    def topic_or_page(self, obj):
        return obj.topic or obj.source_page_title

    @display(description=_("preferred date and time"), ordering="preferred_date")
    def preferred(self, obj):
        parts = [
            inbox_display.format_date(obj.preferred_date),
            obj.get_preferred_time_display(),
        ]
        return " · ".join(part for part in parts if part)

    @display(description=_("status"), ordering="status")
    def status_with_action(self, obj):
        """The status, and for a new (or spam) request a one-click button for the next one.
        The button submits one of the small forms the index template renders once."""
        quick = views.QUICK_STATUSES.get(obj.status)
        if quick is None:
            return obj.get_status_display()
        target, label = quick
        return format_html(
            '{} <button type="submit" form="inbox-quick-{}" name="ids" value="{}" '
            'class="button button-small button-secondary" aria-label="{}">{}</button>',
            obj.get_status_display(),
            target,
            obj.pk,
            gettext("%(action)s: %(reference)s") % {"action": label, "reference": obj.reference},
            label,
        )

    @display(description=_("select"))
    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="inbox-bulk-status" '
            'aria-label="{}">',
            obj.pk,
            gettext("Select %(reference)s") % {"reference": obj.reference},
        )

    def get_list_display(self, request):
        if self.permission_helper.user_can_edit_obj(request.user, None):
            columns = ["status_with_action" if c == "status" else c for c in self.list_display]
            return ("select_box", *columns)
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

    def deliveries_view(self, request):
        self._require(request)
        return deliveries.DeliveriesView.as_view(model_admin=self)(request)

    def replay_delivery_view(self, request, delivery_pk):
        self._require(request, "user_can_change")
        return deliveries.ReplayDeliveryView.as_view(model_admin=self, delivery_pk=delivery_pk)(
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
            url("deliveries", self.deliveries_view),
            url("replay_delivery", self.replay_delivery_view),
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
