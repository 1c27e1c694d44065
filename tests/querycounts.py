"""Checking that a page runs the same number of SQL queries whatever the amount of content."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_constant_queries(django_assert_num_queries, fetch, grow, most):
    """
    ``fetch()`` runs the same number of queries (at most ``most``) before and after ``grow()``
    adds content. A first call warms any cache, so both measured calls see the same state.
    """
    fetch()
    with CaptureQueriesContext(connection) as small:
        fetch()
    assert len(small) <= most, [q["sql"] for q in small.captured_queries]
    grow()
    with django_assert_num_queries(len(small)):
        fetch()
