"""A text progress bar for long management commands."""

import time


class ProgressBar:
    """
    Writes ``[#####-----]  50%  50,000/100,000  1.2s`` to a command's stdout.

    On a terminal it redraws one line; in logs (CI, pipes) it writes a line every 10 %.
    """

    width = 30

    def __init__(self, stdout, total, label=""):
        self.stdout = stdout
        self.total = max(total, 1)
        self.label = label
        self.started = time.monotonic()
        self.last_decile = -1
        isatty = getattr(stdout, "isatty", None)
        self.interactive = bool(isatty and isatty())

    def update(self, done):
        fraction = min(done / self.total, 1)
        filled = int(self.width * fraction)
        line = (
            f"{self.label}[{'#' * filled}{'-' * (self.width - filled)}] {fraction:4.0%}  "
            f"{done:,}/{self.total:,}  {time.monotonic() - self.started:.1f}s"
        )
        if self.interactive:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif int(fraction * 10) > self.last_decile:
            self.last_decile = int(fraction * 10)
            self.stdout.write(line)

    def finish(self):
        if self.interactive:
            self.stdout.write("")
