"""
Clean every stored article body with the allow-list.

The allow-list is copied here, not imported from ``articles.sanitize``: a migration must give
the same result whenever it runs, and must keep importing when the app's code is later
renamed or changed. The copy is the policy as of this migration; a later tightening gets its
own data migration. Only nh3 (a declared dependency) and settings.MEDIA_URL are used.
Bodies are only rewritten where cleaning changes them; the reverse does nothing, since
removed markup cannot be restored.
"""

import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import migrations

TAGS = {
    "h2", "h3", "h4", "p", "br", "hr",
    "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote",
    "a",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img",
}
ATTRIBUTES = {
    "*": set(),
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
CLEAN_CONTENT_TAGS = {
    "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext",
    "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "math", "textarea", "select", "title",
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
SAFE_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]+")
IMG_TAG = re.compile(r'<img((?:\s+[a-z-]+="[^"]*")*)\s*/?>')
BATCH = 500


def media_prefix():
    url = settings.MEDIA_URL
    return url if urlsplit(url).scheme else "/" + url.lstrip("/")


def is_media(value, prefix):
    if not value.startswith(prefix) or not SAFE_PATH.fullmatch(value[len(prefix):]):
        return False
    parts = urlsplit(value)
    if parts.query or parts.fragment or "\\" in value:
        return False
    return not any(s in {".", ".."} for s in unquote(parts.path).split("/"))


def make_cleaner():
    import nh3

    prefix = media_prefix()

    def attribute_filter(tag, attribute, value):
        if IGNORED_IN_SCHEME.sub("", value).lower().startswith(("javascript:", "data:", "vbscript:")):
            return None
        if tag == "img" and attribute == "src":
            return value if is_media(value, prefix) else None
        if attribute in {"width", "height", "colspan", "rowspan", "start"}:
            return value if value.isdigit() and len(value) <= 5 else None
        if attribute == "scope":
            return value if value in {"row", "col", "rowgroup", "colgroup"} else None
        return value

    def clean(html):
        if not html:
            return ""
        cleaned = nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            clean_content_tags=CLEAN_CONTENT_TAGS,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
            strip_comments=True,
            attribute_filter=attribute_filter,
        )
        return IMG_TAG.sub(lambda m: m.group(0) if ' src="' in m.group(1) else "", cleaned).strip()

    return clean


def clean_bodies(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    clean = make_cleaner()
    # Ids first, then bodies a batch at a time: no cursor stays open over rows being written.
    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = Article.objects.filter(pk__in=pks[start : start + BATCH]).values_list("pk", "body")
        changed = []
        for pk, body in rows:
            cleaned = clean(body)
            if cleaned != body:
                changed.append(Article(pk=pk, body=cleaned))
        Article.objects.bulk_update(changed, ["body"])


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_richtext_lead_image"),
    ]

    operations = [
        migrations.RunPython(clean_bodies, migrations.RunPython.noop, elidable=True),
    ]
