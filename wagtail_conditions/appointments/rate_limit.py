"""
Per-client and per-address limits, counted in Django's cache.

The limits protect the clinic from abuse; they must never cost a patient's request. A cache
that is down or misconfigured therefore fails open: the error is logged and the submission
goes ahead. Cache keys are keyed hashes, never an address in the clear.
"""

import logging

from django.core.cache import caches
from django.utils.crypto import salted_hmac
from django.utils.encoding import punycode

from ..conf import conf

logger = logging.getLogger(__name__)

KEY_SALT = "wagtail_conditions.appointment-rate"


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


def _hashed_key(kind, value):
    digest = salted_hmac(KEY_SALT, value, algorithm="sha256").hexdigest()[:32]
    return f"wagtail_conditions:{kind}:{digest}"


def _client_key(request, kind="appointment-rate"):
    return _hashed_key(kind, client_ip(request))


def _count(cache, key, window):
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
    return count


def rate_limit_exceeded(request):
    """Count this submission for the client; True once it is over the limit."""
    return client_limit_exceeded(
        request,
        "appointment-rate",
        limit=conf.APPOINTMENT_RATE_LIMIT,
        window=conf.APPOINTMENT_RATE_LIMIT_WINDOW,
        label="Appointment",
    )


def client_limit_exceeded(request, kind, *, limit, window, label):
    """Count this submission for the client under its own counter ``kind`` (e.g.
    "feedback-rate"); True once there are more than ``limit`` in ``window`` seconds. ``label``
    names the limit in the log line of a cache failure."""
    try:
        cache = caches[conf.APPOINTMENT_RATE_LIMIT_CACHE]
        count = _count(cache, _client_key(request, kind), window)
    except Exception as error:  # noqa: BLE001 - any cache failure: let the patient through
        logger.error(
            "%s rate limit not applied: the %r cache failed (%s)",
            label,
            conf.APPOINTMENT_RATE_LIMIT_CACHE,
            type(error).__name__,
        )
        return False
    return count > limit


def canonical_address(email):
    """
    One spelling per mailbox, for counting acknowledgements: lower case, without a ``+tag``
    (``Ann+1@Example.com`` is ``ann@example.com``), the domain as Django's mail sends it
    (Punycode). Dots stay: only Gmail ignores them, and elsewhere ``a.b@`` and ``ab@`` are
    two people.
    """
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return domain
    local = local.split("+", 1)[0] or local  # "+1@example.com": no name before the tag
    try:
        domain = punycode(domain)
    except UnicodeError:  # a label IDNA cannot encode: the lower-cased form will do
        pass
    return f"{local}@{domain}"


def _ack_key(email):
    return _hashed_key("appointment-ack", canonical_address(email))


def acknowledgement_allowed(email):
    """
    Claim the right to send an acknowledgement to ``email``: at most one per address per
    ``APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL`` seconds, so the public form cannot be used to
    send mail to a stranger over and over.
    """
    interval = conf.APPOINTMENT_ACKNOWLEDGEMENT_INTERVAL
    if not interval:
        return True
    try:
        cache = caches[conf.APPOINTMENT_RATE_LIMIT_CACHE]
        return cache.add(_ack_key(email), 1, interval)
    except Exception as error:  # noqa: BLE001 - a cache failure must not cost the email
        logger.error(
            "Acknowledgement limit not applied: the %r cache failed (%s)",
            conf.APPOINTMENT_RATE_LIMIT_CACHE,
            type(error).__name__,
        )
        return True


def release_acknowledgement(email):
    """Give back the claim of ``acknowledgement_allowed`` when the email could not be sent."""
    try:
        caches[conf.APPOINTMENT_RATE_LIMIT_CACHE].delete(_ack_key(email))
    except Exception as error:  # noqa: BLE001 - the failure to send is what gets reported
        logger.error("Acknowledgement limit not released (%s)", type(error).__name__)
