"""
Webhook endpoints in the admin (Snippets › Webhook endpoints), with Wagtail's snippet
permissions on ``WebhookEndpoint`` (add, change, delete, view) as their own gate.

The secret is made by the model and shown exactly once, in the response to the form that
made it: creating an endpoint, or rotating its secret (the old one keeps signing, beside the
new one, for ``WEBHOOK_SECRET_OVERLAP``). That response is ``no-store``; the secret is never
a form field, a list column or an export column.
"""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from ..conf import conf
from ..models.webhooks import WebhookEndpoint

SECRET_TEMPLATE = "wagtail_conditions/webhooks/secret.html"


def secret_response(request, endpoint, secret, *, rotated, index_url):
    response = TemplateResponse(
        request,
        SECRET_TEMPLATE,
        {
            "endpoint": endpoint,
            "secret": secret,
            "rotated": rotated,
            "overlap_hours": conf.WEBHOOK_SECRET_OVERLAP // 3600,
            "index_url": index_url,
            "page_title": _("Webhook secret"),
            "header_title": _("Webhook secret"),
        },
    )
    add_never_cache_headers(response)
    return response


class EndpointCreateView(CreateView):
    def save_action(self):
        if self.expects_json_response:
            return super().save_action()
        return secret_response(
            self.request,
            self.object,
            self.object.secret,
            rotated=False,
            index_url=reverse(self.index_url_name),
        )


ROTATE_LABEL = _("Rotate the secret")


class EndpointIndexView(IndexView):
    rotate_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            url = reverse(self.rotate_url_name, args=[instance.pk])
            buttons.append(MenuItem(ROTATE_LABEL, url=url, icon_name="key", priority=25))
        return buttons


class EndpointEditView(EditView):
    rotate_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            url = reverse(self.rotate_url_name, args=[self.object.pk])
            buttons.append(Button(ROTATE_LABEL, url=url, icon_name="key", priority=15))
        return buttons


class RotateSecretView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST makes a new secret and shows it once."""

    model = WebhookEndpoint
    permission_required = "change"
    template_name = "wagtail_conditions/webhooks/rotate.html"
    page_title = ROTATE_LABEL
    http_method_names = ["get", "post"]
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(WebhookEndpoint, pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            endpoint=self.object, overlap_hours=conf.WEBHOOK_SECRET_OVERLAP // 3600, **kwargs
        )

    def post(self, request, *args, **kwargs):
        secret = self.object.rotate_secret(conf.WEBHOOK_SECRET_OVERLAP)
        return secret_response(
            request, self.object, secret, rotated=True, index_url=reverse(self.index_url_name)
        )


class WebhookEndpointViewSet(SnippetViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook endpoints")
    add_view_class = EndpointCreateView
    index_view_class = EndpointIndexView
    # A copy would share the secret, never shown for it: make a new endpoint instead.
    copy_view_enabled = False
    edit_view_class = EndpointEditView
    list_display = ["name", "url", "enabled", "payload_format", "disabled_reason"]
    # The secret is not a column: listing and exporting never show it.
    list_export = ["name", "url", "enabled", "payload_format", "events", "disabled_reason"]
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("enabled"),
        FieldPanel("events"),
        FieldPanel("site"),
        FieldPanel("payload_format"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(rotate_url_name=self.get_url_name("rotate"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(rotate_url_name=self.get_url_name("rotate"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "rotate/<int:pk>/",
                RotateSecretView.as_view(index_url_name=self.get_url_name("list")),
                name="rotate",
            ),
        ]
