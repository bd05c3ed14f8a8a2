"""Django's Redis cache, for a site that must keep serving pages while
Redis is down: every read misses and every write is dropped (with a log
line) instead of raising, so a page, a picture or a throttle that uses the
cache renders without it.

After a failure the cache is left alone for ``PAUSE_SECONDS``: a page asks
the cache several times, and each refused (or timed-out) call costs up to
a second with redis-py's own retries, so without the pause a page would
pay that many times over while Redis is down."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5.0


class TolerantRedisCache(RedisCache):
    _paused_until = 0.0

    def _try(self, operation: str, call, fallback):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return call()
        except (RedisError, OSError) as error:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            logger.warning(
                "Cache unreachable (%s); going without it for %ss: %s", operation, PAUSE_SECONDS, error
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._try("get", lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._try("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._try("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # add() answers "stored": False, as when another process was first.
        return self._try(
            "add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(
            "set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Every key failed to be stored, as set_many() reports failures.
        return self._try(
            "set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._try("delete", lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._try(
            "delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._try("clear", lambda: super(TolerantRedisCache, self).clear(), False)
