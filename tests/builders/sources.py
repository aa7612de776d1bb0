"""A local website for the link checker's tests: pages that work, move, vanish or hang, on
127.0.0.1 (never the internet), recording what it was asked and how many at once."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SourceSite:
    """``/ok`` 200; ``/head-refused`` 405 to HEAD, 200 to GET; ``/gone`` 404; ``/moved`` 301
    to ``/ok``; ``/to-private`` 301 to a private address; ``/to-metadata`` 302 to the cloud
    metadata address; ``/loop`` redirects to itself; ``/hang`` answers after ``hang_seconds``;
    ``/slow/<n>`` answers 200 after ``slow_seconds``; ``/busy`` 503."""

    def __init__(self, hang_seconds=5.0, slow_seconds=0.3):
        self.hang_seconds = hang_seconds
        self.slow_seconds = slow_seconds
        self.requests = []  # (method, path, user agent)
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                site.answer(self, "HEAD")

            def do_GET(self):
                site.answer(self, "GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler, method):
        path = handler.path
        with self._lock:
            self.requests.append((method, path, handler.headers.get("User-Agent", "")))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            status, location = self.route(method, path)
            handler.send_response(status)
            if location:
                handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up first (the hanging page)
        finally:
            with self._lock:
                self.in_flight -= 1

    def route(self, method, path):
        if path == "/ok":
            return 200, None
        if path == "/head-refused":
            return (405 if method == "HEAD" else 200), None
        if path == "/gone":
            return 404, None
        if path == "/busy":
            return 503, None
        if path == "/moved":
            return 301, "/ok"
        if path == "/moved-then-gone":
            return 308, self.url("/gone")
        if path == "/to-private":
            return 301, "http://10.0.0.7/admin"
        if path == "/to-metadata":
            return 302, "http://169.254.169.254/latest/meta-data/"
        if path == "/loop":
            return 302, "/loop"
        if path == "/hang":
            time.sleep(self.hang_seconds)
            return 200, None
        if path.startswith("/slow/"):
            time.sleep(self.slow_seconds)
            return 200, None
        return 404, None
