"""
A webhook receiver for the tests: a WSGI app on 127.0.0.1 (wsgiref, one thread per request)
that verifies every delivery with the reference library, ``standardwebhooks``' own
``Webhook(secret).verify(...)``, as a clinic's receiver would.

It refuses (401) a body or header that was tampered with, a signature made with another
secret and a timestamp more than five minutes off (the library's checks), and (409) a request
replayed byte for byte (the same id, timestamp and signature seen before). A delivery of an
id already accepted, freshly signed (our retry or a replay from the inbox), is accepted and
counted in ``duplicates``: receivers de-duplicate on ``webhook-id``.

``mode`` makes it misbehave: ``"ok"``, an HTTP status (``500``, ``410``), or ``"hang"``
(holds the request for ``hang_seconds`` without answering).
"""

import datetime
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from wagtail_conditions.models import WebhookEndpoint


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Delivery:
    headers: dict
    body: bytes
    payload: object


@dataclass
class Receiver:
    secrets: list
    mode: object = "ok"
    hang_seconds: float = 5
    accepted: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (status, reason)
    duplicates: list = field(default_factory=list)
    seen_signatures: set = field(default_factory=set)
    port: int = 0
    server: object = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks/clinic"

    @property
    def ids(self):
        return [delivery.headers["webhook-id"] for delivery in self.accepted]

    def verify(self, body, headers):
        """The payload, if any of the receiver's secrets verifies it; else raises."""
        error = None
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError as refused:
                error = refused
        raise error

    def app(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if self.mode == "hang":
            time.sleep(self.hang_seconds)
        if isinstance(self.mode, int):
            start_response(f"{self.mode} Status", [("Content-Type", "text/plain")])
            return [b"no"]
        status, reason = self.receive(body, headers)
        start_response(status, [("Content-Type", "text/plain")])
        return [reason.encode()]

    def receive(self, body, headers):
        try:
            payload = self.verify(body, headers)
        except WebhookVerificationError as refused:
            self.refused.append((401, str(refused)))
            return "401 Unauthorized", str(refused)
        signed = (headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"])
        if signed in self.seen_signatures:
            self.refused.append((409, "replayed"))
            return "409 Conflict", "replayed"
        self.seen_signatures.add(signed)
        if headers["webhook-id"] in self.ids:
            self.duplicates.append(headers["webhook-id"])
        self.accepted.append(Delivery(headers=headers, body=body, payload=payload))
        return "200 OK", "ok"

    def start(self):
        self.server = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def make_endpoint(url, **fields):
    fields.setdefault("name", "Clinic receiver")
    return WebhookEndpoint.objects.create(url=url, **fields)


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def payload_of(delivery):
    return json.loads(delivery.body)


def fetch_headers(url, secret, *, msg_id=None, when=None):
    """The headers a receiver signs its GET of a thin payload's ``details_url`` with: the
    reference library's signature of the link's path, under a new id unless given."""
    when = when or datetime.datetime.now(datetime.UTC)
    msg_id = msg_id or f"fetch_{uuid.uuid4().hex}"
    signature = Webhook(secret).sign(msg_id, when, urlsplit(url).path)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }


def signed_fetch(client, url, secret, **kwargs):
    """GET ``url`` (a ``details_url``) with Django's test client, signed with ``secret``."""
    path = urlsplit(url).path
    return client.get(path, headers=fetch_headers(url, secret, **kwargs))
