"""
Fault injection for tests: a TCP forwarder on loopback that can be cut, black-holed and
restored, placed between the site and its database or cache; and a real WSGI server in a
subprocess to point through it.
"""

import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Forwarder:
    """
    Forwards 127.0.0.1:<port> to ``target``. ``cut()`` closes the listener and every open
    connection (the service is gone); ``black_hole()`` accepts connections and never answers
    (the service hangs); ``restore()`` forwards again on the same port.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.mode = "down"
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()
        self.thread = None

    def _listen(self, mode):
        self.mode = mode
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        self.thread = threading.Thread(target=self._accept, args=(self.listener,), daemon=True)
        self.thread.start()

    def restore(self):
        self.cut()
        self._listen("forward")
        return self

    def black_hole(self):
        self.cut()
        self._listen("black_hole")
        return self

    def cut(self):
        self.mode = "down"
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave the
            # port listening until it returns.
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
            self.thread.join(timeout=5)
        with self.lock:
            for sock in list(self.sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.sockets.clear()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.add(client)
            if self.mode == "forward":
                threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        with self.lock:
            self.sockets.add(upstream)
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                sock.close()


class SiteServer:
    """The real site, in a subprocess, served by wsgiref on a free loopback port."""

    code = (
        "import django; django.setup()\n"
        "from wsgiref.simple_server import make_server, WSGIRequestHandler\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "class Quiet(WSGIRequestHandler):\n"
        "    def log_message(self, *args): pass\n"
        "httpd = make_server('127.0.0.1', 0, get_wsgi_application(), handler_class=Quiet)\n"
        "print(httpd.server_port, flush=True)\n"
        "httpd.serve_forever()\n"
    )

    def __init__(self, **env):
        environment = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": "fault-test-only",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no redirect to HTTPS.
            "DJANGO_HTTPS": "0",
            # Every request reaches the database: the outage is what is being tested, not the
            # page cache (which would keep serving cached pages through it).
            "NEWSROOM_PAGE_CACHE_SECONDS": "0",
        }
        environment.update(env)
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.code], cwd=ROOT, env=environment,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"site server did not start: {self.process.stderr.read()}")
        self.base = f"http://127.0.0.1:{int(line)}"

    def get(self, path, timeout=20):
        """(status, headers, body, seconds) of a GET; errors are answers too."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return status, headers, body.decode(errors="replace"), time.monotonic() - started

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)
        self.stderr = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
