"""
Defences against bots and abuse: signed form tokens, a honeypot, a minimum fill time, a
per-client rate limit and pluggable extra checks (e.g. a CAPTCHA).

Why a signed token instead of Django's CSRF token: pages carrying the form must stay
cacheable by Wagtail's front-end cache or a CDN, and a per-session CSRF token in cached HTML
breaks submissions for every visitor but the first. The submit views ignore the session
entirely (a request is always anonymous), so there is no logged-in action for CSRF to
protect; the token instead binds a submission to one form on one page and a time window.
"""

import logging
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import caches
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from ..conf import conf

logger = logging.getLogger(__name__)

TOKEN_SALT = "wagtail_conditions.appointment-form"


class InvalidToken(Exception):
    """The form token is missing, forged, for another form, or expired."""


@dataclass(frozen=True)
class FormToken:
    page_id: int
    block_id: str
    issued_at: float
    nonce: str
    raw: str


def make_form_token(page_id, block_id, *, now=None):
    payload = {
        "p": int(page_id),
        "b": str(block_id),
        "t": int(now if now is not None else time.time()),
        "n": secrets.token_urlsafe(8),
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def read_form_token(raw, *, page_id, block_id, now=None):
    """Return the ``FormToken`` in ``raw`` if it is genuine, current and for this form."""
    if not raw or not isinstance(raw, str) or len(raw) > 500:
        raise InvalidToken("missing")
    try:
        payload = signing.loads(raw, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise InvalidToken("bad signature") from None
    try:
        token = FormToken(
            int(payload["p"]), str(payload["b"]), float(payload["t"]), str(payload["n"]), raw
        )
    except (KeyError, TypeError, ValueError):
        raise InvalidToken("malformed") from None
    if token.page_id != int(page_id) or token.block_id != str(block_id):
        raise InvalidToken("other form")
    age = (now if now is not None else time.time()) - token.issued_at
    if age > conf.APPOINTMENT_TOKEN_MAX_AGE or age < -60:
        raise InvalidToken("expired")
    return token


def submitted_too_fast(token, *, now=None):
    age = (now if now is not None else time.time()) - token.issued_at
    return age < conf.APPOINTMENT_MIN_FILL_SECONDS


def client_ip(request):
    """The client's address; X-Forwarded-For is believed only from a configured proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in conf.TRUSTED_PROXIES:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        # The right-most address not added by one of our proxies is the client.
        for ip in reversed([ip for ip in forwarded if ip]):
            if ip not in conf.TRUSTED_PROXIES:
                return ip
    return remote


def _client_key(request):
    # A keyed hash of the address: no personal data in cache keys.
    digest = salted_hmac(TOKEN_SALT, client_ip(request), algorithm="sha256").hexdigest()[:32]
    return f"wagtail_conditions:appointment-rate:{digest}"


def rate_limit_exceeded(request):
    """Count this submission for the client; True once it is over the limit."""
    cache = caches[conf.APPOINTMENT_RATE_LIMIT_CACHE]
    key = _client_key(request)
    window = conf.APPOINTMENT_RATE_LIMIT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    if count == 1:
        # If the key expired just before Redis' INCR, INCR re-created it without an expiry,
        # which would block this client for good. Starting a window, (re)set its lifetime.
        cache.touch(key, timeout=window)
    return count > conf.APPOINTMENT_RATE_LIMIT


def is_spam(data, request, token):
    """True if a bot filled the honeypot, was too quick, or a site's extra check says so."""
    from .forms import HONEYPOT_FIELD

    if data.get(HONEYPOT_FIELD):
        return True
    if submitted_too_fast(token):
        return True
    for path in conf.APPOINTMENT_SPAM_CHECKS:
        if import_string(path)(data, request):
            return True
    return False
