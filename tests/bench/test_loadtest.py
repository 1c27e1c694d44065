"""
The verdict of `make loadtest` (bench/loadtest.py), given what wrk and bench/loadtest.lua
counted: the run itself is in CI; these check that every kind of failure fails it.
"""

import pytest

from bench.loadtest import failures, timeline


def run_result(**changes):
    """A clean run's figures: 300 responses, all 200, no error; ``changes`` replace parts."""
    result = {
        "requests": 300,
        "connect": 0,
        "read": 0,
        "write": 0,
        "timeout": 0,
        "kinds": {
            "home": {"late": 0, "statuses": {"200": 100}},
            "detail": {"late": 0, "statuses": {"200": 200}},
        },
    }
    result.update(changes)
    return result


def test_a_clean_run_passes():
    """All 200, no socket error, no late response, no replaced worker: nothing to report."""
    assert failures(run_result(), replaced=set()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"kinds": {"detail": {"late": 0, "statuses": {"200": 297, "503": 3}}}},
            "3 server errors (503) on detail pages",
        ),
        (
            {"kinds": {"detail": {"late": 0, "statuses": {"200": 299, "404": 1}}}},
            "1 responses 404 on detail pages",
        ),
        (
            {"kinds": {"detail": {"late": 0, "statuses": {"200": 299, "301": 1}}}},
            "1 responses 301 on detail pages",
        ),
        ({"read": 2}, "socket errors: connect 0, read 2, write 0"),
        ({"connect": 1}, "socket errors: connect 1, read 0, write 0"),
        (
            {"timeout": 4, "kinds": {"home": {"late": 2, "statuses": {"200": 300}}}},
            "timeouts: 2 responses came later than 5 s (home 2); wrk counted 4 timeouts",
        ),
        # wrk's own count alone (a request still unanswered when the run ended) fails too.
        ({"timeout": 1}, "timeouts: 0 responses came later than 5 s (none)"),
        ({"requests": 301}, "wrk counted 301 responses but the script 300"),
        ({"requests": 0, "kinds": {}}, "no response at all"),
    ],
)
def test_every_kind_of_failure_fails_the_run(changes, expected):
    """Any 5xx, 4xx or other non-200, socket error, timeout or uncounted response is a failure."""
    problems = failures(run_result(**changes), replaced=set())
    assert any(expected in problem for problem in problems), problems


def test_a_replaced_worker_fails_the_run():
    """A worker gunicorn had to replace (killed on its timeout, or crashed) is a failure."""
    problems = failures(run_result(), replaced={1234})
    assert problems == [
        "gunicorn replaced 1 worker(s) during the run (killed after 30 s on one request, "
        "or crashed): see its log above"
    ]


def test_timeline_shows_each_window():
    """Responses and the slowest response of each 10 s window, in order."""
    windows = [{"responses": 1200, "max_us": 2_500_000}, {"responses": 3400, "max_us": 310_000}]
    assert timeline(windows) == (
        "Every 10 s, responses: 1,200 | 3,400\n          slowest ms: 2,500 | 310"
    )
