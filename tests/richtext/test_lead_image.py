"""Lead images and responsive renditions (articles/renditions.py, includes/lead_image.html)."""

import io
import re
from io import StringIO

import html5lib
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from PIL import ExifTags, Image

from articles.models import Article
from tests.factories import (
    make_article,
    make_image_bytes,
    make_phone_photo,
    make_source,
    make_superuser,
    make_upload,
)

pytestmark = pytest.mark.django_db


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def admin_client():
    """A superuser's client that enforces CSRF, carrying the add form's token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_superuser())
    page = client.get("/admin/articles/article/add/").content.decode()
    client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client


def article_form(client, **overrides):
    data = {
        "csrfmiddlewaretoken": client.csrf_token,
        "title": "Hexi opens a riverside greenway",
        "slug": "",
        "summary": "Six kilometres of path.",
        "body": "<p>Walkers and cyclists get separate lanes.</p>",
        "source": make_source().pk,
        "source_url": "",
        "public_updated_at_0": "",
        "public_updated_at_1": "",
        "language": "en",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
    }
    data.update(overrides)
    return data


def with_lead_image(name, size=(2000, 1500), alt="Cyclists on the new path", **fields):
    """A published article whose lead image is stored as it would be after an upload."""
    article = make_article(lead_image_alt=alt, **fields)
    article.lead_image.save(name, ContentFile(make_image_bytes(size=size)), save=True)
    return article


def test_admin_upload_stores_a_clean_lead_image_with_renditions(admin_client, media_storage):
    """An editor uploads a phone photo: it is stored re-encoded, without GPS, with renditions."""
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            admin_client,
            lead_image=make_upload(make_phone_photo(size=(2400, 1800)), name="IMG_2041.JPG"),
            lead_image_alt="The greenway at dawn",
            lead_image_caption="The path runs along the river.",
            lead_image_credit="Hexi District Government",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert re.fullmatch(r"lead-images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", article.lead_image.name)
    with default_storage.open(article.lead_image.name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.size == (1800, 2400)  # turned upright as the phone meant it
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    stem = article.lead_image.name.removesuffix(".jpg")
    files = stored_files(media_storage)
    for width in (480, 960, 1600):
        for extension in ("webp", "jpg"):
            assert f"renditions/{stem}-w{width}.{extension}" in files
    renditions = [f for f in files if f.startswith("renditions/")]
    assert len(renditions) == 6


def test_alt_text_is_required_unless_decorative(admin_client, media_storage):
    """Without alt text and not decorative, the form says so and nothing is saved or stored."""
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(admin_client, lead_image=make_upload(make_image_bytes())),
    )
    assert response.status_code == 200
    assert "or tick “decorative”" in response.content.decode()
    assert not Article.objects.exists()
    assert stored_files(media_storage) == []


def test_decorative_image_needs_no_alt_and_is_skipped_by_screen_readers(
    admin_client, client, media_storage
):
    """A decorative image is saved without alt text and rendered with an empty alt."""
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            admin_client, lead_image=make_upload(make_image_bytes()), lead_image_decorative="on"
        ),
    )
    assert response.status_code == 302
    # Publication goes through the workflow; here only the rendering matters.
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    page = client.get(Article.objects.get().get_absolute_url()).content.decode()
    assert re.search(
        r'<img src="[^"]+" srcset="[^"]+" sizes="[^"]+" width="\d+" height="\d+" alt=""', page
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: make_image_bytes("PNG", size=(8000, 8000), mode="1", color=0), "megapixels"),
        (lambda: make_image_bytes(size=(800, 600))[:2500], "cut short"),
        (lambda: b"<html><script>alert(1)</script></html>", "script code"),
    ],
    ids=["decompression bomb", "truncated", "html"],
)
def test_bad_lead_image_is_refused_and_the_edit_is_kept(admin_client, media_storage, data, message):
    """A bad image is refused on the form with a message; the editor's text is still there."""
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            admin_client,
            title="A title worth keeping",
            lead_image=make_upload(data(), name="photo.jpg"),
            lead_image_alt="Alt",
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'value="A title worth keeping"' in content
    assert not Article.objects.exists()
    assert stored_files(media_storage) == []


def test_database_refuses_an_image_without_alt_or_decorative():
    """The alt-text rule is a database constraint too."""
    article = make_article()
    article.lead_image = "lead-images/x.jpg"
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


