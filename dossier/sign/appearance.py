"""What a signature looks like on the page, as Decree 30/2020 (Appendix I) says:

* the signer (``nguoi-ky``): the image of the handwritten signature (blue,
  transparent PNG) centred between the title and the name;
* the organisation (``van-thu``): the image of the seal (red, real size,
  transparent PNG) over the left third of the signature image;
* an appendix sent as its own file (``phu-luc``) or an electronic copy
  (``ban-sao``): no image, a text at the top right of page 1 — the number and
  symbol (or the form of the copy and the copying body) and the signing time in
  ISO 8601 with the Vietnam offset — Times New Roman 10 pt, upright, black.

Text is drawn with the shipped Liberation Serif (metric-compatible with Times
New Roman). pyHanko writes glyph widths in font units where PDF expects
thousandths of an em, so a font whose unitsPerEm is not 1000 (Liberation's is
2048) would be drawn spread out: the face is rescaled to 1000 units once and
cached."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, input_error
from ..layout.metrics import PT_PER_MM
from ..paths import FONTS_DIR
from .policy import iso_vn

INFO_FONT_PT = 10  # Decree 30: appendix/copy information, Times New Roman 10 pt
SEAL_RANGE_MM = (15.0, 60.0)  # a DPI implying a size outside this is not the real size
SEAL_DEFAULT_MM = 36.0  # a commune People's Committee seal is about 35-36 mm across
INFO_BOX_MM = (80.0, 13.0)  # three 10 pt lines  # width, height of the top-right information box


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "dossier" / "fonts"


@functools.cache
def font_1000(face: str = "Regular") -> str:
    """Path to the shipped Liberation Serif ``face`` rescaled to 1000 units per em (cached on disk)."""
    source = FONTS_DIR / f"LiberationSerif-{face}.ttf"
    data = source.read_bytes()
    target = _cache_dir() / f"LiberationSerif-{face}-{hashlib.sha256(data).hexdigest()[:16]}-upm1000-v2.ttf"
    if not target.is_file():
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        from ..files import atomic_path

        font = TTFont(source)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        for table in ("FFTM", "DSIG"):  # tables the subsetter cannot carry (it warns, then drops them)
            if table in font:
                del font[table]
        try:
            with atomic_path(target) as tmp:
                font.save(str(tmp))
        except OSError:  # no writable cache (read-only home): keep it for this process only
            import tempfile

            target = Path(tempfile.mkdtemp(prefix="dossier-fonts-")) / target.name
            font.save(str(target))
    return str(target)


@dataclass(frozen=True)
class Picture:
    """A transparent PNG (signature or seal), checked once."""

    path: Path
    image: object  # PIL.Image.Image, RGBA
    dpi: float | None

    @property
    def aspect(self) -> tuple[float, float]:
        return float(self.image.width), float(self.image.height)

    def real_size_pt(self, default_mm: float) -> tuple[float, float]:
        """The printed size the PNG says (its DPI), else ``default_mm`` across its longer side."""
        w, h = self.aspect
        if self.dpi:
            said_mm = max(w, h) / self.dpi * 25.4
            if SEAL_RANGE_MM[0] <= said_mm <= SEAL_RANGE_MM[1]:  # 72 dpi "by default" would say 35 cm
                return w / self.dpi * 72, h / self.dpi * 72
        scale = default_mm * PT_PER_MM / max(w, h)
        return w * scale, h * scale


def load_picture(path: Path, what: str) -> Picture:
    """Open ``path``; refuse anything but a PNG with transparent pixels (Decree 30).
    An unchanged file is decoded once per process: a batch signs every document with
    the same signature and seal images."""
    try:
        st = os.stat(path)
    except OSError:
        return _decode(str(path), what)  # says the file is missing or unreadable
    return _decoded(str(path), st.st_mtime_ns, st.st_size, what)


@functools.lru_cache(maxsize=16)
def _decoded(path: str, mtime_ns: int, size: int, what: str) -> Picture:
    return _decode(path, what)  # a refusal raises, so it is never kept


def _decode(path: str, what: str) -> Picture:
    from PIL import Image, UnidentifiedImageError

    where = str(path)
    try:
        with Image.open(path) as img:
            fmt = img.format
            img.load()
            dpi = img.info.get("dpi")
            rgba = img.convert("RGBA") if fmt == "PNG" else None
            has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    except FileNotFoundError:
        raise input_error(f"Không tìm thấy tệp ảnh {what}.", [Problem(where, "tệp không tồn tại")]) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise input_error(f"Tệp ảnh {what} không đọc được.", [Problem(where, str(exc))]) from None
    hint = "Nghị định 30/2020 yêu cầu ảnh định dạng PNG nền trong suốt."
    if fmt != "PNG":
        raise input_error(f"Ảnh {what} phải là tệp PNG nền trong suốt.", [Problem(where, f"tệp định dạng {fmt}")],
                          hint=hint)
    alpha = rgba.getchannel("A")
    if not has_alpha or alpha.getextrema()[0] == 255:
        raise input_error(f"Ảnh {what} không có nền trong suốt.", [Problem(where, "mọi điểm ảnh đều đặc")], hint=hint)
    if alpha.getextrema()[1] == 0:
        raise input_error(f"Ảnh {what} trong suốt hoàn toàn (không có hình).", [Problem(where, "ảnh rỗng")])
    bbox = alpha.getbbox()
    if bbox and bbox != (0, 0, rgba.width, rgba.height):
        rgba = rgba.crop(bbox)  # the box is the drawing, not its empty margin
    return Picture(Path(path), rgba, float(dpi[0]) if dpi else None)


def image_style(picture: Picture):
    """An appearance that is only ``picture``, filling the widget (whose box has its aspect)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(
        background=PdfImage(picture.image),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT),
    )


