"""Image uploads through the rich-text editor (articles/uploads.py)."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.test import Client
from PIL import ExifTags, Image

from tests.factories import (
    make_image_bytes,
    make_phone_photo,
    make_superuser,
    make_upload,
    make_user,
)

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/editor/upload/"


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def csrf_client(user):
    """A logged-in client that enforces CSRF like a browser, with the admin form's token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    # Any staff member can open this form, whatever their permissions.
    page = client.get("/admin/password_change/").content.decode()
    client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client


def upload(client, data, name="photo.jpg", **extra):
    """Post as CKEditor does: field "upload", the form's token in X-CSRFToken."""
    headers = {"HTTP_X_CSRFTOKEN": getattr(client, "csrf_token", "")}
    headers.update(extra)
    return client.post(UPLOAD_URL, {"upload": make_upload(data, name=name)}, **headers)


def writer(**overrides):
    user = make_user(is_staff=True, **overrides)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    return user


@pytest.fixture
def editor_client():
    return csrf_client(make_superuser())


def test_upload_answers_ckeditor_json_and_stores_a_clean_image(editor_client, media_storage):
    """An upload returns CKEditor's JSON with a media URL; the file is a fresh JPEG."""
    response = upload(editor_client, make_phone_photo(), name="IMG_0001.JPG")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["uploaded"] == 1
    assert re.fullmatch(r"/media/editor/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", answer["url"])
    name = answer["url"].removeprefix("/media/")
    with default_storage.open(name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG"
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert dict(image.getexif()) == {}


def test_upload_makes_renditions(editor_client, media_storage):
    """Renditions of an editor upload are made at once, in WebP and JPEG."""
    answer = upload(editor_client, make_image_bytes(size=(1200, 800))).json()
    stem = answer["url"].removeprefix("/media/").removesuffix(".jpg")
    files = stored_files(media_storage)
    for width in (480, 960, 1200):
        assert f"renditions/{stem}-w{width}.webp" in files
        assert f"renditions/{stem}-w{width}.jpg" in files


def test_csrf_is_enforced(media_storage):
    """An upload without the CSRF token is refused and stores nothing."""
    client = csrf_client(make_superuser())
    client.csrf_token = ""
    response = upload(client, make_image_bytes())
    assert response.status_code == 403
    assert stored_files(media_storage) == []


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "staff without article permissions",
        "article writer who is not staff",
        "inactive writer",
    ],
)
def test_only_staff_who_may_write_articles_can_upload(who, media_storage):
    """Uploading needs an active staff account that may add or change articles."""
    if who == "anonymous":
        client = Client(enforce_csrf_checks=True)
        client.get("/admin/login/")
        client.csrf_token = client.cookies["csrftoken"].value
    elif who == "staff without article permissions":
        client = csrf_client(make_user(is_staff=True))
    elif who == "article writer who is not staff":
        user = writer()
        user.is_staff = False
        user.save()
        client = Client()
        client.force_login(user)
    else:
        user = writer()
        client = csrf_client(user)
        user.is_active = False
        user.save()
    response = upload(client, make_image_bytes())
    assert response.status_code == 403
    assert stored_files(media_storage) == []


def test_a_writer_may_upload(media_storage):
    """A staff member with the change-article permission may upload."""
    response = upload(csrf_client(writer()), make_image_bytes())
    assert response.json()["uploaded"] == 1


