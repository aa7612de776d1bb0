"""
One HTTP POST to a receiver, guarded against server-side request forgery (the guard's
pieces are in ``wagtail_conditions/outbound.py``, shared with the source link checker).

The host is resolved once here and every address it resolves to must be public (not private,
loopback, link-local — the cloud metadata address 169.254.169.254 is one — multicast,
reserved or otherwise not globally routable); the connection then goes to that resolved
address, so a second lookup (DNS rebinding) cannot point it elsewhere. TLS still checks the
certificate against the host name. Redirects are never followed (a 3xx is a failure), and
the exchange is bounded: the DNS lookup and the connection each by the connect timeout, and
everything from the connection on by a total deadline after which the socket is shut.

Plain HTTP and loopback addresses are refused too, except under DEBUG or with
``WEBHOOK_ALLOW_LOOPBACK`` (for tests and a receiver on the same machine); private
addresses are refused either way.
"""

import http.client
import socket  # noqa: F401 (tests fake its connections through this module)
import ssl
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from .. import outbound
from ..conf import conf
from ..outbound import RefusedURL

USER_AGENT = "wagtail-conditions-webhooks/1"


@dataclass
class Response:
    status: int
    latency_ms: int


def resolve(host, port):
    """The addresses ``host`` resolves to (tests replace this to fake a DNS answer). Raises
    ``TimeoutError`` after ``WEBHOOK_CONNECT_TIMEOUT`` seconds, ``OSError`` if it fails."""
    return outbound.resolve(host, port, timeout=conf.WEBHOOK_CONNECT_TIMEOUT)


def _loopback_allowed():
    return settings.DEBUG or conf.WEBHOOK_ALLOW_LOOPBACK


def check_address(address):
    """Raise ``RefusedURL`` unless ``address`` may be connected to."""
    outbound.check_address(address, allow_loopback=_loopback_allowed())


def check_url(url):
    """The URL's parts, if its scheme and form are acceptable (no DNS lookup)."""
    parts = outbound.check_url(url)
    if parts.scheme == "http" and not _loopback_allowed():
        raise RefusedURL("HTTPS required")
    return parts


def resolve_public(url):
    """The URL's parts and one address it resolves to that may be connected to."""
    parts = check_url(url)
    # A failed lookup (OSError) is retried; every answer must be safe.
    port, addresses = outbound.public_addresses(
        parts, resolver=resolve, allow_loopback=_loopback_allowed()
    )
    if parts.scheme == "http" and not settings.DEBUG:
        # WEBHOOK_ALLOW_LOOPBACK allows plain HTTP to a loopback receiver only.
        if not all(outbound.ip(a).is_loopback for a in addresses):
            raise RefusedURL("HTTPS required")
    return parts, port, addresses[0]


def post(url, body, headers):
    """
    POST ``body`` (bytes) to ``url``; returns the ``Response``. Raises ``RefusedURL`` for an
    address or scheme that is not allowed and ``OSError`` (a timeout included) or
    ``http.client.HTTPException`` when the receiver cannot be reached or answers badly.
    """
    parts, port, address = resolve_public(url)
    path = outbound.request_path(parts)
    kwargs = {"address": address, "connect_timeout": conf.WEBHOOK_CONNECT_TIMEOUT}
    if parts.scheme == "https":
        connection = outbound.PinnedHTTPSConnection(
            parts.hostname, port, context=ssl.create_default_context(), **kwargs
        )
    else:
        connection = outbound.PinnedHTTPConnection(parts.hostname, port, **kwargs)
    deadline = threading.Timer(conf.WEBHOOK_TIMEOUT, outbound.shut, args=(connection,))
    started = time.monotonic()
    deadline.start()
    try:
        connection.connect()
        # Past the connection, each read waits at most what is left of the deadline.
        connection.sock.settimeout(max(0.1, conf.WEBHOOK_TIMEOUT - (time.monotonic() - started)))
        connection.request(
            "POST",
            path,
            body=body,
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers},
        )
        response = connection.getresponse()
        response.read(1024)  # a little of the body, never stored; then the connection closes
        status = response.status
    except (OSError, http.client.HTTPException, ValueError):
        if not deadline.is_alive():
            raise TimeoutError("total timeout") from None
        raise
    finally:
        deadline.cancel()
        connection.close()
    return Response(status=status, latency_ms=int((time.monotonic() - started) * 1000))
