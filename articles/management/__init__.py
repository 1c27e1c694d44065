"""
The progress bar of long management commands (here and in ``demo``): tqdm, on the command's
``self.stdout``, so ``call_command(stdout=...)`` and the tests capture it like any output.
"""

import math

from tqdm import tqdm


class ProgressBar(tqdm):
    """
    ``ProgressBar(self.stdout, total, "Exporting")``, a context manager; ``update(n)`` moves
    it ``n`` items on, ``update_to(done)`` to ``done`` items. Nothing to do, or
    ``disable=True``, shows nothing.

    On a terminal tqdm redraws one line, as wide as the window. Elsewhere (CI, a pipe, cron
    mail) its redraws would pile up behind carriage returns on one endless line, which a
    line-based log (journald, a CI page) shows only at the end, if at all: there each state
    is a line of its own, in ASCII, at most one for each tenth of the way.
    """

    def __init__(self, stdout, total, desc, *, unit="it", disable=False):
        stream = _Stream(stdout)
        self.in_log = not stream.terminal
        if self.in_log:
            # maxinterval: however long a tenth takes; tqdm's monitor thread would otherwise
            # drop to a line per item after ten seconds without one.
            lines = {"mininterval": 0, "miniters": math.ceil(total / 10), "maxinterval": math.inf}
            options = {"ascii": True, **lines}
        else:
            options = {"dynamic_ncols": True}
        super().__init__(
            total=total, desc=desc, unit=unit, file=stream, disable=disable or not total, **options
        )

    def update_to(self, done):
        """Move to ``done`` items: for code that reports a running count."""
        return self.update(done - self.n)

    def close(self):
        # tqdm draws the last state again on closing: in a log, only if it is not there yet.
        if self.in_log and not self.disable and self.last_print_n == self.n:
            self.leave = False
        super().close()


class _Stream:
    """
    A command's ``self.stdout`` as tqdm's file. Django's wrapper would end each write with a
    newline, where tqdm draws the line endings itself.
    """

    def __init__(self, stdout):
        self.stdout = stdout
        self.terminal = stdout.isatty()

    def __getattr__(self, name):
        # encoding, fileno, flush: tqdm's checks for Unicode and the window's width.
        return getattr(self.stdout, name)

    def write(self, text):
        if self.terminal:
            self.stdout.write(text, ending="")
        elif text.strip():
            # "\r" + the state + spaces over a longer previous one: the state alone, a line.
            self.stdout.write(text.strip())
