"""The progress bar of long management commands, on a terminal and in a log."""

from io import StringIO

from django.core.management.base import OutputWrapper

from articles.management import ProgressBar


class Terminal(StringIO):
    def isatty(self):
        return True


def run(out, total, steps=1, **options):
    with ProgressBar(OutputWrapper(out), total, "Working", **options) as bar:
        for _ in range(0, total, steps):
            bar.update(min(steps, total - bar.n))
    return out.getvalue()


def test_a_log_gets_a_line_for_each_tenth_and_the_end_once():
    """Without a terminal: plain lines, no carriage returns, at most one a tenth, the last once."""
    lines = run(StringIO(), 95).splitlines()
    assert "\r" not in "".join(lines)
    assert lines[0].startswith("Working:   0%|") and "0/95" in lines[0]
    assert 10 <= len(lines) <= 11
    assert [line for line in lines if "95/95" in line] == [lines[-1]]
    assert lines[-1].startswith("Working: 100%|##########| 95/95 [")


def test_a_log_gets_the_last_state_when_the_last_step_drew_none():
    """Steps that end just past a drawn one still leave the finished state as the last line."""
    lines = run(StringIO(), 25, steps=3).splitlines()
    assert "25/25" in lines[-1] and "25/25" not in lines[-2]


def test_a_terminal_gets_one_line_redrawn():
    """On a terminal the bar redraws one line in place and ends it once, when done."""
    output = run(Terminal(), 50)
    assert output.startswith("\rWorking:   0%|") and output.count("\r") >= 2
    assert output.count("\n") == 1 and output.endswith("\n")
    assert "50/50" in output.rsplit("\r", 1)[1]


def test_nothing_to_do_or_disabled_shows_nothing():
    """No work, or a bar turned off for a quick job, writes nothing at all."""
    assert run(StringIO(), 0) == ""
    assert run(StringIO(), 50, disable=True) == ""
    assert run(Terminal(), 50, disable=True) == ""


def test_update_to_takes_a_running_count():
    """``update_to(done)`` suits code that reports how many items it has done so far."""
    out = StringIO()
    with ProgressBar(OutputWrapper(out), 30, "Working") as bar:
        for done in (10, 20, 30):
            bar.update_to(done)
        assert bar.n == 30
    assert "30/30" in out.getvalue().splitlines()[-1]