def test_editing_keeps_the_lead_image(admin_client):
    """Saving the form without a new file keeps the current image and its alt text."""
    article = with_lead_image("kept.jpg", status="draft")
    name = article.lead_image.name
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        article_form(
            admin_client,
            title="Edited",
            slug=article.slug,
            source=article.source.pk,
            lead_image_alt=article.lead_image_alt,
            version=article.version,
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Edited" and article.lead_image.name == name


def test_detail_page_serves_responsive_lead_image(client):
    """srcset in WebP and JPEG at 480/960/1600, sizes, width/height, lazy loading, credit."""
    article = with_lead_image(
        "river.jpg",
        size=(2000, 1500),
        lead_image_caption="The Haihe at night.",
        lead_image_credit="Tianjin Daily",
    )
    content = client.get(article.get_absolute_url()).content.decode()
    document = html5lib.parse(content, namespaceHTMLElements=False)
    figure = document.find(".//figure[@class='lead-image']")
    source = figure.find(".//source")
    img = figure.find(".//img")
    stem = article.lead_image.name.removesuffix(".jpg")
    assert source.get("type") == "image/webp"
    assert source.get("srcset") == ", ".join(
        f"/media/renditions/{stem}-w{w}.webp {w}w" for w in (480, 960, 1600)
    )
    assert img.get("srcset") == ", ".join(
        f"/media/renditions/{stem}-w{w}.jpg {w}w" for w in (480, 960, 1600)
    )
    assert img.get("src") == f"/media/renditions/{stem}-w960.jpg"
    assert (img.get("width"), img.get("height")) == ("1600", "1200")
    assert img.get("loading") == "lazy"
    assert img.get("sizes") == source.get("sizes") and "100vw" in img.get("sizes")
    assert img.get("alt") == "Cyclists on the new path"
    caption = "".join(figure.find(".//figcaption").itertext())
    assert "The Haihe at night." in caption and "Image: Tianjin Daily" in caption


def test_renditions_are_never_upscaled(client, media_storage):
    """A 600-pixel-wide original gets renditions at 480 and 600 only."""
    article = with_lead_image("small.jpg", size=(600, 400))
    content = client.get(article.get_absolute_url()).content.decode()
    stem = article.lead_image.name.removesuffix(".jpg")
    assert f"{stem}-w480.webp 480w, /media/renditions/{stem}-w600.webp 600w" in content
    assert 'width="600" height="400"' in content
    assert f"{stem}-w960" not in content
    with default_storage.open(f"renditions/{stem}-w480.jpg") as rendition:
        assert Image.open(rendition).size == (480, 320)


def test_missing_rendition_is_regenerated_on_demand(client, media_storage):
    """A rendition deleted from storage is made again when the page is next rendered."""
    article = with_lead_image("regen.jpg")
    client.get(article.get_absolute_url())
    stem = article.lead_image.name.removesuffix(".jpg")
    lost = f"renditions/{stem}-w960.webp"
    default_storage.delete(lost)
    cache.clear()  # the cached answer expires; the next render checks storage again
    assert not default_storage.exists(lost)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert default_storage.exists(lost)
    with default_storage.open(lost) as rendition:
        image = Image.open(rendition)
        assert (image.format, image.width) == ("WEBP", 960)


def test_transparent_png_gets_a_white_jpeg_fallback(client, media_storage):
    """JPEG renditions of a transparent PNG are flattened on white; WebP keeps the alpha."""
    article = make_article(lead_image_decorative=True)
    article.lead_image.save(
        "logo.png",
        ContentFile(make_image_bytes("PNG", size=(500, 500), mode="RGBA", color=(0, 0, 0, 0))),
    )
    client.get(article.get_absolute_url())
    stem = article.lead_image.name.removesuffix(".png")
    with default_storage.open(f"renditions/{stem}-w480.jpg") as jpeg:
        assert Image.open(jpeg).convert("RGB").getpixel((0, 0)) == (255, 255, 255)
    with default_storage.open(f"renditions/{stem}-w480.webp") as webp:
        assert Image.open(webp).convert("RGBA").getpixel((0, 0))[3] == 0


def test_missing_original_shows_no_image_and_no_error(client):
    """A lead image whose file is gone is left out of the page instead of breaking it."""
    article = make_article(lead_image="lead-images/gone.jpg", lead_image_alt="Gone")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "lead-image" not in response.content.decode()


def test_body_images_from_site_media_become_responsive(client):
    """Body images from the site's media get srcset, size and lazy loading; others do not."""
    default_storage.save("editor/2024/05/abc.jpg", ContentFile(make_image_bytes(size=(1200, 900))))
    article = make_article(
        body=(
            '<p>Before</p><img src="/media/editor/2024/05/abc.jpg" alt="A map &amp; key">'
            '<img src="/media/editor/2024/05/abc.jpg" alt="Small" width="300">'
            '<img src="/media/editor/2024/05/missing.jpg" alt="Missing">'
            '<img src="https://tracker.example/pixel.gif" alt="Tracker">'
        )
    )
    content = client.get(article.get_absolute_url()).content.decode()
    body = html5lib.parse(content, namespaceHTMLElements=False).find(".//div[@class='story__body']")
    pictures = body.findall(".//picture")
    assert len(pictures) == 2
    big, small = (picture.find("img") for picture in pictures)
    assert big.get("alt") == "A map & key"
    assert (big.get("width"), big.get("height"), big.get("loading")) == ("1200", "900", "lazy")
    assert "/media/renditions/editor/2024/05/abc-w960.jpg 960w" in big.get("srcset")
    assert "abc-w480.webp 480w" in pictures[0].find("source").get("srcset")
    assert (small.get("width"), small.get("height")) == ("300", "225")
    assert small.get("sizes") == "(max-width: 300px) 100vw, 300px"
    loose = [img for img in body.iter("img") if img.get("alt") in {"Missing", "Tracker"}]
    assert [img.get("src") for img in loose] == ["/media/editor/2024/05/missing.jpg"]
    assert loose[0].get("loading") == "lazy"  # the tracker image is gone altogether


def test_rebuild_renditions_command(media_storage):
    """The command makes every missing rendition, of lead and body images, with progress."""
    article = with_lead_image("cmd.jpg", size=(1000, 500))
    default_storage.save("editor/body.png", ContentFile(make_image_bytes("PNG", size=(500, 300))))
    article.body = '<p><img src="/media/editor/body.png" alt="Chart"></p>'
    article.save()
    make_article(lead_image="lead-images/gone.jpg", lead_image_alt="Gone")
    out, err = StringIO(), StringIO()
    call_command("rebuild_renditions", stdout=out, stderr=err)
    stem = article.lead_image.name.removesuffix(".jpg")
    files = set(stored_files(media_storage))
    assert {
        f"renditions/{stem}-w{w}.{e}" for w in (480, 960, 1000) for e in ("webp", "jpg")
    } <= files
    assert {
        f"renditions/editor/body-w{w}.{e}" for w in (480, 500) for e in ("webp", "jpg")
    } <= files
    assert "100%" in out.getvalue() and "3/3" in out.getvalue()
    assert "Renditions ready for 2 images." in out.getvalue()
    assert "lead-images/gone.jpg" in err.getvalue()


def test_rebuild_renditions_force_remakes_them(media_storage):
    """With --force, existing renditions are written again (e.g. after a quality change)."""
    article = with_lead_image("force.jpg", size=(500, 400))
    call_command("rebuild_renditions", stdout=StringIO())
    target = media_storage / f"renditions/{article.lead_image.name.removesuffix('.jpg')}-w480.jpg"
    target.write_bytes(b"stale")
    call_command("rebuild_renditions", stdout=StringIO())
    assert target.read_bytes() == b"stale"  # present, so left alone without --force
    call_command("rebuild_renditions", "--force", stdout=StringIO())
    assert Image.open(target).size == (480, 384)


def test_media_goes_through_the_storage_api_only(admin_client, client, settings, media_storage):
    """With an in-memory storage backend, uploads, renditions and pages work; no file is written."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    response = admin_client.post(
        "/admin/articles/article/add/",
        article_form(
            admin_client, lead_image=make_upload(make_image_bytes()), lead_image_alt="In memory"
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert default_storage.exists(article.lead_image.name)
    editor = admin_client.post(
        "/admin/editor/upload/",
        {"upload": make_upload(make_image_bytes())},
        HTTP_X_CSRFTOKEN=admin_client.csrf_token,
    ).json()
    assert editor["uploaded"] == 1
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    content = client.get(article.get_absolute_url()).content.decode()
    assert "-w960.webp 960w" in content
    default_storage.delete(f"renditions/{article.lead_image.name.removesuffix('.jpg')}-w480.jpg")
    call_command("rebuild_renditions", stdout=StringIO())
    assert default_storage.exists(
        f"renditions/{article.lead_image.name.removesuffix('.jpg')}-w480.jpg"
    )
    assert not media_storage.exists() or stored_files(media_storage) == []


def test_responsive_images_describe_a_list_with_one_cache_lookup(monkeypatch):
    """
    ``responsive_images()`` describes several stored images with one cache lookup once their
    sizes are known: each with its smallest renditions (a card's thumbnail) and its largest
    JPEG (the shared picture); a missing file is None.
    """
    from richtext import renditions

    wide = with_lead_image("wide.jpg", size=(2000, 1500)).lead_image.name
    narrow = with_lead_image("narrow.jpg", size=(300, 200)).lead_image.name
    names = [wide, narrow, "lead-images/gone.jpg", wide]
    renditions.responsive_images(names)  # makes what is missing, caches the sizes
    lookups = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: lookups.append(keys) or original(keys))
    opened = []
    monkeypatch.setattr(renditions, "ensure_renditions", lambda name, **k: opened.append(name))
    images = renditions.responsive_images(names)
    assert len(lookups) == 1
    # Only the missing file is looked for again (nothing says it is not back).
    assert opened == ["lead-images/gone.jpg"]
    assert images["lead-images/gone.jpg"] is None
    stem = wide.rsplit(".", 1)[0]
    assert images[wide].small_jpeg == renditions.Rendition(
        f"/media/renditions/{stem}-w480.jpg", 480, 360
    )
    assert images[wide].small_webp.url == f"/media/renditions/{stem}-w480.webp"
    assert images[wide].large_jpeg == renditions.Rendition(
        f"/media/renditions/{stem}-w1600.jpg", 1600, 1200
    )
    # Never upscaled: a picture narrower than 480 pixels is its own smallest and largest.
    assert images[narrow].small_jpeg.width == images[narrow].large_jpeg.width == 300
