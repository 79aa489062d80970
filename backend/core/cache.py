"""A Redis cache that keeps the site up when Redis is not.

Django's ``RedisCache`` raises on a connection error, so a Redis outage would turn
every page that touches the cache (sessions are in the database, but rate limits,
throttles and cached figures are here) into a server error. This backend answers
from a per-process memory cache instead while Redis is unreachable, and tries Redis
again after a short pause: rate limits keep counting (per process), pages keep
serving, and nothing the cache holds is a record of value (it is all derived data)."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, the next calls go straight to memory for this many seconds, so an
# outage costs one connection attempt per pause, not one per cache call.
RETRY_AFTER_SECONDS = 5.0

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"terreau-fallback-{id(self)}", params)
        self._down_until = 0.0

    @property
    def redis_down(self) -> bool:
        return time.monotonic() < self._down_until


def _resilient(name: str):
    redis_operation = getattr(RedisCache, name)
    memory_operation = getattr(LocMemCache, name)

    def operation(self, *args, **kwargs):
        if not self.redis_down:
            try:
                return redis_operation(self, *args, **kwargs)
            except (RedisError, OSError):
                logger.warning("Cache: Redis unreachable, answering from memory", exc_info=True)
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return memory_operation(self._fallback, *args, **kwargs)

    operation.__name__ = name
    operation.__doc__ = redis_operation.__doc__
    return operation


for _name in _OPERATIONS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