def _text_box_style(size: int, face: str = "Regular", leading: int | None = None):
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    return TextBoxStyle(
        font=GlyphAccumulatorFactory(font_1000(face), font_size=size),
        font_size=size,
        leading=leading or round(size * 1.2),
        text_color=(0, 0, 0),
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.NO_SCALING),
    )


def _info_style_class():
    from pyhanko.stamp import TextStampStyle

    @dataclass(frozen=True)
    class InfoStampStyle(TextStampStyle):
        """Lines of text, the last being the signing time in ISO 8601, Vietnam time."""

        timestamp_format: str = "%Y-%m-%dT%H:%M:%S%z"

        def create_stamp(self, writer, box, text_params):
            params = dict(text_params)
            ts = params.get("ts")
            if ts:  # pyHanko formats the signing time in the machine's zone: say it in Vietnam time
                params["ts"] = iso_vn(_dt.datetime.strptime(ts, self.timestamp_format))
            return super().create_stamp(writer, box, params)

    return InfoStampStyle


def info_style(lines: list[str]):
    """Decree 30's top-right information for appendices and copies: ``lines`` then the signing time."""
    from pyhanko.pdf_utils import layout

    text = "\n".join([*(s.replace("%", "%%") for s in lines), "%(ts)s"])
    return _info_style_class()(
        stamp_text=text,
        text_box_style=_text_box_style(INFO_FONT_PT),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
    )


def info_box_size() -> tuple[float, float]:
    return INFO_BOX_MM[0] * PT_PER_MM, INFO_BOX_MM[1] * PT_PER_MM


def text_xobject(writer, text: str, width: float, height: float, size: float, italic: bool = False,
                 right: bool = False):
    """A form XObject drawing ``text`` centred (or against the right edge) in a
    ``width`` × ``height`` box: a filled-in field."""
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import TextStampStyle

    style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=_text_box_style(round(size), "Italic" if italic else "Regular", leading=round(size)),
        border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX if right else layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0), inner_content_scaling=layout.InnerScaling.NO_SCALING),
    )
    stamp = style.create_stamp(writer, layout.BoxConstraints(width=width, height=height), {})
    return stamp.as_form_xobject()
