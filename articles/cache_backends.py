"""Django's Redis cache backend, without its per-call client construction."""

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` reusing its Redis clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
