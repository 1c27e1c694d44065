"""
gunicorn settings of bench/run.py's Server (``--config python:bench.gunicorn_ready``): each
worker, once it has loaded the application, leaves a file named after its pid in the folder
NEWSROOM_GUNICORN_READY_DIR. gunicorn's master listens before its workers have loaded Django
(seconds on a busy machine), so a load that starts when the port answers waits on booting
workers; the Server waits for these files instead.
"""

import os
from pathlib import Path


def post_worker_init(worker):
    Path(os.environ["NEWSROOM_GUNICORN_READY_DIR"], str(worker.pid)).touch()
