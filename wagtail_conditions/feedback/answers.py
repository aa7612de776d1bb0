"""How both faces answer a feedback ``Result`` (the appointment form's ``Answer`` shape: a
status, the HTML page's words for the patient, the JSON problem's ``detail``). Missing or
invalid answers are a 422, as the appointment endpoints' field errors are; a body that cannot
be read is a 400."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from ..appointments.answers import UNAVAILABLE_RETRY_AFTER, Answer
from ..conf import conf
from .pipeline import Result

THANK_YOU = _("Thank you for your feedback.")
THANK_YOU_DETAIL = _("We read every answer to improve our pages. We cannot reply to comments.")

_RATE_LIMITED = Answer(
    429,
    title=_("Too many answers"),
    message=_(
        "You have sent feedback several times in a short time. Please wait a few minutes and "
        "try again."
    ),
    detail=_("Too many requests. Try again later."),
)

_ANSWERS = {
    Result.CREATED: Answer(201),
    Result.SPAM: Answer(201),
    Result.INVALID: Answer(422, detail=_("Validation failed")),
    Result.NOT_FOUND: Answer(
        404,
        title=_("Page not found"),
        message=_("Feedback cannot be sent for this page: it has been moved or removed."),
        detail=_("There is no such page asking for feedback."),
    ),
    Result.BAD_TOKEN: Answer(
        403,
        message=_("For your security this form timed out. Please send your answer again."),
        detail=_(
            "The form token is missing, invalid or expired. Send the answer again with the "
            "token in this answer."
        ),
    ),
    Result.UNAVAILABLE: Answer(
        503,
        title=_("Please try again shortly"),
        message=_("We could not save your answer just now. Please try again."),
        detail=_("The answer could not be stored just now; try again."),
        retry_after=UNAVAILABLE_RETRY_AFTER,
    ),
}

SENT_PAGE_NOT_FOUND = Answer(
    404,
    title=_("Page not found"),
    message=_("This page is no longer available. Answers already sent from it are not affected."),
)


def answer_for(result):
    if result is Result.RATE_LIMITED:
        return replace(_RATE_LIMITED, retry_after=conf.FEEDBACK_RATE_LIMIT_WINDOW)
    return _ANSWERS[result]
