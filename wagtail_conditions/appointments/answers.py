"""
How both faces answer: one table from each pipeline ``Result`` (and each request refused
before the pipeline) to its HTTP status, retry delay and wording.

The HTML view renders an entry as a page (``title`` and ``message``, in the patient's words),
the JSON endpoint as an RFC 7807 problem (``detail``, for a developer). Keeping them in one
place means the two faces cannot drift apart on what a result means.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..conf import conf
from .pipeline import Result

# Seconds a client should wait before retrying after a 503.
UNAVAILABLE_RETRY_AFTER = 60


@dataclass(frozen=True)
class Answer:
    status: int
    title: str = ""  # HTML: the page's heading
    message: str = ""  # HTML: one or two sentences for the patient
    detail: str = ""  # JSON: the problem's ``detail``
    retry_after: int | None = None

    @property
    def headers(self):
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class Rejected(Exception):
    """A request refused before it reaches the pipeline; ``answer`` says how."""

    def __init__(self, answer, errors=None):
        super().__init__(str(answer.detail or answer.message))
        self.answer = answer
        self.errors = errors


def answer_for(result):
    """The ``Answer`` for a pipeline result (CREATED and SPAM alike: a bot learns nothing)."""
    if result is Result.RATE_LIMITED:
        # The window is a setting, read per answer so override_settings applies.
        return replace(_RATE_LIMITED, retry_after=conf.APPOINTMENT_RATE_LIMIT_WINDOW)
    return _ANSWERS[result]


_RATE_LIMITED = Answer(
    429,
    title=_("Too many requests"),
    message=_(
        "You have sent several requests in a short time. Please wait a few minutes and try "
        "again."
    ),
    detail=_("Too many requests. Try again later."),
)

_ANSWERS = {
    Result.CREATED: Answer(201),
    Result.SPAM: Answer(201),
    Result.INVALID: Answer(422, detail=_("Validation failed")),
    Result.NOT_FOUND: Answer(
        404,
        title=_("Form not found"),
        message=_("This appointment form is no longer available."),
        detail=_("There is no such appointment form."),
    ),
    Result.BAD_TOKEN: Answer(
        403,
        message=_(
            "For your security this form timed out. Your answers are below: check them and "
            "send the form again."
        ),
        detail=_(
            "The form token is missing, invalid or expired. Send the request again with the "
            "token in this answer."
        ),
    ),
    Result.CONFLICT: Answer(
        409, detail=_("This Idempotency-Key was already used with different answers.")
    ),
    Result.UNAVAILABLE: Answer(
        503,
        title=_("Please try again shortly"),
        message=_("We could not save your request just now. Nothing was sent. Please try again."),
        detail=_("The request could not be stored just now; try again."),
        retry_after=UNAVAILABLE_RETRY_AFTER,
    ),
}

METHOD_NOT_ALLOWED = Answer(
    405,
    title=_("Method not allowed"),
    message=_("Send this form with the button on its page."),
    detail=_("Use POST."),
)
TOO_LARGE = Answer(
    413,
    title=_("Request too large"),
    message=_("Your answers are too long to send. Shorten them and try again."),
    detail=_("The request body is too large."),
)
UNSUPPORTED_FORM_DATA = Answer(
    415, title=_("Unsupported form data"), message=_("Send this form with the button on its page.")
)
NOT_JSON = Answer(415, detail=_("Send the request as application/json."))
# The thank-you URL of a page or form that is not (or no longer) live and public. It cannot
# know whether this visitor sent a request, so it says neither that one was nor that none was.
SENT_PAGE_NOT_FOUND = Answer(
    404,
    title=_("Page not found"),
    message=_(
        "This page is no longer available: the appointment form it belongs to has been moved "
        "or removed. Requests already sent from it are not affected."
    ),
)


def bad_request(*, message="", detail=""):
    """A 400 for a body that cannot be read, in each face's words."""
    return Answer(
        400, title=_("Your answers could not be read"), message=message, detail=detail
    )


# The HTML form's own 400s. Its fields are one value each (no multiple choice), so a browser
# sends neither of these: a script or a broken page does, and the last value must not
# silently win.
TOO_MANY_FIELDS = bad_request(
    message=_(
        "Your answers were sent with more fields than this form has. Send the form again with "
        "the button on its page."
    )
)
REPEATED_FIELDS = bad_request(
    message=_(
        "Your answers were sent twice for the same question. Send the form again with the "
        "button on its page."
    )
)


def check_body(request, content_types, unsupported, *, max_bytes=None):
    """
    Refuse a body over ``max_bytes`` (default ``APPOINTMENT_MAX_BODY_BYTES``; 413) or of a content type not in
    ``content_types`` (``unsupported``, a 415), before anything reads it. Returns the content
    type. No Content-Length means no body (RFC 9112), and Django then reads nothing, so the
    limit cannot be side-stepped. A site whose ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is the smaller
    gets the same 413 for it, not the bare 400 of the ``RequestDataTooBig`` Django raises
    when the body is read.
    """
    limit = conf.APPOINTMENT_MAX_BODY_BYTES if max_bytes is None else max_bytes
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limit = min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        raise Rejected(TOO_LARGE)
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in content_types:
        raise Rejected(unsupported)
    return content_type
