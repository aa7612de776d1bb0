"""Public URLs of wagtail-conditions; include them before Wagtail's catch-all."""

from django.urls import path

from . import views
from .api.submissions import submit_appointment_json

app_name = "wagtail_conditions"

urlpatterns = [
    path("appointments/submit/", views.submit_appointment, name="appointment_submit"),
    path(
        "api/appointments/",
        submit_appointment_json,
        name="appointment_api_submit",
    ),
    path(
        "appointments/sent/<int:page_id>/<str:block_id>/",
        views.appointment_sent,
        name="appointment_sent",
    ),
]