def test_refusal_is_json_and_reflects_nothing(editor_client, media_storage):
    """Request values are never echoed into a script: the answer is JSON without them."""
    hostile = "1);alert(document.domain);//"
    response = editor_client.post(
        f"{UPLOAD_URL}?CKEditorFuncNum={hostile}&CKEditor=id_body",
        {"upload": make_upload(b"<html><script>alert(1)</script></html>", name="x.html")},
        HTTP_X_CSRFTOKEN=editor_client.csrf_token,
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    content = response.content.decode()
    assert "<script" not in content and hostile not in content and "alert" not in content
    assert json.loads(content)["uploaded"] == 0
    assert stored_files(media_storage) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            lambda: make_image_bytes("PNG", size=(8000, 8000), mode="1", color=0),
            "bomb.png",
            "megapixels",
        ),
        (lambda: make_image_bytes(size=(800, 600))[:3000], "cut.jpg", "cut short"),
        (
            lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.svg",
            "",
        ),
        (lambda: make_image_bytes() + b"<script>alert(1)</script>", "poly.jpg", "script"),
    ],
    ids=["decompression bomb", "truncated", "svg", "polyglot"],
)
def test_bad_files_get_a_clear_refusal_and_leave_nothing(
    editor_client, media_storage, settings, tmp_path, data, name, message
):
    """Bombs, truncated files, SVG and polyglots: a 400 with a message, no file anywhere."""
    temp = tmp_path / "upload-temp"
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through a temporary file
    response = upload(editor_client, data(), name=name)
    assert response.status_code == 400
    error = response.json()["error"]["message"]
    assert message in error
    assert stored_files(media_storage) == []
    assert list(temp.iterdir()) == []


def test_oversized_upload_is_refused_without_being_stored(
    editor_client, media_storage, settings, tmp_path
):
    """A file over the size limit is cut off while it arrives and refused with its size."""
    temp = tmp_path / "upload-temp"
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    data = make_image_bytes("PNG", size=(600, 600), color=(1, 2, 3))
    data += b"\x00" * 300_000  # padding after IEND makes it large; the size check comes first
    settings.NEWSROOM_IMAGE_MAX_BYTES = 100_000
    response = upload(editor_client, data, name="big.png")
    assert response.status_code == 400
    message = response.json()["error"]["message"].replace("\xa0", " ")
    assert "images may be at most 97.7 KB" in message
    assert stored_files(media_storage) == []
    assert list(temp.iterdir()) == []


def test_missing_file_and_get_are_refused(editor_client):
    """A post without a file is a 400; any other method is a 405."""
    response = editor_client.post(UPLOAD_URL, {}, HTTP_X_CSRFTOKEN=editor_client.csrf_token)
    assert response.status_code == 400
    assert editor_client.get(UPLOAD_URL).status_code == 405


def test_file_browser_is_off_by_default(editor_client, settings):
    """The server-side file browser does not exist unless the setting turns it on."""
    settings.NEWSROOM_EDITOR_FILE_BROWSER = False
    assert editor_client.get("/admin/editor/browse/").status_code == 404
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    assert "BrowseUrl" not in page


def test_file_browser_when_turned_on(editor_client, settings):
    """With the setting on, writers see uploaded images; the callback number must be digits."""
    settings.NEWSROOM_EDITOR_FILE_BROWSER = True
    url = upload(editor_client, make_image_bytes()).json()["url"]
    page = editor_client.get("/admin/editor/browse/", {"CKEditorFuncNum": "3"})
    assert page.status_code == 200
    content = page.content.decode()
    assert f'data-url="{url}"' in content and 'data-func-num="3"' in content
    hostile = editor_client.get("/admin/editor/browse/", {"CKEditorFuncNum": "1);alert(1)//"})
    assert "alert" not in hostile.content.decode()
    assert "filebrowserImageBrowseUrl" in editor_client.get(
        "/admin/articles/article/add/"
    ).content.decode().replace("&quot;", '"')
    assert csrf_client(make_user(is_staff=True)).get("/admin/editor/browse/").status_code == 403


def test_editor_is_configured_for_the_hardened_upload(editor_client):
    """The widget posts to our upload view, over XHR, with the CSRF script loaded."""
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    config = json.loads(
        re.search(r'data-config="([^"]+)"', page)
        .group(1)
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert config["filebrowserImageUploadUrl"] == UPLOAD_URL
    assert config["imageUploadUrl"] == UPLOAD_URL
    assert config["filebrowserUploadMethod"] == "xhr"
    assert "filebrowserUploadUrl" not in config and "filebrowserBrowseUrl" not in config
    assert "js/editor-uploads" in page
    toolbar = [button for group in config["toolbar_Newsroom"] for button in group]
    assert "Source" not in toolbar
    assert "sourcearea" in config["removePlugins"]
    # role: only to mark a picture decorative (richtext/sanitize.py keeps "presentation").
    assert "img[!src,alt,width,height,role]" in config["allowedContent"]
    assert "style" not in config["allowedContent"] and "{" not in config["allowedContent"]
