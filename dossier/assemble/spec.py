"""What a dossier build is asked to do: :class:`DossierSpec` and its parts."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Source:
    """One source file of a part.

    ``path``: a PDF (a document converted from DOCX, or an annex) or a
    JPEG/PNG photo. ``title``: Vietnamese title of the bookmark nested under
    the part and of the contents line (for an annex), or the caption (for a
    photo); when absent it is made from the file name.
    """

    path: Path
    title: str | None = None

    @classmethod
    def of(cls, value: str | os.PathLike[str] | Source) -> Source:
        if isinstance(value, Source):
            return value
        return cls(Path(value))

    def display_title(self) -> str:
        if self.title:
            return _nfc(self.title)
        stem = _nfc(self.path.stem).replace("_", " ").replace("-", " ").strip()
        return stem[:1].upper() + stem[1:]


@dataclass(frozen=True)
class Cover:
    """The cover page.

    ``title``: the dossier title, Vietnamese, may contain line breaks
    (e.g. "ĐỀ NGHỊ XÉT, CÔNG NHẬN XÃ SƠN BÌNH\\nĐẠT CHUẨN NÔNG THÔN MỚI NĂM 2024").
    ``year``: shown at the foot of the cover. ``agencies``: the issuing
    agency lines from the superior down to the issuer (e.g. ["ỦY BAN NHÂN DÂN
    HUYỆN TAM ĐƯỜNG", "ỦY BAN NHÂN DÂN XÃ SƠN BÌNH"]), any number, even none.
    ``commune`` / ``district`` / ``province``: unit names with their type
    ("xã Sơn Bình", "huyện Tam Đường", "tỉnh Lai Châu"); each may be absent,
    the address line is made of those present (hierarchy is data). ``place``:
    the place name at the foot ("Sơn Bình, năm 2024"); defaults to the lowest
    unit. ``label``: the large word above the title. ``subtitle``: optional.
    """

    title: str
    year: int
    agencies: Sequence[str] = ()
    commune: str | None = None
    district: str | None = None
    province: str | None = None
    place: str | None = None
    label: str = "HỒ SƠ"
    subtitle: str | None = None

    def __post_init__(self) -> None:  # everything shown is NFC, whatever the input was
        for name in ("title", "commune", "district", "province", "place", "label", "subtitle"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, _nfc(value))
        object.__setattr__(self, "agencies", tuple(_nfc(a) for a in self.agencies))

    def units(self) -> list[str]:
        return [_nfc(u) for u in (self.commune, self.district, self.province) if u]

    def address(self) -> str:
        units = self.units()
        if not units:
            return ""
        text = ", ".join(units)
        return text[:1].upper() + text[1:]

    def place_year(self) -> str:
        place = self.place
        if place is None and self.units():
            first = self.units()[0]
            place = first.split(" ", 1)[1] if " " in first else first
        return f"{_nfc(place)}, năm {self.year}" if place else f"Năm {self.year}"


@dataclass
class DossierSpec:
    """Everything :func:`~dossier.assemble.assemble_dossier` needs.

    ``kind``: a dossier kind name (``available_kinds()``), e.g. ``"xa-ntm"``.
    ``cover``: the cover data (:class:`Cover`).
    ``sources``: part key → list of source files in order (paths or
    :class:`Source`); the first file of a ``document`` part is the document,
    the following ones are its annexes (nested bookmarks and contents lines);
    keys must be parts of the kind.
    ``output``: the dossier PDF to write (``build/son-binh/ho-so.pdf``); the
    manifest goes beside it as ``manifest.json``.
    ``draft``: build even when parts are missing; missing parts are marked
    "(còn thiếu)" in the contents and every page is stamped "DỰ THẢO".
    ``source_date_epoch``: the date written in the PDF (CreationDate,
    ModDate); ``None`` takes ``SOURCE_DATE_EPOCH`` from the environment, else
    1 January of the cover's year — never the clock.
    ``author`` / ``subject`` / ``keywords``: PDF metadata; the author defaults
    to the last agency line, the subject to the kind's title.
    ``separators``: put a title page before each part (off by default).
    ``lock_timeout``: seconds to wait for another build of the same folder.
    """

    kind: str
    cover: Cover
    sources: Mapping[str, Sequence[str | os.PathLike[str] | Source]]
    output: Path
    draft: bool = False
    source_date_epoch: int | None = None
    author: str | None = None
    subject: str | None = None
    keywords: Sequence[str] = ()
    separators: bool = False
    lock_timeout: float = 120.0
    dedupe: bool = True  # merge identical fonts/images (off only to measure the gain)
    extra: dict[str, str] = field(default_factory=dict)  # more metadata, shown in the manifest

    def epoch(self) -> int:
        if self.source_date_epoch is not None:
            return int(self.source_date_epoch)
        env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if env.isdigit():
            return int(env)
        import calendar

        return calendar.timegm((int(self.cover.year), 1, 1, 0, 0, 0))
