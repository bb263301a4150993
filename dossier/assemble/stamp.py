"""Page-number and draft stamps, drawn straight into each page's content.

Convention (returned by :func:`page_number_convention` for the README):
every page of the dossier, cover included, carries ``Trang n/N`` in 8 pt
Times New Roman (Liberation Serif), bottom right, its baseline 9 mm above the
bottom edge and ending 12 mm from the right edge of the page *as displayed*,
on a small white box so it stays readable on scans. A page that already
carries a dossier number (a commune dossier inside the district's) keeps it,
since the inner contents refer to it; the outer number sits one line above. ``n`` is the page's
position in the PDF file (so it matches the viewer's page number, the
bookmarks and the contents) and ``N`` the file's page count; numbering never
restarts. Decree 30 documents number their own pages top-centre from page 2,
and their bottom margin is 20-25 mm, so the dossier number never meets a
document's own number or its text.

A draft (``DỰ THẢO``) is written diagonally across every page in light grey
(50 % grey at 25 % opacity) from one shared Form XObject.

How: one embedded font subset (shared by all pages; built by
:func:`~dossier.assemble.fontmerge.embed_type0_font`, the same code that
later merges it with the documents' own Liberation Serif), one shared ``q``
stream, and per page a small appended stream ``Q <matrix> cm ...``. The matrix
maps the displayed page (after /Rotate, inside CropBox ∩ MediaBox) to the
page's user space, so stamps are upright and in the corner a reader sees on
rotated, cropped or odd-sized pages. No page is re-parsed or merged, which
keeps stamping at thousands of pages per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..paths import FONTS_DIR
from .fontmerge import embed_type0_font, font_tag, load_face, subset_program

FONT_FILE = FONTS_DIR / "LiberationSerif-Regular.ttf"
FONT_RESOURCE = Name("/DossierStampFont")
DRAFT_RESOURCE = Name("/DossierDraft")
STAMP_TEXT = "Trang {page}/{total}"
DRAFT_TEXT = "DỰ THẢO"
_CHARS = "Trang 0123456789/" + DRAFT_TEXT

MM = 72 / 25.4
NUMBER_SIZE = 8.0  # pt
NUMBER_RIGHT = 12 * MM  # from the displayed right edge to the end of the text
NUMBER_BOTTOM = 9 * MM  # from the displayed bottom edge to the baseline
NESTED_LIFT = 12.0  # pt: the outer dossier's number sits one line above an inner dossier's
DRAFT_SIZE = 110.0  # pt, on an A4 page; scaled with the page
A4 = (595.276, 841.89)


def page_number_convention() -> str:
    """The numbering convention in one Vietnamese sentence (for the README and the contents)."""
    return (
        "Mọi trang của hồ sơ, kể cả bìa, được đánh số liên tục «Trang n/N» ở góc dưới bên phải "
        "(cỡ chữ 8, cách mép dưới 9 mm, cách mép phải 12 mm), n là thứ tự trang trong tệp PDF, "
        "N là tổng số trang; văn bản theo Nghị định 30/2020 tự đánh số ở giữa phía trên từ trang 2, "
        "nên hai số không bao giờ trùng chỗ."
    )


@dataclass(frozen=True)
class StampFont:
    """A Liberation Serif subset with the stamp characters, as a Type0 font."""

    font_bytes: bytes
    gids: dict[str, int]
    widths: dict[str, float]  # per 1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    tag: str

    def encode(self, text: str) -> bytes:
        return b"<" + "".join(f"{self.gids[c]:04X}" for c in text).encode("ascii") + b">"

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[c] for c in text) * size / 1000


def _stamp_glyphs() -> dict[int, tuple[int, int, str]]:
    """CID (= glyph id of the face) → (glyph id, width rounded to 1/1000 em, character)."""
    face = load_face(FONT_FILE)
    glyphs = {}
    for c in sorted(set(_CHARS)):
        gid = face.gid_of_char[ord(c)]
        glyphs[gid] = (gid, round(face.width(gid)), c)
    return glyphs


@lru_cache(maxsize=1)
def stamp_font() -> StampFont:
    face = load_face(FONT_FILE)
    glyphs = _stamp_glyphs()
    gids = {c: gid for gid, (_, _, c) in glyphs.items()}
    values = face.descriptor()
    return StampFont(
        font_bytes=subset_program(face, frozenset(gids.values()), True),  # hinted, as before the merge existed
        gids=gids,
        widths={c: face.width(gid) for c, gid in gids.items()},
        bbox=tuple(values["FontBBox"]),  # type: ignore[arg-type]
        ascent=values["Ascent"],
        descent=values["Descent"],
        cap_height=values["CapHeight"],
        tag=font_tag(face, glyphs),
    )


def embed_stamp_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the stamp font to ``pdf`` once; return the indirect font object."""
    font = stamp_font()
    return embed_type0_font(pdf, load_face(FONT_FILE), _stamp_glyphs(), hinting=True, tag=font.tag)


