"""
The HTML face of the feedback form: a plain POST, no JavaScript needed, as the appointment
form's (``wagtail_conditions/views.py``, whose body checks and problem pages it shares).

An answer stored redirects (303, POST/redirect/GET) to ``feedback/sent/<page id>/``: the page
again with the form's section showing the thank-you. Errors re-render the page with the
visitor's answer and an error summary (422), an expired or missing token with a fresh one
(403). The page a render cache or CDN keeps is never involved: it stays the fresh form for
everyone, and every response here is ``no-store`` and ``noindex``. The form's token, not
Django's CSRF cookie, protects the POST (``appointments/tokens.py``).
"""

from functools import partial

from django.db import DatabaseError, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import PageViewRestriction

from .. import render_cache
from ..appointments import answers as appointment_answers
from ..appointments.form_state import FormState, set_form_state
from ..conf import conf
from ..i18n import override_page_language
from ..views import private, problem_page, read_form
from .answers import SENT_PAGE_NOT_FOUND, answer_for
from .pipeline import FORM_ID, TOKEN_FIELD, Result, resolve_page, submit_feedback
from .rendering import ANCHOR, render_feedback


def render_page_with_state(request, page, state, status=200):
    """``page`` (any model of it) with the feedback form showing ``state``: the cached page
    with the form's section rendered for this visitor where the render cache has it, else the
    whole page rendered."""
    page = page.specific
    # resolve_page found it public, in its own query: its (evaluated, empty) restrictions, so
    # that nothing asks again (PageBehaviourMixin.get_view_restrictions).
    restrictions = PageViewRestriction.objects.none()
    restrictions._fetch_all()
    page.__dict__[render_cache.VIEW_RESTRICTIONS_ATTRIBUTE] = restrictions
    set_form_state(request, FORM_ID, state)
    with override_page_language(page):
        response = render_cache.serve_with_form_state(
            page, request, FORM_ID, partial(render_feedback, request, page)
        )
        if response is None:
            route = page.route(request, [])
            response = page.serve(request, *route.args, **route.kwargs)
        if hasattr(response, "render"):
            response.render()
    response.status_code = status
    return private(response)


@csrf_exempt  # protected by the signed form token instead; see appointments/tokens.py
@transaction.non_atomic_requests  # the pipeline commits the answer in its own transaction
def submit_feedback_form(request):
    if request.method != "POST":
        response = problem_page(request, appointment_answers.METHOD_NOT_ALLOWED)
        response["Allow"] = "POST"
        return response
    try:
        data = read_form(request, max_bytes=conf.FEEDBACK_MAX_BODY_BYTES)
    except appointment_answers.Rejected as rejected:
        return problem_page(request, rejected.answer)

    page_id, token = data.pop("page", None), data.get(TOKEN_FIELD)
    outcome = submit_feedback(data=data, request=request, page_id=page_id, token=token)
    answer = answer_for(outcome.result)
    if outcome.result in (Result.CREATED, Result.SPAM):
        target = reverse("wagtail_conditions:feedback_sent", kwargs={"page_id": outcome.page.pk})
        # 303 so the browser follows with GET; the URL carries nothing the patient wrote.
        response = redirect(f"{target}#{ANCHOR}")
        response.status_code = 303
        add_never_cache_headers(response)
        return response
    try:
        if outcome.result is Result.INVALID:
            # The visitor's first token is kept: the fill time counts from their first view.
            state = FormState(form=outcome.form, token=token)
            return render_page_with_state(request, outcome.page, state, status=answer.status)
        if outcome.result is Result.BAD_TOKEN:
            state = FormState(form=outcome.form, token=outcome.fresh_token, notice=answer.message)
            return render_page_with_state(request, outcome.page, state, status=answer.status)
    except DatabaseError:
        return problem_page(request, answer_for(Result.UNAVAILABLE), page=outcome.page)
    # NOT_FOUND, RATE_LIMITED, UNAVAILABLE
    return problem_page(request, answer, page=outcome.page)


def feedback_sent(request, page_id):
    """The page again, its feedback form showing the thank-you. It says nothing of what was
    answered, so it shows the same to anyone who opens the URL; it is never cached."""
    try:
        page = resolve_page(page_id)
        if page is None:
            return problem_page(request, SENT_PAGE_NOT_FOUND)
        return render_page_with_state(request, page, FormState(sent=True))
    except DatabaseError:
        return problem_page(request, answer_for(Result.UNAVAILABLE))
