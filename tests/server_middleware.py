"""Middleware for tests/settings_server.py only."""

import os
import time


class HoldEachRequest:
    """Hold every request for ``SERVER_FAULTS_REQUEST_DELAY`` seconds (default 0) before it runs,
    as a slower page would. A test that must see two gunicorn workers serve one batch sets it:
    while one worker holds a request, only the other can accept the next, however the busy
    machine schedules them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.delay = float(os.environ.get("SERVER_FAULTS_REQUEST_DELAY", "0"))

    def __call__(self, request):
        if self.delay:
            time.sleep(self.delay)
        return self.get_response(request)
