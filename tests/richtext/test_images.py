"""Checking and re-encoding uploaded images (articles/images.py)."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from richtext.images import clean_image
from tests.factories import make_image_bytes, make_phone_photo, make_upload


def refusal(data, name="upload.jpg"):
    with pytest.raises(ValidationError) as caught:
        clean_image(make_upload(data, name=name))
    return caught.value


def png_chunk(kind, payload):
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_claiming(width, height):
    """A tiny PNG whose header claims ``width`` × ``height`` pixels: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def test_phone_photo_loses_gps_and_camera_data():
    """A phone photo's GPS position, camera make and every EXIF tag are gone after cleaning."""
    original = Image.open(io.BytesIO(make_phone_photo()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has a position
    clean = clean_image(make_upload(make_phone_photo()))
    stored = Image.open(io.BytesIO(clean.content))
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"Exif" not in clean.content and b"ExamplePhone" not in clean.content
    assert "exif" not in stored.info and "icc_profile" not in stored.info


def test_phone_photo_is_turned_upright():
    """The EXIF orientation is applied to the pixels, since the tag itself is dropped."""
    clean = clean_image(make_upload(make_phone_photo(size=(1600, 1200))))
    assert (clean.width, clean.height) == (1200, 1600)
    assert Image.open(io.BytesIO(clean.content)).size == (1200, 1600)


@pytest.mark.parametrize(
    ("fmt", "mode", "extension"),
    [("JPEG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("GIF", "P", "gif"), ("WEBP", "RGB", "webp")],
)
def test_the_four_formats_are_accepted_and_reencoded(fmt, mode, extension):
    """JPEG, PNG, GIF and WebP are accepted; the stored bytes are a new encoding."""
    color = (10, 20, 30, 128) if mode == "RGBA" else (10, 20, 30) if mode == "RGB" else 5
    original = make_image_bytes(fmt, size=(300, 200), color=color, mode=mode)
    clean = clean_image(make_upload(original, name=f"x.{extension}"))
    assert clean.format == fmt
    assert clean.extension == extension
    assert (clean.width, clean.height) == (300, 200)
    assert Image.open(io.BytesIO(clean.content)).format == fmt


def test_format_is_judged_by_content_not_name():
    """A PNG named .jpg is stored as .png; the random name does not keep the upload's name."""
    clean = clean_image(make_upload(make_image_bytes("PNG"), name="holiday.jpg"))
    upload = clean.as_file()
    assert clean.format == "PNG"
    assert upload.name.endswith(".png")
    assert "holiday" not in upload.name
    assert len(upload.name) == len("0" * 32 + ".png")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg"),
        (b"<html><body><script>alert(1)</script></body></html>", "x.html"),
        (b"<script>alert(document.cookie)</script>", "innocent.jpg"),
        (make_image_bytes("BMP"), "x.bmp"),
        (make_image_bytes("TIFF"), "x.tiff"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "x.jpg"),
        (b"", "empty.jpg"),
    ],
)
def test_other_files_are_refused(data, name):
    """SVG, HTML, BMP, TIFF, PDF and empty files are refused whatever they are called."""
    error = refusal(data, name)
    assert error.messages and error.messages[0]


def test_truncated_image_is_refused():
    """A photo cut short is refused, not padded out with grey."""
    data = make_image_bytes("JPEG", size=(800, 600))
    error = refusal(data[: len(data) // 2])
    assert error.code == "invalid"
    assert "damaged or cut short" in error.messages[0]


def test_corrupt_image_is_refused():
    """Garbage after a valid header is refused with the same clear message."""
    data = bytearray(make_image_bytes("PNG", size=(200, 200)))
    data[60:200] = b"\xff" * 140
    assert refusal(bytes(data), "x.png").code == "invalid"


def test_decompression_bomb_is_refused_before_decoding(settings):
    """A small file that decodes to more pixels than allowed is refused from its header."""
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 40_000_000
    bomb = make_image_bytes("PNG", size=(8000, 8000), mode="1", color=0)
    assert len(bomb) < 100_000  # tiny on disk, 64 megapixels decoded
    error = refusal(bomb, "bomb.png")
    assert error.code == "too_many_pixels"
    assert "40 megapixels" in error.messages[0]


def test_huge_crafted_header_is_refused():
    """A header claiming 60000 × 60000 pixels (beyond Pillow's own limit) is refused cleanly."""
    error = refusal(png_claiming(60000, 60000), "bomb.png")
    assert error.code == "too_many_pixels"


def test_pixel_limit_comes_from_settings(settings):
    """The pixel limit is a setting: a small one refuses a picture a large one accepts."""
    data = make_image_bytes("JPEG", size=(1000, 1000))
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 999_999
    assert refusal(data).code == "too_many_pixels"
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 1_000_000
    assert clean_image(make_upload(data)).width == 1000


def test_size_limit_comes_from_settings(settings):
    """Files over NEWSROOM_IMAGE_MAX_BYTES are refused with both sizes in the message."""
    data = make_image_bytes("PNG", size=(400, 400))
    settings.NEWSROOM_IMAGE_MAX_BYTES = len(data) - 1
    error = refusal(data, "x.png")
    assert error.code == "too_large"
    assert "at most" in error.messages[0]
    settings.NEWSROOM_IMAGE_MAX_BYTES = len(data)
    assert clean_image(make_upload(data, name="x.png")).format == "PNG"


@pytest.mark.parametrize(
    "tail",
    [b"<script>alert(1)</script>", b"<html><body onload=alert(1)>", b"<?php system($_GET[c]); ?>"],
)
def test_polyglots_are_refused(tail):
    """A real picture that also carries HTML, script or PHP is refused."""
    error = refusal(make_image_bytes("JPEG", size=(300, 200)) + tail)
    assert error.code == "polyglot"


def test_markup_inside_metadata_is_refused():
    """Script hidden in a JPEG comment makes the file a polyglot too."""
    data = make_image_bytes("JPEG", size=(300, 200), comment=b"<script>alert(1)</script>")
    assert refusal(data).code == "polyglot"


def test_data_after_the_end_of_a_png_is_refused():
    """A PNG with a ZIP (or anything) appended after IEND is refused."""
    data = make_image_bytes("PNG", size=(50, 50)) + b"PK\x03\x04" + b"\x00" * 64 + b"zipped"
    assert refusal(data, "x.png").code == "polyglot"


def test_animated_gif_keeps_its_first_frame():
    """Only the first frame of an animation is kept (and decoded)."""
    frames = [Image.new("P", (64, 48), color) for color in (1, 2, 3)]
    output = io.BytesIO()
    frames[0].save(output, format="GIF", save_all=True, append_images=frames[1:])
    clean = clean_image(make_upload(output.getvalue(), name="a.gif"))
    stored = Image.open(io.BytesIO(clean.content))
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.size == (64, 48)


def test_cmyk_jpeg_becomes_rgb():
    """Print-ready CMYK JPEGs are converted to RGB, which every browser shows."""
    clean = clean_image(make_upload(make_image_bytes("JPEG", mode="CMYK", color=(0, 50, 100, 0))))
    assert Image.open(io.BytesIO(clean.content)).mode == "RGB"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Minutes of the district meeting, 3 May.\n" * 20, "minutes.jpg"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "notice.jpg"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "report.png"),
        (b"", "empty.jpg"),
    ],
    ids=["text", "pdf", "office document", "empty"],
)
def test_a_file_that_is_no_image_at_all_is_called_so(data, name):
    """Text, a PDF, a document or nothing at all: "This file is not an image", not "damaged"."""
    error = refusal(data, name)
    assert error.code == "not_an_image"
    assert error.messages[0].startswith("This file is not an image")
    assert "damaged" not in error.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("keep", [24, 0.5], ids=["header only", "half"])
def test_a_damaged_picture_is_still_called_damaged(fmt, keep):
    """A real picture cut short, even to its first bytes, is damaged, not "not an image"."""
    data = make_image_bytes(fmt, size=(400, 300))
    cut = data[: keep if isinstance(keep, int) else int(len(data) * keep)]
    error = refusal(cut, f"photo.{fmt.lower()}")
    assert error.code == "invalid"
    assert "damaged or cut short" in error.messages[0]


def test_not_an_image_is_said_in_chinese():
    """The message is translated."""
    from django.utils import translation

    with translation.override("zh-hans"):
        error = refusal(b"just some text", "note.jpg")
    assert "不是图片" in error.messages[0]
