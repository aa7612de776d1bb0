"""
Spam checks: a honeypot, a minimum fill time and pluggable extra checks (e.g. a CAPTCHA).

A check never drops a request. The pipeline stores a flagged request with status "Spam" and
the reason, never notifies it, and answers exactly as for any other request, so a bot learns
nothing and a real patient whose browser filled the form in too quickly can still be found.
"""

from django.utils.module_loading import import_string

from ..conf import conf
from .choices import HONEYPOT_FIELD, SpamReason


def spam_reason(data, request, token):
    """Why this (valid) submission looks like spam, as a ``SpamReason``, or None."""
    reason = bot_reason(data, token)
    if reason:
        return reason
    for path in conf.APPOINTMENT_SPAM_CHECKS:
        if import_string(path)(data, request):
            return SpamReason.SITE_CHECK
    return None


def bot_reason(data, token):
    """The checks every public form shares (the page feedback form too): the honeypot filled
    in, or sent faster than ``APPOINTMENT_MIN_FILL_SECONDS`` after its token was issued."""
    if data.get(HONEYPOT_FIELD):
        return SpamReason.HONEYPOT
    if token.age() < conf.APPOINTMENT_MIN_FILL_SECONDS:
        return SpamReason.TOO_FAST
    return None
