"""Checking that a page runs the same number of SQL queries whatever the amount of content."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(django_assert_num_queries, fetch, grow, most):
    """
    ``fetch()`` runs the same number of queries (at most ``most``) before and after ``grow()``
    adds content. A first call warms any cache before each measured call, so both see the same
    state: adding content makes every memo stale (articles/receivers.py).
    """
    fetch()
    with CaptureQueriesContext(connection) as small:
        fetch()
    expected = len(small)  # now: the connection keeps only its last 9,000 queries
    assert expected <= most, [q["sql"] for q in small.captured_queries]
    grow()
    fetch()
    with django_assert_num_queries(expected):
        fetch()
