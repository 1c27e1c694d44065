"""
The documentation (README.md and docs/*.md) against the code it describes: every relative link
and anchor resolves, every path, migration and dotted name it mentions exists, every page opens
with its contents, and every setting, `make` target and benchmark variable is documented.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings

from tests import ROOT

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
# Written by `make bench` (bench/report.py), never by hand: no contents list of its own.
GENERATED = {DOCS / "benchmarks.md"}

FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_LINK = re.compile(r"\b(?:href|src)=\"([^\"]+)\"")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
REPO_PATH = re.compile(
    r"^(?:articles|bench|demo|docs|newsroom|pagecache|richtext|static|templates|tests|\.ci)"
    r"(?:/[\w.-]+)*/?$"
)
MIGRATION = re.compile(r"^\d{4}_\w+$")
DOTTED_NAME = re.compile(r"^(?:articles|demo|newsroom|pagecache|richtext)(?:\.[A-Za-z_]\w*)+$")


def page_id(page):
    return str(page.relative_to(ROOT))


def prose(page):
    """The page's text without its fenced code blocks, which are examples, not references."""
    return FENCE.sub("", page.read_text())


def slug(heading):
    """The anchor GitHub gives a heading: its text, lower case, punctuation gone, dashed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page):
    seen, found = {}, set()
    for _, heading in HEADING.findall(prose(page)):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def code_spans(page):
    return [span.strip() for span in INLINE_CODE.findall(prose(page))]


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_relative_link_resolves(page):
    """Each relative link or image names a file that exists, and an anchor that it has."""
    text = prose(page)
    targets = MARKDOWN_LINK.findall(text) + HTML_LINK.findall(text)
    assert targets or page in GENERATED, f"{page_id(page)} links nowhere"
    for target in targets:
        if SCHEME.match(target):
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page_id(page)}: {target} does not exist"
        if fragment and linked.suffix == ".md":
            assert fragment in anchors(linked), f"{page_id(page)}: {target}: no such heading"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_path_and_migration_named_exists(page):
    """A file, folder or migration named in `code` is there: no page names an old layout."""
    for span in code_spans(page):
        if REPO_PATH.match(span):
            assert (ROOT / span).exists(), f"{page_id(page)}: {span} does not exist"
        elif MIGRATION.match(span):
            migrations = list(ROOT.glob(f"*/migrations/{span}.py"))
            assert migrations, f"{page_id(page)}: no migration {span}"


def permission_names():
    names = set()
    for model in apps.get_models():
        meta = model._meta
        names.update(
            f"{meta.app_label}.{action}_{meta.model_name}" for action in meta.default_permissions
        )
        names.update(f"{meta.app_label}.{codename}" for codename, _ in meta.permissions)
    return names


def resolves(dotted):
    """Whether ``dotted`` is a module, or an attribute reached from the longest module in it."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_dotted_name_exists(page):
    """
    A dotted name in `code` (``articles.editorial.scheduling.DueChangesMiddleware``,
    ``pagecache.content_changed()``) imports, or is a permission or a configured logger.
    """
    others = permission_names() | set(settings.LOGGING["loggers"])
    for span in code_spans(page):
        name = re.sub(r"\(.*\)$", "", span)
        if DOTTED_NAME.match(name) and name not in others:
            assert resolves(name), f"{page_id(page)}: {span} does not exist"


@pytest.mark.parametrize("page", sorted(set(PAGES[1:]) - GENERATED), ids=page_id)
def test_every_docs_page_opens_with_its_contents(page):
    """Before its first section, each page links to every one of its sections."""
    text = prose(page)
    sections = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert sections, f"{page_id(page)} has no sections"
    before = text[: text.index(f"## {sections[0]}")]
    for section in sections:
        assert f"(#{slug(section)})" in before, f"{page_id(page)}: {section} not in contents"


def test_every_environment_variable_is_documented():
    """Each variable newsroom/settings.py reads is in docs/configuration.md."""
    source = (ROOT / "newsroom" / "settings.py").read_text()
    names = set(re.findall(r"\benv(?:_bool|_list|_int|_float)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert len(names) > 50, "the settings are no longer read as this test expects"
    documented = (DOCS / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_every_benchmark_variable_is_documented():
    """Each variable `make bench` and `make loadtest` read is in docs/performance.md."""
    names = set()
    for module in ("run", "loadtest"):
        source = (ROOT / "bench" / f"{module}.py").read_text()
        names.update(re.findall(r"os\.environ\.get\(\s*\"((?:BENCH|LOADTEST)_\w+)\"", source))
    assert len(names) > 10, "the benchmarks no longer read variables as this test expects"
    documented = (DOCS / "performance.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"not in docs/performance.md: {missing}"


def test_every_make_target_is_documented():
    """Each target the Makefile declares is described in docs/development.md."""
    makefile = (ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    documented = (DOCS / "development.md").read_text()
    missing = [target for target in targets if f"`make {target}`" not in documented]
    assert not missing, f"not in docs/development.md: {missing}"


MANAGE_PY = re.compile(r"(?:([^\s`(]+)[ \t]+)?manage\.py[ \t]+([a-z_]+)(?![\w.])")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_manage_py_command_runs_as_printed(page):
    """
    A `manage.py` command a page prints names the checkout's own Python, as it is typed in a
    terminal after `make run` or `make install` (`.venv/bin/python manage.py ...`, never a bare
    `python`, which may be another Python without Newsroom's packages), and a command that exists.
    """
    from django.core.management import get_commands

    for match in MANAGE_PY.finditer(page.read_text()):
        python, command = match.groups()
        printed = match.group(0).strip()
        assert python == ".venv/bin/python", f"{page_id(page)}: `{printed}`"
        assert command in get_commands(), f"{page_id(page)}: no command {command}"
