"""
``make screenshots``: pictures of the real product for the README and docs/.

Builds a throwaway SQLite database with the demo content, serves it with ``runserver``
(debug on, as ``make run`` does) on a free local port, photographs each page in ``SHOTS``
with Debian's Chromium, and stops the server. Nothing outside the temporary directory and
the output folder is touched.

    .venv/bin/python -m tests.browser.screenshots [--output docs/screenshots] [--port N]

To add a page, add a ``Shot`` to ``SHOTS``.
"""

import argparse
import io
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DETAIL_SLUG = "wuqing-works-with-other-areas-to-boost-business"
DISTRICT_SLUG = "wuqing"


@dataclass(frozen=True)
class Shot:
    """One page to photograph, saved as ``<name>-<device>.png``."""

    name: str
    # Returns the page's path. Called once the demo content exists, before the browser
    # starts (Django's ORM is not used while Playwright runs).
    path: object
    devices: tuple = ("desktop", "phone")
    staff: bool = False
    # Called with the page before the picture is taken, to wait for scripts to finish.
    ready: object = None
    full_page: bool = False


def devices():
    """The screen sizes pictures are taken at, by the name that ends their file names."""
    from tests.browser import support

    # An editor's desk: the admin shows its navigation, list and filters side by side.
    wide = {"viewport": {"width": 1440, "height": 900}}
    return {"desktop": support.DESKTOP, "phone": support.PHONE, "wide": wide}


def home():
    from django.urls import reverse

    return reverse("articles:home")


def detail():
    from articles.models import Article

    return Article.objects.get(slug=DETAIL_SLUG).get_absolute_url()


def district():
    from articles.models import District

    return District.objects.get(slug=DISTRICT_SLUG).get_absolute_url()


def admin_desk():
    """The admin's front page: what waits for the person, then the apps."""
    from django.urls import reverse

    return reverse("admin:index")


def admin_article_list():
    from django.urls import reverse

    return reverse("admin:articles_article_changelist")


def admin_article_form():
    from django.urls import reverse

    from articles.models import Article

    article = Article.objects.get(slug=DETAIL_SLUG)
    return reverse("admin:articles_article_change", args=[article.pk])


CORRECTED_SLUG = "heating-season-begins-across-the-city"
PENDING_SLUG = "nankai-libraries-extend-evening-hours"


def corrected_story():
    from articles.models import Article

    return Article.objects.get(slug=CORRECTED_SLUG).get_absolute_url()


def admin_approve_changes():
    """The approval screen of a live story's changes: what changed, major or minor."""
    from django.urls import reverse

    from articles.models import Article

    article = Article.objects.get(slug=PENDING_SLUG)
    return reverse("admin:articles_article_workflow", args=[article.pk, "approve"])


SEARCH_QUERY = "district"


def search():
    """The results of a query that finds several demo stories."""
    from django.urls import reverse
    from django.utils.http import urlencode

    return f"{reverse('articles:search')}?{urlencode({'q': SEARCH_QUERY})}"


def admin_review_queue():
    """The editors' queue: the stories awaiting review."""
    from django.urls import reverse

    return f"{reverse('admin:articles_article_changelist')}?queue=review"


def editor_ready(page):
    from tests.browser.support import wait_for_ckeditor

    wait_for_ckeditor(page)


SHOTS = [
    Shot("home", home),
    Shot("detail", detail),
    Shot("district", district),
    Shot("search", search),
    Shot("admin-desk", admin_desk, devices=("wide",), staff=True),
    Shot("admin-article-list", admin_article_list, devices=("wide",), staff=True),
    Shot("admin-review-queue", admin_review_queue, devices=("wide",), staff=True),
    Shot(
        "admin-article-form",
        admin_article_form,
        devices=("wide",),
        staff=True,
        ready=editor_ready,
    ),
    Shot("story-history", corrected_story, devices=("desktop",), full_page=True),
    Shot("admin-approve-changes", admin_approve_changes, devices=("wide",), staff=True),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_site(workdir):
    """Migrate a new SQLite database in ``workdir``, load the demo, add a staff account."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo_data", stdout=io.StringIO())
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser(
        username="photographer", email="photographer@example.invalid", password=password
    )
    paths = {shot.name: shot.path() for shot in SHOTS}
    connections.close_all()
    return ("photographer", password), paths


def start_server(port, log):
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("runserver stopped")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("runserver did not answer within 30 s")


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def photograph(base_url, paths, account, output):
    from playwright.sync_api import sync_playwright

    from tests.browser import support

    output.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = support.launch_chromium(playwright)
        for device_name, device in devices().items():
            context = support.new_context(browser, base_url, device)
            page = context.new_page()
            logged_in = False
            for shot in SHOTS:
                if device_name not in shot.devices:
                    continue
                if shot.staff and not logged_in:
                    support.login(page, *account)
                    logged_in = True
                page.goto(paths[shot.name])
                if shot.ready:
                    shot.ready(page)
                target = output / f"{shot.name}-{device_name}.png"
                page.screenshot(
                    path=target, full_page=shot.full_page, animations="disabled", caret="hide"
                )
                saved.append(target)
            context.close()
        browser.close()
    return saved


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=BASE_DIR / "docs" / "screenshots")
    parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
    args = parser.parse_args(argv)

    from tests.browser.support import CHROMIUM

    if not CHROMIUM.exists():
        parser.exit(1, f"Chromium not found at {CHROMIUM}: apt-get install chromium\n")

    with tempfile.TemporaryDirectory(prefix="newsroom-screenshots-") as workdir:
        # The server and this process share one throwaway site, whatever the shell says.
        for name in ("REDIS_URL", "DJANGO_SECRET_KEY", "STATIC_ROOT", "DJANGO_LANGUAGE_CODE"):
            os.environ.pop(name, None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DJANGO_DEBUG="1",
            DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
            MEDIA_ROOT=f"{workdir}/media",
        )
        account, paths = prepare_site(workdir)
        port = args.port or free_port()
        with open(Path(workdir) / "server.log", "w+") as log:
            try:
                server = start_server(port, log)
            except RuntimeError as error:
                log.seek(0)
                parser.exit(1, f"{error}:\n{log.read()}")
            try:
                saved = photograph(f"http://127.0.0.1:{port}", paths, account, args.output)
            finally:
                stop_server(server)
    for path in saved:
        sys.stdout.write(
            f"{path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}\n"
        )


if __name__ == "__main__":
    main()
