"""
A Redis cache backend that fails soft: while Redis cannot answer, the cache behaves as an
empty one (Django's ``DummyCache``) instead of raising.

Why: Wagtail reads the ``default`` cache while it serves a page or looks up a page's site
(``Site.get_site_root_paths``, image renditions), and Django's ``RedisCache`` lets
``redis.exceptions.ConnectionError`` escape. With one Redis for everything, as most
deployments have, a Redis outage then costs every page and every appointment request a 500.
Treating the outage as a cache miss keeps the site answering from the database, and the
appointment limits fail open (``appointments/rate_limit.py``), which is what they must do.

Why not django-redis with ``IGNORE_EXCEPTIONS``: it answers ``None`` from every call, so
``cache.add()`` reads as "already there" (the acknowledgement limit would then send no
acknowledgement at all during an outage), and it asks Redis again on every call, so a Redis
that accepts connections and never answers costs the socket timeout on each of them. Here a
failure opens a short circuit: for ``RETRY_AFTER`` seconds (5 by default) the process does
not ask Redis at all, and the outage costs each process one socket timeout per interval.

Configure it in place of Django's backend; every other option is Django's::

    CACHES = {
        "default": {
            "BACKEND": "wagtail_conditions.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2, "RETRY_AFTER": 5},
        }
    }
"""

import logging
import threading
import time
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5  # seconds

# When each Redis location may be asked again, shared by the threads of a process (Django
# gives each thread its own backend instance).
_unavailable_until = {}
_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """Django's ``RedisCache``, answering as an empty cache while Redis is unavailable."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = tuple(self._servers)
        # Named by host only in log lines: a LOCATION may carry a password.
        self._name = ",".join(server.rsplit("@", 1)[-1] for server in self._servers)

    @property
    def available(self):
        """False while the circuit is open (Redis failed less than ``retry_after`` ago)."""
        return _unavailable_until.get(self._location, 0) <= time.monotonic()

    def _fail_soft(self, call, on_outage):
        """``call()``, or ``on_outage()`` (what ``DummyCache`` answers) while Redis cannot
        answer. Errors of the caller's own (an invalid key) still raise, as with Redis."""
        if not self.available:
            return on_outage()
        try:
            result = call()
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._mark_unavailable(error)
            return on_outage()
        except RedisError as error:  # out of memory, a read-only replica: this call only
            logger.warning(
                "Cache %s failed (%s); treated as a miss", self._name, type(error).__name__
            )
            return on_outage()
        if self._location in _unavailable_until:
            self._recovered()
        return result

    def _mark_unavailable(self, error):
        with _lock:
            first = self._location not in _unavailable_until
            _unavailable_until[self._location] = time.monotonic() + self.retry_after
        if first:
            # One line per outage and process, never per call: the outage itself is the news.
            logger.error(
                "Cache %s unavailable (%s): serving without it, asking again every %g s "
                "(cache reads miss; the appointment rate limit is not applied)",
                self._name,
                type(error).__name__,
                self.retry_after,
            )

    def _recovered(self):
        with _lock:
            was_down = _unavailable_until.pop(self._location, None) is not None
        if was_down:
            logger.warning("Cache %s answers again", self._name)

    # Each of Django's methods; while Redis is down, DummyCache's answer.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.add, self, key, value, timeout, version)
        return self._fail_soft(call, lambda: True)

    def get(self, key, default=None, version=None):
        return self._fail_soft(
            partial(RedisCache.get, self, key, default, version), lambda: default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.set, self, key, value, timeout, version)
        return self._fail_soft(call, lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.touch, self, key, timeout, version)
        return self._fail_soft(call, lambda: False)

    def delete(self, key, version=None):
        return self._fail_soft(partial(RedisCache.delete, self, key, version), lambda: False)

    def get_many(self, keys, version=None):
        return self._fail_soft(partial(RedisCache.get_many, self, keys, version), dict)

    def has_key(self, key, version=None):
        return self._fail_soft(partial(RedisCache.has_key, self, key, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key {key!r} not found: the cache is unavailable")

        return self._fail_soft(partial(RedisCache.incr, self, key, delta, version), missing)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(RedisCache.set_many, self, data, timeout, version)
        return self._fail_soft(call, list)

    def delete_many(self, keys, version=None):
        return self._fail_soft(partial(RedisCache.delete_many, self, keys, version), lambda: None)

    def clear(self):
        return self._fail_soft(partial(RedisCache.clear, self), lambda: None)
