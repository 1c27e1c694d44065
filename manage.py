#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # The checkout's .env from `make run` (debug on, its own secret key, the address it serves),
    # for an environment that brings no secret key: newsroom/localenv.py.
    from newsroom import localenv

    localenv.load(Path(__file__).resolve().with_name(".env"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
