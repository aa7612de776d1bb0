"""
Signed, time-limited form tokens: what stands in for Django's CSRF token on the public form.

Why a signed token instead of Django's CSRF token: pages carrying the form must stay
cacheable by Wagtail's front-end cache or a CDN, and a per-session CSRF token in cached HTML
breaks submissions for every visitor but the first. The submit views ignore the session
entirely (a request is always anonymous), so there is no logged-in action for CSRF to
protect; the token instead binds a submission to one form on one page and a time window.
"""

import math
import secrets
import time
from dataclasses import dataclass

from django.core import signing

from ..conf import conf

TOKEN_SALT = "wagtail_conditions.appointment-form"
MAX_TOKEN_LENGTH = 500
# Tokens issued by a server whose clock runs a little ahead are still accepted.
CLOCK_SKEW_SECONDS = 60


class InvalidToken(Exception):
    """
    The form token is missing, forged, malformed, for another form, or expired.

    ``spent_time`` is true only for a genuine token of this form that has outlived
    ``APPOINTMENT_TOKEN_MAX_AGE``: proof that the visitor was given the form that long ago.
    """

    def __init__(self, reason, *, spent_time=False):
        super().__init__(reason)
        self.reason = reason
        self.spent_time = spent_time


@dataclass(frozen=True)
class FormToken:
    page_id: int
    block_id: str
    issued_at: int
    nonce: str
    raw: str

    def age(self, now=None):
        return (now if now is not None else time.time()) - self.issued_at


def make_form_token(page_id, block_id, *, now=None):
    payload = {
        "p": int(page_id),
        "b": str(block_id),
        "t": int(now if now is not None else time.time()),
        "n": secrets.token_urlsafe(8),
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def reissue_form_token(page_id, block_id, refused):
    """
    A new token for a submission whose token was ``refused`` (an ``InvalidToken``).

    Only a visitor who has provably spent time on the form (a genuine token of this form that
    expired) gets one dated back by the minimum fill time, so that sending the form again
    straight away is not taken for a bot's quick submission. Anything else (no token, a
    forged or malformed one, another form's) gets a token dated now: otherwise sending garbage
    once would buy a client a token that skips the minimum fill time.
    """
    aged_by = conf.APPOINTMENT_MIN_FILL_SECONDS if refused.spent_time else 0
    return make_form_token(page_id, block_id, now=time.time() - aged_by)


def _whole_number(value):
    # bool is an int in Python; NaN and infinities are floats, and so are rejected here too.
    return isinstance(value, int) and not isinstance(value, bool)


def read_form_token(raw, *, page_id, block_id, now=None):
    """Return the ``FormToken`` in ``raw`` if it is genuine, current and for this form."""
    if not raw or not isinstance(raw, str) or len(raw) > MAX_TOKEN_LENGTH:
        raise InvalidToken("missing")
    try:
        payload = signing.loads(raw, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvalidToken("bad signature") from None
    except ValueError:  # a signed payload that is not JSON
        raise InvalidToken("malformed") from None
    if not isinstance(payload, dict):
        raise InvalidToken("malformed")
    page, block, issued_at, nonce = (payload.get(key) for key in "pbtn")
    if not (_whole_number(page) and _whole_number(issued_at)) or not isinstance(block, str):
        raise InvalidToken("malformed")
    if not isinstance(nonce, str) or not math.isfinite(issued_at):
        raise InvalidToken("malformed")
    token = FormToken(page, block, issued_at, nonce, raw)
    if token.page_id != int(page_id) or token.block_id != str(block_id):
        raise InvalidToken("other form")
    age = token.age(now)
    if age > conf.APPOINTMENT_TOKEN_MAX_AGE:
        raise InvalidToken("expired", spent_time=True)
    if age < -CLOCK_SKEW_SECONDS:
        raise InvalidToken("issued in the future")
    return token
