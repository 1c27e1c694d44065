"""
Django's Redis cache backend, made fit for the site: it reuses its Redis clients, and it
degrades to an empty cache instead of failing when Redis is unreachable.

Django's ``RedisCache`` raises when Redis cannot be reached, which would turn a cache outage
into a site outage. ``ResilientRedisCache`` treats an unreachable Redis as an empty cache:
reads miss, writes are dropped, a warning is logged once, and the site keeps serving from the
database. After a failure it leaves Redis alone for ``RETRY_AFTER`` seconds (an option in
``CACHES``), so a dead Redis costs each request nothing, then tries again.
"""

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    """
    Django builds a new ``redis.Redis`` for every cache call, and each one fills a table of about
    160 response callbacks: some 60 µs of CPU per call, as much as a whole cached page costs
    otherwise. ``redis.Redis`` objects are thread-safe and hold no connection of their own (the
    pool does), so one per connection pool is reused.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


logger = logging.getLogger("newsroom.resilience")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def _missing(key, *args):
    raise ValueError(f"Key '{key}' not found.")


# What each client operation answers while Redis is unreachable: what an empty cache would.
FALLBACKS = {
    "add": lambda key, value, timeout: False,
    "get": lambda key, default: default,
    "set": lambda key, value, timeout: None,
    "touch": lambda key, timeout: False,
    "delete": lambda key: False,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "incr": _missing,
    "set_many": lambda data, timeout: None,
    "delete_many": lambda keys: None,
    "clear": lambda: False,
}


class _CircuitBreaker:
    """
    Remembers that Redis failed, so it is not tried again too soon. One per Redis location and
    process, shared by the cache objects Django creates for each thread.
    """

    _registry = {}
    _registry_lock = threading.Lock()

    @classmethod
    def for_location(cls, location, retry_after):
        with cls._registry_lock:
            key = (location, retry_after)
            if key not in cls._registry:
                cls._registry[key] = cls(retry_after, location)
            return cls._registry[key]

    def __init__(self, retry_after, location):
        self.retry_after = retry_after
        self.location = location
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_open(self):
        return time.monotonic() < self.down_until

    def failed(self, operation, exc):
        with self.lock:
            first = self.down_until == 0.0
            self.down_until = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "Cache unavailable (%s during %s): serving without cache, retrying every %ss.",
                exc.__class__.__name__,
                operation,
                self.retry_after,
            )

    def succeeded(self):
        if self.down_until:
            with self.lock:
                self.down_until = 0.0
            logger.warning("Cache available again at %s.", self.location)


class ResilientRedisCacheClient(ReusingRedisCacheClient):
    def __init__(self, servers, breaker, **options):
        super().__init__(servers, **options)
        self._breaker = breaker


def _guarded(name):
    original = getattr(RedisCacheClient, name)
    fallback = FALLBACKS[name]

    def method(self, *args):
        if self._breaker.is_open():
            return fallback(*args)
        try:
            result = original(self, *args)
        except OUTAGE_ERRORS as exc:
            self._breaker.failed(name, exc)
            return fallback(*args)
        self._breaker.succeeded()
        return result

    method.__name__ = name
    return method


for _name in FALLBACKS:
    setattr(ResilientRedisCacheClient, _name, _guarded(_name))


class ResilientRedisCache(django_redis.RedisCache):
    """``RedisCache`` reusing its clients, serving as an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        retry_after = float(params["OPTIONS"].pop("RETRY_AFTER", 5))
        super().__init__(server, params)
        self._breaker = _CircuitBreaker.for_location(",".join(self._servers), retry_after)
        self._class = ResilientRedisCacheClient
        self._options = {**self._options, "breaker": self._breaker}
