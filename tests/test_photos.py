"""Annex photos (dossier.assemble.photos.normalise_photo): a large phone photo stored
sideways comes out upright, within the size placed on the page, without its EXIF data,
the same picture as when it was decoded whole, and decoded at a reduced scale."""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat
from PIL.JpegImagePlugin import JpegImageFile

from dossier.assemble import photos
from dossier.assemble.spec import Source

LIMIT = (round(photos.PLACED_WIDTH_IN * photos.TARGET_DPI), round(photos.PLACED_HEIGHT_IN * photos.TARGET_DPI))


def phone_photo(path, orientation: int) -> None:
    """4000 x 3000 as a phone stores it, a red mark in the stored top-left corner."""
    img = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    ImageDraw.Draw(img).rectangle((0, 0, 400, 300), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[photos.ORIENTATION] = orientation
    img.save(path, "JPEG", quality=90, exif=exif)


def decoded_whole(path) -> Image.Image:
    """The picture upright first, then scaled: what normalise_photo gave before."""
    with Image.open(path) as img:
        upright = ImageOps.exif_transpose(img)
        upright.thumbnail(LIMIT, Image.Resampling.LANCZOS)
        return upright.convert("RGB")


def test_a_large_photo_is_upright_small_and_the_same_picture(tmp_path, monkeypatch):
    drafts = []
    real = JpegImageFile.draft
    def draft(self, mode, size):
        scaled = real(self, mode, size)
        drafts.append(scaled)  # None: decoded whole
        return scaled

    monkeypatch.setattr(JpegImageFile, "draft", draft)
    for orientation in (1, 6, 8, 3):
        path = tmp_path / f"anh-{orientation}.jpg"
        phone_photo(path, orientation)
        out = Image.open(io.BytesIO(photos.normalise_photo(Source(path))))
        reference = decoded_whole(path)
        assert out.format == "JPEG" and not out.getexif()
        assert out.width <= LIMIT[0] and out.height <= LIMIT[1]
        assert abs(out.width - reference.width) <= 1 and abs(out.height - reference.height) <= 1
        if orientation in (6, 8):
            assert out.height > out.width  # a landscape sensor image turned upright
        same = out.resize(reference.size) if out.size != reference.size else out
        assert max(ImageStat.Stat(ImageChops.difference(same, reference)).mean) < 2
    assert len(drafts) == 4 and all(scaled is not None for scaled in drafts)  # each decoded at a reduced scale


def test_a_photo_within_the_size_placed_is_not_resized(tmp_path):
    path = tmp_path / "nho.jpg"
    Image.linear_gradient("L").resize((800, 600)).convert("RGB").save(path, "JPEG", quality=90)
    out = Image.open(io.BytesIO(photos.normalise_photo(Source(path))))
    assert out.size == (800, 600)
