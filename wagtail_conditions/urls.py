"""Public URLs of wagtail-conditions; include them before Wagtail's catch-all."""

from django.urls import path

from . import views
from .api.form_tokens import fresh_form_token
from .api.submissions import submit_appointment_json
from .feedback import api as feedback_api
from .feedback import views as feedback_views
from .webhooks.views import fetch_details

app_name = "wagtail_conditions"

urlpatterns = [
    path("appointments/submit/", views.submit_appointment, name="appointment_submit"),
    path("api/appointments/", submit_appointment_json, name="appointment_api_submit"),
    # A fresh form token for a page a CDN kept (the form's script asks on first focus).
    path("api/appointments/token/", fresh_form_token, name="appointment_token"),
    # The submit URLs also without their trailing slash: otherwise APPEND_SLASH answers a POST
    # there with a 301 that a client follows with a GET, losing the request (or, under DEBUG,
    # with a RuntimeError). Unnamed, so reverse() gives the documented spelling.
    path("appointments/submit", views.submit_appointment),
    path("api/appointments", submit_appointment_json),
    # The details behind a thin webhook payload (a signed link that expires).
    path("api/appointments/webhook/<str:token>/", fetch_details, name="webhook_fetch"),
    path(
        "appointments/sent/<int:page_id>/<str:block_id>/",
        views.appointment_sent,
        name="appointment_sent",
    ),
    # "Was this page helpful?" (wagtail_conditions/feedback/): the form, its JSON face for the
    # form's script, and the thank-you.
    path("feedback/submit/", feedback_views.submit_feedback_form, name="feedback_submit"),
    path("feedback/submit", feedback_views.submit_feedback_form),
    path("api/feedback/", feedback_api.submit_feedback_json, name="feedback_api_submit"),
    path("api/feedback", feedback_api.submit_feedback_json),
    path("feedback/sent/<int:page_id>/", feedback_views.feedback_sent, name="feedback_sent"),
]
