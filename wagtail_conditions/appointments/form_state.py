"""
What one form block shows in the response to a submission: the visitor's answers with their
errors, or the thank-you message. The HTML face sets it on the request before it renders the
page again; the block reads it when it renders. Nothing else is kept between requests.
"""

from dataclasses import dataclass

REQUEST_ATTRIBUTE = "_wagtail_conditions_form_state"


@dataclass(frozen=True)
class FormState:
    form: object = None  # the bound AppointmentRequestForm, when showing answers again
    token: str = ""  # the form token to render (the visitor's own, or a fresh one)
    notice: str = ""  # a one-line explanation above the errors, e.g. "the form timed out"
    sent: bool = False
    reference: str = ""  # the request's reference, on the thank-you message


def set_form_state(request, block_id, state):
    setattr(request, REQUEST_ATTRIBUTE, {block_id: state})


def get_form_state(request, block_id):
    """The ``FormState`` for one form block in this request, or None."""
    return getattr(request, REQUEST_ATTRIBUTE, {}).get(block_id)
