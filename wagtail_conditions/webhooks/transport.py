"""
One HTTP POST to a receiver, guarded against server-side request forgery.

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

import concurrent.futures
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from ..conf import conf

USER_AGENT = "wagtail-conditions-webhooks/1"


class RefusedURL(Exception):
    """The URL may not be posted to (scheme or address): never retried, as it will not
    change by itself. The message says why, without data."""


@dataclass
class Response:
    status: int
    latency_ms: int


# getaddrinfo has no timeout of its own: lookups run here, and are waited for no longer than
# the connect timeout (a hung one keeps its thread until the resolver gives up).
_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")


def resolve(host, port):
    """The addresses ``host`` resolves to (tests replace this to fake a DNS answer). Raises
    ``TimeoutError`` after ``WEBHOOK_CONNECT_TIMEOUT`` seconds, ``OSError`` if it fails."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    infos = lookup.result(timeout=conf.WEBHOOK_CONNECT_TIMEOUT)
    return [info[4][0] for info in infos]


def _loopback_allowed():
    return settings.DEBUG or conf.WEBHOOK_ALLOW_LOOPBACK


def check_address(address):
    """Raise ``RefusedURL`` unless ``address`` may be connected to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback and _loopback_allowed():
        return
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        raise RefusedURL(f"address not public ({ip})")


def check_url(url):
    """The URL's parts, if its scheme and form are acceptable (no DNS lookup)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedURL("not an http(s) URL")
    if parts.username or parts.password:
        raise RefusedURL("credentials in the URL")
    if parts.scheme == "http" and not _loopback_allowed():
        raise RefusedURL("HTTPS required")
    return parts


def resolve_public(url):
    """The URL's parts and one address it resolves to that may be connected to."""
    parts = check_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(parts.hostname, port)  # a failed lookup (OSError) is retried
    if not addresses:
        raise OSError("DNS lookup found no address")
    for address in addresses:  # every answer must be safe, or a rebinding picks the bad one
        check_address(address)
    if parts.scheme == "http" and not settings.DEBUG:
        # WEBHOOK_ALLOW_LOOPBACK allows plain HTTP to a loopback receiver only.
        if not all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses):
            raise RefusedURL("HTTPS required")
    return parts, port, addresses[0]


class _PinnedMixin:
    """Connects to the address already checked, never to a fresh lookup of the host."""

    def __init__(self, host, port, *, address, connect_timeout, **kwargs):
        super().__init__(host, port, timeout=connect_timeout, **kwargs)
        self._address = address

    def _open_socket(self):
        return socket.create_connection((self._address, self.port), timeout=self.timeout)


class _PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    def connect(self):
        sock = self._open_socket()
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers):
    """
    POST ``body`` (bytes) to ``url``; returns the ``Response``. Raises ``RefusedURL`` for an
    address or scheme that is not allowed and ``OSError`` (a timeout included) or
    ``http.client.HTTPException`` when the receiver cannot be reached or answers badly.
    """
    parts, port, address = resolve_public(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    kwargs = {"address": address, "connect_timeout": conf.WEBHOOK_CONNECT_TIMEOUT}
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            parts.hostname, port, context=ssl.create_default_context(), **kwargs
        )
    else:
        connection = _PinnedHTTPConnection(parts.hostname, port, **kwargs)
    deadline = threading.Timer(conf.WEBHOOK_TIMEOUT, _shut, args=(connection,))
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


def _shut(connection):
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
