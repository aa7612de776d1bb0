"""modeladmin helpers for the inbox: permissions from ``inbox.permissions``, extra URLs and buttons."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail_modeladmin.helpers import AdminURLHelper, ButtonHelper, PermissionHelper

from ...models import AppointmentRequest
from .. import permissions


class InboxPermissionHelper(PermissionHelper):
    """
    modeladmin's own helper lets a user with *any* permission on the model (add-only,
    delete-only) list, inspect and export. Here every page needs "view", and each action its
    own permission on top (see ``inbox.permissions``).
    """

    def user_can_list(self, user):
        return permissions.can_view(user)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and permissions.can_view(user)

    def user_can_create(self, user):
        return permissions.can_create(user)

    def user_can_change(self, user):
        return permissions.can_change(user)

    def user_can_delete(self, user):
        return permissions.can_delete(user)

    def user_can_edit_obj(self, user, obj):
        return permissions.can_change(user)

    def user_can_delete_obj(self, user, obj):
        return permissions.can_delete(user)

    def user_can_view_history(self, user, obj):
        return permissions.can_view(user)

    def user_can_export(self, user):
        return permissions.can_export(user)

    def user_can_retry_obj(self, user, obj):
        return (
            permissions.can_change(user)
            and obj.notification_status == AppointmentRequest.NotificationStatus.FAILED
        )


class InboxURLHelper(AdminURLHelper):
    """Adds the list-wide actions (exports, bulk status) to modeladmin's URL scheme."""

    PATHS = {
        "export_csv": "export/csv",
        "export_xlsx": "export/xlsx",
        "bulk_status": "bulk-status",
        "deliveries": "deliveries",
    }
    #: Actions on a webhook delivery (its primary key), not on a request.
    DELIVERY_PATHS = {"replay_delivery": "deliveries/replay"}

    def _get_action_url_pattern(self, action):
        if action in self.PATHS:
            return rf"^{self.base_url_path}/{self.PATHS[action]}/$"
        if action in self.DELIVERY_PATHS:
            return rf"^{self.base_url_path}/{self.DELIVERY_PATHS[action]}/(?P<delivery_pk>\d+)/$"
        return super()._get_action_url_pattern(action)

    def get_action_url_pattern(self, action):
        if action in self.PATHS or action in self.DELIVERY_PATHS:
            return self._get_action_url_pattern(action)
        return super().get_action_url_pattern(action)

    def get_action_url(self, action, *args, **kwargs):
        if action in self.PATHS:
            return reverse(self.get_action_url_name(action))
        if action in self.DELIVERY_PATHS:
            return reverse(self.get_action_url_name(action), args=args)
        return super().get_action_url(action, *args, **kwargs)


class InboxButtonHelper(ButtonHelper):
    def retry_button(self, pk, classnames_add=None, classnames_exclude=None):
        classnames = ["button-secondary", *(classnames_add or [])]
        return {
            "url": self.url_helper.get_action_url("retry", quote(pk)),
            "label": _("Retry notification"),
            "classname": self.finalise_classname(classnames, classnames_exclude or []),
            "title": _("Send the failed notification for this request again"),
        }

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if "retry" not in (exclude or []) and self.permission_helper.user_can_retry_obj(
            self.request.user, obj
        ):
            buttons.append(self.retry_button(obj.pk, classnames_add, classnames_exclude))
        return buttons

    def get_primary_button(self, obj):
        # The row links to the read-only inspect view (which is audit-logged), not to edit.
        if self.permission_helper.user_can_inspect_obj(self.request.user, obj):
            return self.inspect_button(obj.pk)
        return None
