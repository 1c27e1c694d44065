import pytest

from richtext.sanitize import images_without_alt, removed_markup, sanitize_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<h2>Title</h2><p>Text <strong>bold</strong> <em>it</em></p>",
         "<h2>Title</h2><p>Text <strong>bold</strong> <em>it</em></p>"),
        ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="https://example.org/">x</a>',
         '<a href="https://example.org/" rel="noopener noreferrer">x</a>'),
        ('<p style="color:red">x</p>', "<p>x</p>"),
        ('<iframe src="https://evil.example"></iframe><p>x</p>', "<p>x</p>"),
        ("<svg><script>alert(1)</script></svg>", ""),
        ('<img src="https://tracker.example/pixel.gif" alt="a">', ""),
        ('<img src="/media/uploads/a.jpg" alt="a">', '<img src="/media/uploads/a.jpg" alt="a">'),
        ('<img src="data:image/png;base64,AAAA">', ""),
        ("<h1>Too big</h1>", "Too big"),
        # Images only from site media, with no way to climb out of it.
        ('<img src="/media/../admin/x.png">', ""),
        ('<img src="/media/%2e%2e/secret.png">', ""),
        ('<img src="/media/a\\..\\b.png">', ""),
        ('<img src="//evil.example/media/a.png">', ""),
        ('<img src="/media/a.png?track=1">', ""),
        ('<img src="/static/logo.png">', ""),
        # No dangerous scheme in any attribute, however it is disguised.
        ('<a href="java&#x09;script:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="vbscript:msgbox(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html,&lt;script&gt;">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="/x" title="javascript:alert(1)">x</a>', '<a href="/x" rel="noopener noreferrer">x</a>'),
        ('<a href="ftp://files.example/">x</a>', '<a rel="noopener noreferrer">x</a>'),
        # Links that are allowed.
        ('<a href="mailto:press@example.gov.cn">x</a>',
         '<a href="mailto:press@example.gov.cn" rel="noopener noreferrer">x</a>'),
        ('<a href="tel:+862212345">x</a>', '<a href="tel:+862212345" rel="noopener noreferrer">x</a>'),
        ('<a href="/articles/x/">x</a>', '<a href="/articles/x/" rel="noopener noreferrer">x</a>'),
        ('<a href="https://x.example/" target="_blank" rel="opener">x</a>',
         '<a href="https://x.example/" rel="noopener noreferrer">x</a>'),
        # Frames, forms, SVG and MathML go, with the code inside them.
        ("<iframe><img src=x onerror=alert(1)></iframe><p>x</p>", "<p>x</p>"),
        # The classic noscript mutation: the img a browser would build loses its handler.
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '"&gt;'),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ('<form action="/x"><input name="q"><button>Go</button></form>', "Go"),
        ('<object data="x.swf"></object><embed src="x.swf"><p>x</p>', "<p>x</p>"),
        # Attribute values are checked.
        ('<table><tr><th scope="col" onclick="x">h</th></tr></table>',
         '<table><tbody><tr><th scope="col">h</th></tr></tbody></table>'),
        ('<table><tr><th scope="javascript">h</th></tr></table>',
         "<table><tbody><tr><th>h</th></tr></tbody></table>"),
        ('<ol start="3" reversed type="i"><li>x</li></ol>', '<ol start="3"><li>x</li></ol>'),
        ('<p id="x" class="y" dir="rtl" lang="en">x</p>', "<p>x</p>"),
        # What the toolbar produces survives unchanged.
        ('<figure><img src="/media/editor/2024/05/a1.jpg" alt="Map" width="300" height="200">'
         "<figcaption>Caption</figcaption></figure>",
         '<figure><img src="/media/editor/2024/05/a1.jpg" alt="Map" width="300" height="200">'
         "<figcaption>Caption</figcaption></figure>"),
        ("<blockquote><p>Q</p></blockquote><ul><li><sub>1</sub><sup>2</sup></li></ul><hr>",
         "<blockquote><p>Q</p></blockquote><ul><li><sub>1</sub><sup>2</sup></li></ul><hr>"),
    ],
)  # fmt: skip
def test_sanitiser_keeps_the_allow_list_only(dirty, clean):
    """Only allow-listed tags, attributes and URL schemes survive."""
    assert sanitize_html(dirty) == clean


