"""
Pictures for the demo stories, drawn with Pillow: nothing is downloaded.

Each scene is a simple flat illustration (sky, land, a few shapes), deterministic for a given
name, encoded as a JPEG that then goes through the same upload checks as an editor's photo.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1800, 1125)


def _sky(draw, size, top, bottom):
    width, height = size
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )


def _river(rng):
    """The Haihe at dusk: a skyline, its reflection and a bridge."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    horizon = int(height * 0.62)
    _sky(draw, (width, horizon), (32, 54, 104), (246, 170, 112))
    draw.ellipse(
        [width * 0.68, horizon - 260, width * 0.68 + 170, horizon - 90], fill=(255, 214, 150)
    )
    x = 0
    while x < width:
        w = rng.randint(50, 140)
        h = rng.randint(90, 420)
        shade = rng.randint(28, 60)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(shade, shade + 8, shade + 30))
        for wy in range(horizon - h + 16, horizon - 10, 26):
            for wx in range(x + 10, x + w - 12, 22):
                if rng.random() < 0.35:
                    draw.rectangle([wx, wy, wx + 8, wy + 12], fill=(255, 220, 140))
        x += w + rng.randint(0, 18)
    water = image.crop((0, horizon - (height - horizon), width, horizon))
    water = water.transpose(Image.Transpose.FLIP_TOP_BOTTOM).filter(ImageFilter.GaussianBlur(6))
    water = Image.blend(water, Image.new("RGB", water.size, (20, 40, 80)), 0.45)
    image.paste(water, (0, horizon))
    deck = horizon + 70
    draw.rectangle([0, deck, width, deck + 26], fill=(60, 60, 70))
    for px in range(120, width, 300):
        draw.arc(
            [px - 150, deck - 120, px + 150, deck + 120], 180, 360, fill=(90, 90, 100), width=10
        )
    return image


def _trail(rng):
    """Mountains in Jizhou: ridges, pines and a path."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    _sky(draw, SIZE, (120, 180, 230), (225, 238, 245))
    for layer, colour in enumerate([(150, 170, 185), (98, 130, 120), (62, 98, 70)]):
        base = int(height * (0.45 + layer * 0.15))
        points = [(0, height)]
        for x in range(0, width + 60, 60):
            points.append((x, base - rng.randint(40, 220 - layer * 50)))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    for _ in range(70):
        x, y = rng.randint(0, width), rng.randint(int(height * 0.72), height)
        h = rng.randint(40, 110)
        draw.polygon([(x, y - h), (x - h // 3, y), (x + h // 3, y)], fill=(34, 70, 44))
    draw.line(
        [(width * 0.5, height), (width * 0.56, height * 0.86), (width * 0.47, height * 0.76)],
        fill=(196, 170, 120),
        width=26,
        joint="curve",
    )
    return image


SCENES = {"river": _river, "trail": _trail}


def draw(scene):
    """JPEG bytes of the named scene; the same picture every time."""
    image = SCENES[scene](random.Random(scene))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=90)
    return output.getvalue()
