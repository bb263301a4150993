"""Photos on A4 pages: EXIF orientation applied, downscaled, metadata stripped,
one photo per page with its Vietnamese caption (templates/html/photos.html)."""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Sequence

from PIL import Image, ImageOps

from ..errors import Problem, input_error
from ..render.html import render_html_bytes
from .probe import MAX_IMAGE_PIXELS
from .spec import Source

PLACED_WIDTH_IN = 165 / 25.4  # the photo box in photos.html: 165 x 205 mm
PLACED_HEIGHT_IN = 205 / 25.4
TARGET_DPI = 200
JPEG_QUALITY = 82
ORIENTATION = 0x0112  # the EXIF tag


def normalise_photo(source: Source) -> bytes:
    """The photo upright (EXIF orientation), at most ~200 dpi where placed,
    as a baseline JPEG without EXIF/GPS data (PNG kept for transparency/line art)."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source.path) as img:
                fmt = img.format
                limit = (round(PLACED_WIDTH_IN * TARGET_DPI), round(PLACED_HEIGHT_IN * TARGET_DPI))
                if img.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):  # stored sideways
                    limit = limit[::-1]
                if img.width > limit[0] or img.height > limit[1]:
                    # before turning it upright, so a JPEG is decoded at 1/2, 1/4 or 1/8 of its size
                    # where that is still at least the size placed (Pillow's draft mode), then
                    # resampled with Lanczos: 3-4 times faster for a phone photo than decoding it whole
                    img.thumbnail(limit, Image.Resampling.LANCZOS, reducing_gap=1.0)
                img = ImageOps.exif_transpose(img)
                out = io.BytesIO()
                if fmt == "PNG" and img.mode in ("RGBA", "LA", "P", "1", "L"):
                    img.save(out, "PNG", optimize=True)
                    return out.getvalue()
                img.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
                return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise input_error(
            "Không đọc được ảnh minh họa.", [Problem(str(source.path), f"ảnh bị hỏng ({str(exc)[:100]})")]
        ) from None


def photos_pdf(title: str, sources: Sequence[Source], *, epoch: int) -> bytes:
    """One A4 page per photo, captioned; the part title above the first photo."""
    photos = []
    for source in sources:
        data = normalise_photo(source)
        mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
        photos.append({"src": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}",
                       "caption": source.display_title()})
    return render_html_bytes("photos", {"title": title, "photos": photos}, source_date_epoch=epoch).pdf
