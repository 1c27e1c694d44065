"""
The header rules of Mozilla's HTTP Observatory, scored as it scores them.

A Python rendering of the published methodology (mdn-http-observatory, "Tests & Scoring"):
each test yields a result with a score modifier; a site starts at 100, penalties apply, and
bonuses count only when the score without them is at least 90. 100 or more is A+.
Only what a single response (and the plain-HTTP redirect before it) can show is scored.
"""

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

BROAD_SOURCES = {
    "ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*",
}  # fmt: skip
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
PASSIVE_DIRECTIVES = {"img-src", "media-src"}
PRIVATE_REFERRER_POLICIES = {
    "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
}  # fmt: skip
UNSAFE_REFERRER_POLICIES = {
    "origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade",
}  # fmt: skip
SIX_MONTHS = 15768000


@dataclass
class Result:
    test: str
    result: str
    modifier: int


@dataclass
class Report:
    results: list = field(default_factory=list)

    def add(self, test, result, modifier):
        self.results.append(Result(test, result, modifier))

    @property
    def score(self):
        penalties = sum(r.modifier for r in self.results if r.modifier < 0)
        bonuses = sum(r.modifier for r in self.results if r.modifier > 0)
        score = 100 + penalties
        if score >= 90:
            score += bonuses
        return max(score, 0)

    @property
    def grade(self):
        chart = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"),
                 (60, "C+"), (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-")]  # fmt: skip
        for floor, grade in chart:
            if self.score >= floor:
                return grade
        return "F"

    def failures(self):
        return [r for r in self.results if r.modifier < 0]

    def result(self, test):
        return next(r.result for r in self.results if r.test == test)


def parse_csp(value):
    """Directive name -> set of sources; ``None`` if a directive repeats (invalid policy)."""
    policy = {}
    for part in value.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if name in policy:
            return None
        policy[name] = {token if token.startswith("'") else token.lower() for token in tokens[1:]}
    return policy


def csp_test(headers, https):
    value = headers.get("Content-Security-Policy")
    if not value:
        return "csp-not-implemented", -25
    csp = parse_csp(value)
    if csp is None:
        return "csp-header-invalid", -25
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or {"*"})
    style = set(csp.get("style-src") or default or {"*"})
    objects = set(csp.get("object-src") or default or {"*"})
    for sources in (script, style):
        if any(s.startswith(NONCE_OR_HASH) for s in sources):
            sources.discard("'unsafe-inline'")
    active = [s for name, sources in csp.items() if name not in PASSIVE_DIRECTIVES
              and name != "script-src" for s in sources] + list(script)  # fmt: skip
    passive = [s for name in PASSIVE_DIRECTIVES for s in (csp.get(name) or default or set())]
    if script & (BROAD_SOURCES | UNSAFE_INLINE) or objects & BROAD_SOURCES:
        return "csp-implemented-with-unsafe-inline", -20
    if https and any(s.startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme", -20
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", -10
    if https and any(s.startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", -10
    if style & (BROAD_SOURCES | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if default == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies_test(set_cookie_headers, hsts):
    cookies = SimpleCookie()
    for header in set_cookie_headers:
        cookies.load(header)
    if not cookies:
        return "cookies-not-found", 0
    all_samesite = True
    for name, morsel in cookies.items():
        is_session = any(word in name.lower() for word in ("login", "sess"))
        is_csrf = "csrf" in name.lower()
        samesite = (morsel["samesite"] or "").lower()
        if samesite and samesite not in {"strict", "lax", "none"}:
            return "cookies-samesite-flag-invalid", -20
        if not samesite:
            all_samesite = False
            if is_csrf:
                return "cookies-anticsrf-without-samesite-flag", -20
        if not morsel["secure"]:
            if is_session:
                return ("cookies-session-without-secure-flag-but-protected-by-hsts", -10) if hsts \
                    else ("cookies-session-without-secure-flag", -40)  # fmt: skip
            return ("cookies-without-secure-flag-but-protected-by-hsts", -5) if hsts \
                else ("cookies-without-secure-flag", -20)  # fmt: skip
        if is_session and not morsel["httponly"]:
            return "cookies-session-without-httponly-flag", -30
    if all_samesite:
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def hsts_test(headers):
    value = headers.get("Strict-Transport-Security")
    if not value:
        return "hsts-not-implemented", -20
    match = re.search(r"max-age\s*=\s*\"?(\d+)\"?", value, re.IGNORECASE)
    if not match:
        return "hsts-header-invalid", -20
    if int(match.group(1)) < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def referrer_test(headers):
    value = headers.get("Referrer-Policy")
    if not value:
        return "referrer-policy-not-implemented", 0
    policies = [p.strip().lower() for p in value.split(",") if p.strip()]
    known = [p for p in policies if p in PRIVATE_REFERRER_POLICIES | UNSAFE_REFERRER_POLICIES]
    if not known:
        return "referrer-policy-header-invalid", -5
    if known[-1] in PRIVATE_REFERRER_POLICIES:
        return "referrer-policy-private", 5
    return "referrer-policy-unsafe", -5


def content_type_options_test(headers):
    value = (headers.get("X-Content-Type-Options") or "").strip().lower()
    if not value:
        return "x-content-type-options-not-implemented", -5
    if value == "nosniff":
        return "x-content-type-options-nosniff", 0
    return "x-content-type-options-header-invalid", -5


def frame_options_test(headers):
    csp = parse_csp(headers.get("Content-Security-Policy") or "") or {}
    ancestors = csp.get("frame-ancestors")
    if ancestors and not ancestors & BROAD_SOURCES:
        return "x-frame-options-implemented-via-csp", 5
    value = (headers.get("X-Frame-Options") or "").strip().lower()
    if not value:
        return "x-frame-options-not-implemented", -20
    if value in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny", 0
    if value.startswith("allow-from"):
        return "x-frame-options-allow-from-origin", 0
    return "x-frame-options-header-invalid", -20


def resource_policy_test(headers):
    value = (headers.get("Cross-Origin-Resource-Policy") or "").strip().lower()
    if not value:
        return "corp-not-implemented", 0
    return {
        "same-origin": ("corp-implemented-with-same-origin", 10),
        "same-site": ("corp-implemented-with-same-site", 10),
        "cross-origin": ("corp-implemented-with-cross-origin", 0),
    }.get(value, ("corp-header-invalid", -5))


def redirection_test(http_status, location, host):
    if http_status not in {301, 302, 303, 307, 308} or not location:
        return "redirection-missing", -20
    parts = urlsplit(location)
    if parts.scheme != "https":
        return "redirection-not-to-https", -20
    if parts.hostname != host:
        return "redirection-off-host-from-http", -5
    return "redirection-to-https", 0


def sri_test(html, host):
    scripts = re.findall(r"<script\b[^>]*>", html, re.IGNORECASE)
    external = []
    for tag in scripts:
        src = re.search(r"""src\s*=\s*["']([^"']+)""", tag)
        if not src:
            continue
        parts = urlsplit(src.group(1))
        if parts.netloc and parts.hostname != host:
            external.append((parts, "integrity=" in tag))
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    if not external:
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0
    if all(integrity for _, integrity in external):
        return "sri-implemented-and-external-scripts-loaded-securely", 5
    return "sri-not-implemented-but-external-scripts-loaded-securely", -5


def scan(https_response, http_response, host):
    """Score a page from its HTTPS response and the plain-HTTP response for the same URL."""
    headers = https_response.headers
    set_cookies = [morsel.OutputString() for morsel in https_response.cookies.values()]
    hsts = hsts_test(headers)
    report = Report()
    report.add("content-security-policy", *csp_test(headers, https=True))
    report.add("cookies", *cookies_test(set_cookies, hsts=hsts[1] == 0))
    report.add("strict-transport-security", *hsts)
    report.add("referrer-policy", *referrer_test(headers))
    report.add("x-content-type-options", *content_type_options_test(headers))
    report.add("x-frame-options", *frame_options_test(headers))
    report.add("cross-origin-resource-policy", *resource_policy_test(headers))
    report.add(
        "redirection",
        *redirection_test(http_response.status_code, http_response.get("Location"), host),
    )
    html = https_response.content.decode(errors="replace")
    report.add("subresource-integrity", *sri_test(html, host))
    return report
