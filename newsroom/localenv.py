"""
The development checkout's own settings: ``.env`` beside ``manage.py``, written by ``make run``.

``make run`` writes ``DJANGO_DEBUG=1``, a ``DJANGO_SECRET_KEY`` generated once, and the address
it serves on (``NEWSROOM_SITE_URL``), so every ``manage.py`` command works in the checkout as
printed. Only ``manage.py`` reads the file, and only for an environment that brings no secret
key of its own: an environment with ``DJANGO_SECRET_KEY`` (production, the test suite, the
benchmark) is configured already, and the app servers (``newsroom.wsgi``) never read it. A
production checkout has no such file, so a missing secret key still stops the site.

Nothing of Django is imported here: ``manage.py`` loads the file before Django starts, and
``make run`` writes it with ``python -m newsroom.localenv NAME=value ...``.
"""

import os
import secrets
import sys
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / ".env"


def read(path=PATH):
    """The ``NAME=value`` lines of ``path`` as a dict (blank lines and ``#`` comments skipped)."""
    values = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip().strip("'\"")
    return values


def load(path=PATH, environ=os.environ):
    """
    Put the file's values into ``environ`` where it has none, unless ``environ`` brings its
    own ``DJANGO_SECRET_KEY``. Returns the names set.
    """
    if environ.get("DJANGO_SECRET_KEY"):
        return []
    added = []
    for name, value in read(path).items():
        if name not in environ:
            environ[name] = value
            added.append(name)
    return added


def write(path=PATH, **values):
    """
    Create ``path`` with debug on and a new secret key if it is missing, then set ``values``
    in it; other lines (an edit by hand) are kept. Returns the file's values.
    """
    lines = path.read_text().splitlines() if path.exists() else [
        "# Written by `make run` for this development checkout only (git ignores it); manage.py",
        "# reads it when the environment has no DJANGO_SECRET_KEY. Never copy it to a server.",
        "DJANGO_DEBUG=1",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
    ]  # fmt: skip
    for name, value in values.items():
        line = f"{name}={value}"
        index = next(
            (i for i, old in enumerate(lines) if old.partition("=")[0].strip() == name), None
        )
        if index is None:
            lines.append(line)
        else:
            lines[index] = line
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return read(path)


if __name__ == "__main__":
    write(**dict(argument.split("=", 1) for argument in sys.argv[1:]))
