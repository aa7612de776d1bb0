"""
The inbox's webhook deliveries: the list (newest first, or only those not delivered) with the
endpoints that are failing, and the one-click replay (POST, CSRF-checked, needing the inbox's
"view" and "change"), which sends a delivery again with its same ``webhook-id``.
"""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail_modeladmin.views import WMABaseView

from ...models import WebhookDelivery
from ...webhooks.delivery import failing_endpoints
from .. import actions

LIST_LIMIT = 200
NOT_DELIVERED = (WebhookDelivery.Status.RETRYING, WebhookDelivery.Status.FAILED)


def deliveries_for(appointment):
    return appointment.webhook_deliveries.select_related("endpoint").order_by("-created_at", "-pk")


class DeliveriesView(WMABaseView):
    page_title = gettext_lazy("Webhook deliveries")
    http_method_names = ["get"]

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_list(user)

    def get_template_names(self):
        return ["wagtail_conditions/inbox/deliveries.html"]

    def get_context_data(self, **kwargs):
        failing_only = self.request.GET.get("failing") == "1"
        deliveries = WebhookDelivery.objects.select_related("endpoint", "appointment")
        if failing_only:
            deliveries = deliveries.filter(status__in=NOT_DELIVERED)
        return super().get_context_data(
            deliveries=deliveries.order_by("-created_at", "-pk")[:LIST_LIMIT],
            failing_only=failing_only,
            failing_endpoints=list(failing_endpoints()),
            can_replay=self.permission_helper.user_can_edit_obj(self.request.user, None),
            replay_url_name=self.url_helper.get_action_url_name("replay_delivery"),
            **kwargs,
        )


class ReplayDeliveryView(WMABaseView):
    http_method_names = ["post"]
    delivery_pk = None

    def __init__(self, model_admin, delivery_pk):
        super().__init__(model_admin)
        self.delivery_pk = delivery_pk

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_edit_obj(user, None)

    def post(self, request, *args, **kwargs):
        delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("endpoint", "appointment"), pk=self.delivery_pk
        )
        if actions.replay_delivery(delivery, user=request.user):
            messages.success(
                request, _("The delivery will be sent again, with the same webhook ID.")
            )
        elif not delivery.endpoint.enabled:
            messages.error(request, _("This endpoint is disabled: enable it first."))
        else:
            messages.error(request, _("This delivery's request no longer exists."))
        if request.POST.get("return_to") == "inspect" and delivery.appointment_id:
            return redirect(self.url_helper.get_action_url("inspect", delivery.appointment_id))
        return redirect(self.url_helper.get_action_url("deliveries"))
