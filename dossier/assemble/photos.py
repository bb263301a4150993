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


def normalise_photo(source: Source) -> bytes:
    """The photo upright (EXIF orientation), at most ~200 dpi where placed,
    as a baseline JPEG without EXIF/GPS data (PNG kept for transparency/line art)."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source.path) as img:
                fmt = img.format
                img = ImageOps.exif_transpose(img)
                limit = (round(PLACED_WIDTH_IN * TARGET_DPI), round(PLACED_HEIGHT_IN * TARGET_DPI))
                if img.width > limit[0] or img.height > limit[1]:
                    img.thumbnail(limit, Image.Resampling.LANCZOS)
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
