"""
Ask one source address whether it still answers, politely and safely.

A HEAD request first, then a GET when HEAD is refused (some servers answer HEAD with 403, 404
or 405 and GET with the page; only the headers are read). Redirects are not followed blindly:
each target is checked like the address itself (every DNS answer public, the connection pinned
to the address checked: ``wagtail_conditions/outbound.py``), up to
``SOURCES_CHECK_MAX_REDIRECTS``, and a source that redirects is recorded as moved, with the
target it ends at, so an editor can update it. The one exception is the DOI resolver, whose
job is to redirect: a DOI that resolves is working. Every check is bounded: the DNS lookup
and each connection by ``SOURCES_CHECK_CONNECT_TIMEOUT``, the whole check (redirects
included) by ``SOURCES_CHECK_TIMEOUT``, after which the socket is shut.
"""

import http.client
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from .. import __version__, outbound
from ..conf import conf

# Addresses whose redirect is the answer: a DOI resolves to the publisher's page.
RESOLVER_HOSTS = {"doi.org", "dx.doi.org"}
# Statuses after which the same request is tried as a GET.
HEAD_REFUSED = range(400, 600)
REDIRECTS = {301, 302, 303, 307, 308}
# Characters a request path keeps as they are; others (spaces, non-ASCII) are percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


@dataclass(frozen=True)
class Result:
    status: str  # one of SourceLinkCheck.Status's values
    status_code: int | None = None
    final_url: str = ""
    error: str = ""


def user_agent(site_url=""):
    """The User-Agent the checker sends: the package, and the site whose sources it checks."""
    site = f"; +{site_url}" if site_url else ""
    return f"wagtail-conditions/{__version__} source link checker{site}"


def _loopback_allowed():
    return conf.SOURCES_CHECK_ALLOW_LOOPBACK


def _resolve(host, port):
    return outbound.resolve(host, port, timeout=conf.SOURCES_CHECK_CONNECT_TIMEOUT)


def _ask(method, url, agent, deadline_at):
    """(status, Location header) of one request, never following a redirect."""
    parts = outbound.check_url(url)
    port, addresses = outbound.public_addresses(
        parts, resolver=_resolve, allow_loopback=_loopback_allowed()
    )
    left = deadline_at - time.monotonic()
    if left <= 0:
        raise TimeoutError("total timeout")
    kwargs = {
        "address": addresses[0],
        "connect_timeout": min(conf.SOURCES_CHECK_CONNECT_TIMEOUT, left),
    }
    if parts.scheme == "https":
        connection = outbound.PinnedHTTPSConnection(
            parts.hostname, port, context=ssl.create_default_context(), **kwargs
        )
    else:
        connection = outbound.PinnedHTTPConnection(parts.hostname, port, **kwargs)
    deadline = threading.Timer(left, outbound.shut, args=(connection,))
    deadline.start()
    try:
        connection.connect()
        connection.sock.settimeout(max(0.1, deadline_at - time.monotonic()))
        connection.request(
            method,
            quote(outbound.request_path(parts), safe=_PATH_SAFE),
            headers={"User-Agent": agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        response = connection.getresponse()  # the headers only; the body is never read
        return response.status, response.getheader("Location", "")
    except (OSError, http.client.HTTPException, ValueError):
        if not deadline.is_alive():
            raise TimeoutError("total timeout") from None
        raise
    finally:
        deadline.cancel()
        connection.close()


def _ask_head_then_get(url, agent, deadline_at):
    status, location = _ask("HEAD", url, agent, deadline_at)
    if status in HEAD_REFUSED:
        status, location = _ask("GET", url, agent, deadline_at)
    return status, location


def _failure(error, deadline_at):
    # Past the deadline, whatever the socket layer raised (a read cut short can surface as an
    # HTTPException), the address did not answer in time.
    if isinstance(error, TimeoutError) or time.monotonic() >= deadline_at:
        return "timed out"
    if isinstance(error, http.client.HTTPException):
        return "bad HTTP answer"
    return (str(error) or type(error).__name__)[:200]


def check(url, agent=None):
    """What ``url`` answers now, as a ``Result``."""
    agent = agent or user_agent()
    deadline_at = time.monotonic() + conf.SOURCES_CHECK_TIMEOUT
    first_code = None
    current = url
    for hop in range(conf.SOURCES_CHECK_MAX_REDIRECTS + 1):
        moved_to = current if hop else ""
        try:
            status, location = _ask_head_then_get(current, agent, deadline_at)
        except outbound.RefusedURL as refused:
            where = "redirects to a refused address" if hop else "refused"
            return Result("refused", first_code, moved_to, f"{where}: {refused}")
        except (OSError, http.client.HTTPException, ValueError) as error:
            return Result("unreachable", first_code, moved_to, _failure(error, deadline_at))
        first_code = first_code or status
        if status in REDIRECTS and location:
            current = urljoin(current, location.strip())
            continue
        if 200 <= status < 300:
            resolved = hop and urlsplit(url).hostname in RESOLVER_HOSTS
            return Result("moved" if hop and not resolved else "ok", first_code, moved_to)
        # Too many requests and server errors may pass; a missing page will not.
        kind = "unreachable" if status == 429 or status >= 500 else "broken"
        return Result(kind, first_code, moved_to, f"HTTP {status}")
    return Result("broken", first_code, current, "too many redirects")
