"""
The feedback form's HTML, as a page shows it: fresh (in the page the render cache keeps, its
token a marker), with one visitor's errors, or with the thank-you. The template tag
(``{% page_feedback %}``) and the HTML face's responses both render it here.

A visitor's state travels on the request (``appointments.form_state``, keyed ``FORM_ID``), as
the appointment form's does: a page rendered with it is never kept by the render cache.

A fresh form rendered for the render cache (its token a marker) is kept as a fragment under
everything it shows (``render_cache.fragment_key``): the page, whether it is private, the
anchor of the page's appointment form, the URLs and script it uses, the language and date. So
the first view after a change elsewhere reads it back instead of rendering the form's widgets.
"""

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from .. import render_cache
from ..appointments.form_state import FormState, get_form_state
from ..blocks.appointment import form_contents_entries
from .answers import THANK_YOU, THANK_YOU_DETAIL
from .forms import FeedbackForm
from .pipeline import FORM_ID, TOKEN_FIELD, accepts_feedback

TEMPLATE = "wagtail_conditions/includes/page_feedback.html"
ANCHOR = "page-feedback"


def appointment_anchor(page):
    """The anchor of the page's first appointment form, or "": where a comment holding
    personal data is sent instead."""
    entries = form_contents_entries(page)
    return entries[0][0] if entries else ""


def feedback_context(request, page):
    state = get_form_state(request, FORM_ID) or FormState()
    form = state.form or FeedbackForm()
    form.auto_id = f"{ANCHOR}-%s"
    fresh = state.form is None and not state.notice and not state.sent
    token = state.token or render_cache.form_token(request, page.pk, FORM_ID)
    comment_errors = form.errors.as_data().get("comment", []) if form.is_bound else []
    return {
        "page": page,
        "personal_data_error": any(error.code == "personal_data" for error in comment_errors),
        "anchor": ANCHOR,
        "form": form,
        "sent": state.sent,
        "notice": state.notice,
        "token": token,
        "fresh": fresh,
        "submit_url": reverse("wagtail_conditions:feedback_submit"),
        "api_url": reverse("wagtail_conditions:feedback_api_submit"),
        "token_url": reverse("wagtail_conditions:appointment_token"),
        "form_id": FORM_ID,
        "token_field": TOKEN_FIELD,
        # Answers are anonymous, so only public pages take them (as appointment requests):
        # read once per page already, by Wagtail's serve (PageBehaviourMixin).
        "private": page.get_view_restrictions().exists(),
        "appointment_anchor": appointment_anchor(page),
        "thank_you": THANK_YOU,
        "thank_you_detail": THANK_YOU_DETAIL,
        "region": render_cache.form_region(request, page.pk, FORM_ID),
    }


def _fragment_key(request, page, context):
    """The key of a fresh form's HTML, or None (a visitor's state is never kept)."""
    if not context["fresh"] or context["sent"] or context["notice"]:
        return None
    return render_cache.fragment_key(
        request,
        [
            "feedback",
            TEMPLATE,
            page.pk,
            context["private"],
            context["appointment_anchor"],
            context["submit_url"],
            context["api_url"],
            context["token_url"],
            static("wagtail_conditions/js/feedback-form.js"),
        ],
    )


def render_feedback(request, page):
    """The form's section for ``page`` (specific), or "" where the page asks no feedback."""
    if request is None or page is None or not page.pk or not accepts_feedback(type(page)):
        return ""
    context = feedback_context(request, page)
    key = _fragment_key(request, page, context)
    kept = render_cache.kept_fragment(key)
    if kept is not None:
        return kept
    html = render_to_string(TEMPLATE, context, request=None)
    render_cache.keep_fragment(key, html)
    return html