def _draft_xobject(pdf: pikepdf.Pdf, font_obj: pikepdf.Object) -> pikepdf.Object:
    """``DỰ THẢO`` diagonally across an A4-sized box, light grey, translucent."""
    font = stamp_font()
    w, h = A4
    angle = math.atan2(h, w)
    width = font.width(DRAFT_TEXT, DRAFT_SIZE)
    cos, sin = math.cos(angle), math.sin(angle)
    # centre the text's box (width x cap height) on the page centre
    cx, cy = w / 2, h / 2
    dx, dy = -width / 2, -font.cap_height * DRAFT_SIZE / 2000
    tx = cx + dx * cos - dy * sin
    ty = cy + dx * sin + dy * cos
    content = (
        f"q /DossierGS gs 0.5 g BT /F {DRAFT_SIZE:.1f} Tf "
        f"{cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {tx:.2f} {ty:.2f} Tm "
    ).encode() + font.encode(DRAFT_TEXT) + b" Tj ET Q"
    return pdf.make_indirect(pikepdf.Stream(pdf, content, Dictionary(
        Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, w, h]),
        Resources=Dictionary(
            Font=Dictionary(F=font_obj),
            ExtGState=Dictionary(DossierGS=Dictionary(Type=Name.ExtGState, ca=0.25, CA=0.25)),
        ),
    )))


