"""
Outbound HTTP to addresses typed by staff (webhook receivers, cited sources), guarded against
server-side request forgery.

A host is resolved once, and every address it resolves to must be public (not private,
loopback, link-local — the cloud metadata address 169.254.169.254 is one — multicast,
reserved or otherwise not globally routable); the connection then goes to that resolved
address, so a second lookup (DNS rebinding) cannot point it elsewhere. TLS still checks the
certificate against the host name. Loopback addresses are allowed only where the caller says
so (tests, a receiver on the same machine). ``webhooks/transport.py`` and
``sources/checker.py`` build on these pieces, each with its own rules and timeouts.
"""

import concurrent.futures
import http.client
import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedURL(Exception):
    """The URL may not be requested (scheme or address): it will not change by itself. The
    message says why, without data."""


# getaddrinfo has no timeout of its own: lookups run here, and are waited for no longer than
# the caller's connect timeout (a hung one keeps its thread until the resolver gives up).
_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="outbound-dns")


def resolve(host, port, timeout):
    """The addresses ``host`` resolves to. Raises ``TimeoutError`` after ``timeout`` seconds,
    ``OSError`` if the lookup fails."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    infos = lookup.result(timeout=timeout)
    return [info[4][0] for info in infos]


def ip(address):
    """``address`` as an ``ipaddress`` object (an IPv4-mapped IPv6 address as IPv4)."""
    value = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(value, ipaddress.IPv6Address) and value.ipv4_mapped:
        return value.ipv4_mapped
    return value


def check_address(address, *, allow_loopback):
    """Raise ``RefusedURL`` unless ``address`` may be connected to."""
    value = ip(address)
    if value.is_loopback and allow_loopback:
        return
    if not value.is_global or value.is_multicast or value.is_reserved:
        raise RefusedURL(f"address not public ({value})")


def check_url(url):
    """The URL's parts, if it is an http(s) URL with a host and no credentials (no lookup)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedURL("not an http(s) URL")
    if parts.username or parts.password:
        raise RefusedURL("credentials in the URL")
    return parts


def public_addresses(parts, *, resolver, allow_loopback):
    """(port, addresses) of the URL ``parts``, every address ``resolver(host, port)`` answers
    checked: one that may not be connected to refuses them all (a rebinding picks the bad one)."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolver(parts.hostname, port)
    if not addresses:
        raise OSError("DNS lookup found no address")
    for address in addresses:
        check_address(address, allow_loopback=allow_loopback)
    return port, addresses


class _PinnedMixin:
    """Connects to the address already checked, never to a fresh lookup of the host."""

    def __init__(self, host, port, *, address, connect_timeout, **kwargs):
        super().__init__(host, port, timeout=connect_timeout, **kwargs)
        self._address = address

    def _open_socket(self):
        return socket.create_connection((self._address, self.port), timeout=self.timeout)


class PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._open_socket()


class PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    def connect(self):
        sock = self._open_socket()
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def request_path(parts):
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def shut(connection):
    """Shut ``connection``'s socket: a read waiting on it returns at once (the total deadline)."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