def test_sanitiser_is_idempotent():
    """Cleaning twice changes nothing."""
    dirty = (
        '<p>Hi <a href="https://a.example/?q=1&amp;r=2">link</a></p>'
        '<table><tr><td colspan="2">x</td></tr></table><script>x</script>'
    )
    once = sanitize_html(dirty)
    assert sanitize_html(once) == once


def test_images_follow_an_absolute_media_url(settings):
    """With media on another host (S3), images from that MEDIA_URL are kept, others not."""
    settings.MEDIA_URL = "https://media.news.example/media/"
    assert sanitize_html('<img src="https://media.news.example/media/a.jpg">') == (
        '<img src="https://media.news.example/media/a.jpg">'
    )
    assert sanitize_html('<img src="/media/a.jpg">') == ""
    assert sanitize_html('<img src="http://media.news.example/media/a.jpg">') == ""


def test_removed_markup_names_what_went():
    """The editor is told which elements and attributes were removed, once each."""
    dirty = (
        '<p style="color:red" onclick="x()">Hi</p><script>x</script><script>y</script>'
        '<img src="https://tracker.example/p.gif" alt="p"><!-- note --><a href="/ok">ok</a>'
    )
    assert removed_markup(dirty) == [
        'onclick="…" on <p>',
        'style="…" on <p>',
        "comments",
        "images not uploaded to this site",
        "<script>",
    ]


@pytest.mark.parametrize(
    "html",
    [
        "<p>Plain <strong>text</strong>&nbsp;and&nbsp;spaces</p>",
        '<table><tr><td colspan="2">no tbody typed</td></tr></table>',
        '<p><a href="https://x.example/">added rel is not a removal</a></p>',
        "<p>Unclosed <em>emphasis</p>",
        "",
    ],
)
def test_removed_markup_is_quiet_when_nothing_was_lost(html):
    """Normalising (tbody, rel, entities, closing tags) is not reported as a removal."""
    assert removed_markup(html) == []


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # Marked decorative in the editor: kept, for screen readers to skip.
        ('<img src="/media/a.jpg" alt="" role="presentation">',
         '<img src="/media/a.jpg" alt="" role="presentation">'),
        # Any other role, or on anything else, goes.
        ('<img src="/media/a.jpg" alt="A map" role="button">', '<img src="/media/a.jpg" alt="A map">'),
        ('<p role="presentation">x</p>', "<p>x</p>"),
        # Described, so not decorative: what it says must be read.
        ('<img src="/media/a.jpg" alt="A map" role="presentation">',
         '<img src="/media/a.jpg" alt="A map">'),
    ],
)  # fmt: skip
def test_a_decorative_image_keeps_its_mark(dirty, clean):
    """role="presentation" on an image with an empty alt is how a body image is decorative."""
    assert sanitize_html(dirty) == clean
    assert sanitize_html(clean) == clean


def test_images_without_alt_are_named_with_their_place():
    """Neither described nor decorative: each is named by its place in the body and its file."""
    body = sanitize_html(
        '<p><img src="/media/editor/2026/01/river.jpg" alt="The river at dawn">'
        '<img src="/media/editor/2026/01/b%C3%BCro.jpg"></p>'
        '<img src="/media/editor/2026/01/line.png" alt="" role="presentation">'
        '<img src="/media/editor/2026/01/blank.png" alt="   ">'
        '<img src="/media/editor/2026/01/empty.png" alt="">'
    )
    assert images_without_alt(body) == [(2, "büro.jpg"), (4, "blank.png"), (5, "empty.png")]
    assert images_without_alt("<p>No pictures</p>") == []
    assert images_without_alt('<img src="/media/a.jpg" alt="Tom &amp; Jerry">') == []