def _box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The visible box (CropBox ∩ MediaBox), normalised to x0 < x1, y0 < y1."""
    def norm(box: pikepdf.Object) -> tuple[float, float, float, float]:
        a, b, c, d = (float(v) for v in box)
        return min(a, c), min(b, d), max(a, c), max(b, d)

    media = norm(page.mediabox)
    crop = norm(page.cropbox) if "/CropBox" in page.obj or page._get_inherited("/CropBox") is not None else media
    box = max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3])
    return box if box[2] > box[0] and box[3] > box[1] else media


def display_matrix(page: pikepdf.Page) -> tuple[tuple[float, ...], float, float]:
    """(matrix display→user space, displayed width, displayed height) of a page.

    Display space has its origin at the bottom-left corner of the page as a
    viewer shows it (after /Rotate), x to the right and y up.
    """
    x0, y0, x1, y1 = _box(page)
    w, h = x1 - x0, y1 - y0
    rotate = int(page.obj.get("/Rotate", page._get_inherited("/Rotate") or 0)) % 360
    if rotate == 90:
        return (0, 1, -1, 0, x1, y0), h, w
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1), w, h
    if rotate == 270:
        return (0, -1, 1, 0, x0, y1), h, w
    return (1, 0, 0, 1, x0, y0), w, h


def _resources(page: pikepdf.Page) -> pikepdf.Dictionary:
    resources = page.obj.get("/Resources")
    if resources is None:
        inherited = page._get_inherited("/Resources")
        resources = inherited if inherited is not None else Dictionary()
        page.obj.Resources = resources
    return resources


class Stamper:
    """Stamps pages of one PDF; fonts and XObjects are added once and shared."""

    def __init__(self, pdf: pikepdf.Pdf, *, draft: bool = False) -> None:
        self.pdf = pdf
        self.font = stamp_font()
        self.font_obj = embed_stamp_font(pdf)
        self.draft_obj = _draft_xobject(pdf, self.font_obj) if draft else None
        self.save_state = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))

    def stamp(self, page: pikepdf.Page, number: int, total: int, *, level: int = 0, numbers: bool = True) -> None:
        """Stamp one page; ``level`` > 0 lifts the number above an inner dossier's own stamp;
        ``numbers=False`` draws only the draft watermark (a single document's preview)."""
        matrix, width, height = display_matrix(page)
        ops = [b"\nQ q ", " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in matrix).encode(), b" cm\n"]
        if self.draft_obj is not None:
            scale = min(width / A4[0], height / A4[1])
            ox, oy = (width - A4[0] * scale) / 2, (height - A4[1] * scale) / 2
            ops.append(f"q {scale:.5f} 0 0 {scale:.5f} {ox:.2f} {oy:.2f} cm /DossierDraft Do Q\n".encode())
        if not numbers:
            ops.append(b"Q\n")
            self._attach(page, b"".join(ops), with_font=False)
            return
        text = STAMP_TEXT.format(page=number, total=total)
        size = NUMBER_SIZE
        text_width = self.font.width(text, size)
        right = min(NUMBER_RIGHT, width * 0.1)
        bottom = min(NUMBER_BOTTOM, height * 0.1) + level * NESTED_LIFT
        x, y = width - right - text_width, bottom
        pad = 1.5
        ops.append(
            f"1 g {x - pad:.2f} {y - 2.5:.2f} {text_width + 2 * pad:.2f} {size + 2:.2f} re f\n"
            f"0 g BT {font_name(level)} {size:g} Tf {x:.2f} {y:.2f} Td ".encode()
            + self.font.encode(text) + b" Tj ET Q\n"
        )
        self._attach(page, b"".join(ops), font=font_name(level))

    def _attach(self, page: pikepdf.Page, stream: bytes, *, font: Name | None = FONT_RESOURCE,
                with_font: bool = True) -> None:
        """Add the shared resources and wrap the page's content: ``q`` original ``Q`` stamp."""
        resources = _resources(page)
        if with_font and font is not None:  # the font also marks the page as numbered (see already_stamped)
            fonts = resources.get("/Font")
            if fonts is None:
                resources.Font = fonts = Dictionary()
            fonts[font] = self.font_obj
        if self.draft_obj is not None:
            xobjects = resources.get("/XObject")
            if xobjects is None:
                resources.XObject = xobjects = Dictionary()
            xobjects[DRAFT_RESOURCE] = self.draft_obj
        contents = page.obj.get("/Contents")
        if contents is None:
            parts = Array()
        elif isinstance(contents, pikepdf.Array):
            parts = Array(list(contents))
        else:
            parts = Array([contents])
        parts.insert(0, self.save_state)
        parts.append(self.pdf.make_indirect(pikepdf.Stream(self.pdf, stream)))
        page.obj.Contents = parts


def font_name(level: int) -> Name:
    """The stamp font's resource name on a page: an inner dossier's stamp keeps its own
    font (after the inner font merge its codes are that font's, not the new stamp's)."""
    return FONT_RESOURCE if level == 0 else Name(f"{FONT_RESOURCE}{level}")


def unstamp(page: pikepdf.Page) -> int:
    """Take the dossier stamps (numbers, draft mark) off ``page``; return how many layers.

    A stamped page's content is ``[q, original…, stamp]`` (see ``Stamper._attach``);
    a nested dossier's pages carry two such layers. Used by ``dossier check`` to
    check each document of a dossier as it was before assembly.
    """
    layers = 0
    while True:
        contents = page.obj.get("/Contents")
        if not isinstance(contents, pikepdf.Array) or len(contents) < 3:
            return layers
        first, last = contents[0].read_bytes().strip(), contents[-1].read_bytes().lstrip()
        # (the font merge may rewrite the stamp stream: same operators, other spacing)
        if first != b"q" or not (last.startswith(b"Q") and last[1:2].isspace()) or \
                (str(FONT_RESOURCE).encode() not in last and str(DRAFT_RESOURCE).encode() not in last):  # level n too
            return layers
        page.obj.Contents = Array(list(contents)[1:-1])
        layers += 1


def stamp_level(page: pikepdf.Page) -> int:
    """How many dossier stamps the page already carries (a commune dossier inside a
    district one: 1; that district dossier inside another: 2)."""
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(fonts, pikepdf.Dictionary):
        return 0
    level = 0
    while font_name(level) in fonts:
        level += 1
    return level


def already_stamped(page: pikepdf.Page) -> bool:
    """Whether the page carries a dossier stamp (a commune dossier inside a district one)."""
    return stamp_level(page) > 0


def stamp_pages(pdf: pikepdf.Pdf, *, draft: bool = False, first: int = 1, numbers: bool = True) -> int:
    """Stamp ``Trang n/N`` (and ``DỰ THẢO`` when ``draft``) on every page; return N.

    ``numbers=False`` with ``draft=True`` draws only the watermark (previews).

    Pages that already carry a dossier number (an inner dossier, whose own
    contents refer to it) keep it; the new number goes one line above.
    """
    total = len(pdf.pages)
    nested = [stamp_level(page) for page in pdf.pages]  # before any shared resources change
    stamper = Stamper(pdf, draft=draft)
    for index, page in enumerate(pdf.pages):
        stamper.stamp(page, first + index, total + first - 1, level=nested[index], numbers=numbers)
    return total
