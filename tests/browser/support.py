"""
Helpers for driving Newsroom in Debian's Chromium, shared by the browser tests and
``make screenshots``. Plain functions over Playwright's sync API: no pytest here.

Pages are opened in contexts made with ``base_url``, so every path is relative
(``page.goto("/admin/")``).
"""

import json
import os
import re
from pathlib import Path

# Debian's package; Playwright's own browser download is never used. CHROMIUM_PATH points
# elsewhere on machines that keep Chromium somewhere else.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Headless and quiet: no sandbox (CI runs as root), no GPU, and none of the background
# traffic (updates, sync, safe browsing lists) a desktop Chromium starts on its own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
]

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# A phone: mobile mode makes Chromium honour <meta name="viewport"> as a phone does.
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# The password the browser tests give the users they create.
PASSWORD = "correct-horse-battery-staple"

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# What makes a page fail the audit. "moderate" and "minor" findings are reported only.
AXE_BLOCKING_IMPACTS = ("serious", "critical")


def launch_chromium(playwright):
    """Start headless Chromium from ``CHROMIUM``; fails with Playwright's error if absent."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
    )


def new_context(browser, base_url, device=DESKTOP, **options):
    """A fresh, isolated browser profile (cookies, storage) opening paths on ``base_url``."""
    return browser.new_context(base_url=base_url, **device, **options)


# --- Admin -----------------------------------------------------------------------------


def login(page, username, password):
    """Log in through the admin's own login form and land on the admin index."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def admin_save(page, button="_save"):
    """Press one of the admin form's save buttons (``_save``, ``_continue``, ``_addanother``)."""
    with page.expect_navigation():
        page.click(f"input[type=submit][name={button}]")


def wait_for_ckeditor(page, field="body"):
    """Wait until the CKEditor that replaces ``id_<field>`` is ready for typing."""
    page.wait_for_function(
        "id => window.CKEDITOR && CKEDITOR.instances[id]"
        " && CKEDITOR.instances[id].status === 'ready'",
        arg=f"id_{field}",
    )


def ckeditor_editable(page, field="body"):
    """
    The editing area, as a locator to click and type into. The editor edits in a <div> of the
    page (the divarea plugin), not an iframe: the admin's Content-Security-Policy.
    """
    return page.locator(f"#cke_id_{field} .cke_wysiwyg_div")


def ckeditor_button(page, command, field="body"):
    """Click a toolbar button by its CKEditor command name: "bulletedlist", "link", "bold"…"""
    page.click(f"#cke_id_{field} a.cke_button__{command}")


def ckeditor_format(page, label, field="body"):
    """Choose a paragraph format ("Heading 2", "Normal") from the toolbar's Format list."""
    page.click(f"#cke_id_{field} .cke_combo__format a.cke_combo_button")
    panel = page.frame_locator(".cke_combopanel iframe.cke_panel_frame")
    panel.locator(f"a[title='{label}']").click()


def ckeditor_insert_link(page, text, url, field="body"):
    """Insert a link at the caret through the toolbar's Link dialog."""
    # CKEditor records the caret a moment after typing (a debounced check); a person is never
    # quicker than that, a test is: record it now, so the dialog inserts where the caret is.
    page.evaluate("id => CKEDITOR.instances[id].selectionChange(true)", f"id_{field}")
    ckeditor_button(page, "link", field)
    dialog = page.locator(".cke_dialog:visible")
    dialog.get_by_label("Display Text").fill(text)
    dialog.get_by_label("URL").fill(url)
    dialog.locator("a.cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")


def fill_ckeditor(page, html, field="body"):
    """Replace the editor's content with ``html`` through CKEditor's API (no typing)."""
    wait_for_ckeditor(page, field)
    page.evaluate(
        """([id, html]) => new Promise(done => CKEDITOR.instances[id].setData(html, done))""",
        [f"id_{field}", html],
    )


def ckeditor_data(page, field="body"):
    """The HTML the editor will submit."""
    return page.evaluate("id => CKEDITOR.instances[id].getData()", f"id_{field}")


def pick_autocomplete(page, field, text):
    """
    Choose the option starting with ``text`` in the admin's select2 autocomplete for
    ``field``: open it, type, wait for the server's answer, click the match.
    """
    page.click(f"#id_{field} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    option = page.locator(
        ".select2-container--open .select2-results__option",
        has_text=re.compile(rf"^\s*{re.escape(text)}"),
    ).first
    option.click()


# --- Pages -----------------------------------------------------------------------------


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 when nothing scrolls)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def run_axe(page, context=None):
    """
    Run axe-core on the current page and return its violations (WCAG 2.x A and AA rules
    plus best practices). ``context`` narrows the audit, e.g. ``{"exclude": [...]}``.
    The script is injected for the audit only: no page of the site loads it. It runs
    through the DevTools protocol rather than a <script> element, so a strict
    Content-Security-Policy does not block it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async ([context]) => {
            const results = await axe.run(context || document, {
                runOnly: {type: "tag", values: [
                    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice",
                ]},
                resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        [context],
    )


def blocking(violations):
    """The violations serious or critical enough to fail an audit."""
    return [v for v in violations if v["impact"] in AXE_BLOCKING_IMPACTS]


def describe_violations(violations):
    """A readable summary of axe violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)
