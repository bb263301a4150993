"""Step 3: embed one Type0 / Identity-H / CIDFontType2 font per face.

A HarfBuzz subset of the face with ``retain_gids`` (CID = GID of the full
face), ``/W`` with the sources' own widths, a ``ToUnicode`` lifted from
the sources', a descriptor from the face (Ascent/Descent of the sources
showing the most glyphs) and a tag hashed from the glyph set. A glyph shown
with two widths or two texts gets one CID per variant (:func:`assign_cids`):
the most used keeps CID = GID, the others get CIDs above the face's glyph
count. The page stamps embed their font with the same code."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

import pikepdf
from pikepdf import Array, Dictionary, Name

from .faces import BFCHAR_BLOCK, Face, Width, _number


# Tables a CIDFontType2 program never needs (layout, kerning, signatures): dropped unread.
DROPPED_TABLES = ("FFTM", "GPOS", "GSUB", "GDEF", "kern", "DSIG", "JSTF", "BASE", "MATH")


@lru_cache(maxsize=32)
def subset_program(face: Face, gids: frozenset[int], hinting: bool) -> bytes:
    """A TrueType subset of ``face`` with glyph ids unchanged (``retain_gids``: CID = GID),
    the ``.notdef`` outline kept, no names and no layout tables; with ``hinting`` the
    glyph instructions and their tables stay.

    HarfBuzz's subsetter (uharfbuzz) makes it in about 0.3 ms where fontTools took
    about 40 ms per face, which every dossier paid once per face it embeds. Same
    input, same bytes."""
    import uharfbuzz as hb

    request = hb.SubsetInput()
    glyphs = request.glyph_set
    for gid in sorted(gids | {0}):
        glyphs.add(gid)
    request.sets(hb.SubsetInputSets.NAME_ID).clear()
    dropped = request.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.NOTDEF_OUTLINE
    request.flags = flags if hinting else flags | hb.SubsetFlags.NO_HINTING
    subset = hb.subset(hb.Face(hb.Blob(face.data)), request)
    if subset is None:
        raise ValueError(f"HarfBuzz could not subset {face.ps_name}")
    return bytes(subset.blob.data)


# --------------------------------------------------------------------------- new Type0 fonts


def font_tag(face: Face, glyphs: Mapping[int, tuple[int, Width, str | None]]) -> str:
    """Six uppercase letters hashed from the face and the glyph set (subset prefix)."""
    digest = hashlib.sha256(face.ps_name.encode())
    for cid in sorted(glyphs):
        gid, width, text = glyphs[cid]
        digest.update(f"{cid}:{gid}:{width}:{text or ''};".encode())
    return "".join(chr(65 + b % 26) for b in digest.digest()[:6])


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(texts: Mapping[int, str]) -> bytes:
    """A ToUnicode CMap for 2-byte codes (CIDs) → text."""
    pairs = sorted((cid, text) for cid, text in texts.items() if text)
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), BFCHAR_BLOCK):
        block = pairs[start:start + BFCHAR_BLOCK]
        lines.append(f"{len(block)} beginbfchar".encode())
        lines.extend(f"<{cid:04X}> <{_utf16_hex(text)}>".encode() for cid, text in block)
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _widths_array(glyphs: Mapping[int, tuple[int, Width, str | None]]) -> Array:
    """``/W`` in runs of consecutive CIDs: ``c [w1 w2 ...]``."""
    out = Array()
    run: list[Width] = []
    first = previous = -2
    for cid in sorted(glyphs):
        if cid != previous + 1 and run:
            out.extend([first, Array(run)])
            run = []
        if not run:
            first = cid
        run.append(glyphs[cid][1])
        previous = cid
    if run:
        out.extend([first, Array(run)])
    return out


def embed_type0_font(
    pdf: pikepdf.Pdf, face: Face, glyphs: Mapping[int, tuple[int, Width, str | None]], *,
    hinting: bool = False, tag: str | None = None, vertical: tuple[Width, Width] | None = None,
) -> pikepdf.Object:
    """Add a Type0 / Identity-H font of ``face`` to ``pdf``; return the indirect font dictionary.

    ``glyphs``: CID → (glyph id in the full face, width in 1/1000 em, text
    for ToUnicode or None for the face's cmap). CID = glyph id everywhere
    gives ``CIDToGIDMap /Identity``; otherwise the map is a stream.
    ``vertical``: (Ascent, Descent) for the descriptor instead of the face's.
    """
    tag = tag or font_tag(face, glyphs)
    base = Name(f"/{tag}+{face.ps_name}")
    program = subset_program(face, frozenset(gid for gid, _, _ in glyphs.values()), hinting)
    values = face.descriptor()
    if vertical is not None:
        values["Ascent"], values["Descent"] = vertical
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=base, Flags=values["Flags"], FontBBox=Array(values["FontBBox"]),
        ItalicAngle=values["ItalicAngle"], Ascent=values["Ascent"], Descent=values["Descent"],
        CapHeight=values["CapHeight"], StemV=values["StemV"], FontFile2=pikepdf.Stream(pdf, program),
    ))
    if all(cid == gid for cid, (gid, _, _) in glyphs.items()):
        cid_to_gid: pikepdf.Object = Name.Identity
    else:
        table = bytearray(2 * (max(glyphs) + 1))  # unused CIDs map to glyph 0
        for cid, (gid, _, _) in glyphs.items():
            table[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
        cid_to_gid = pdf.make_stream(bytes(table))
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=base,
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, W=_widths_array(glyphs), DW=1000, CIDToGIDMap=cid_to_gid,
    ))
    texts = {}
    for cid, (gid, _, text) in glyphs.items():
        if text is None and gid in face.char_of_gid:
            text = chr(face.char_of_gid[gid])
        if text:
            texts[cid] = text
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=base, Encoding=Name("/Identity-H"),
        DescendantFonts=Array([cid_font]), ToUnicode=pikepdf.Stream(pdf, to_unicode_cmap(texts)),
    ))


def assign_cids(face: Face, uses: list[tuple[int, Width, str | None]]) -> dict[tuple[int, Width, str | None], int]:
    """CID of each (glyph, width, text) variant: the most used variant of a glyph keeps CID = GID."""
    counts = Counter(uses)
    by_glyph: dict[int, list[tuple[int, Width, str | None]]] = {}
    for variant in counts:
        by_glyph.setdefault(variant[0], []).append(variant)
    cids: dict[tuple[int, Width, str | None], int] = {}
    extra: list[tuple[int, Width, str | None]] = []
    for gid in sorted(by_glyph):
        variants = sorted(by_glyph[gid], key=lambda v: (-counts[v], abs(float(v[1]) - face.width(gid)), float(v[1]), v[2] or ""))
        cids[variants[0]] = gid
        extra.extend(variants[1:])
    next_cid = face.glyph_count
    for variant in sorted(extra, key=lambda v: (v[0], float(v[1]), v[2] or "")):
        cids[variant] = next_cid
        next_cid += 1
    return cids


def vertical_metrics(fonts: list[tuple[pikepdf.Dictionary, int]]) -> tuple[Width, Width] | None:
    """(Ascent, Descent) of the source descriptors showing the most glyphs.

    Text extractors build lines from them (poppler takes 0 as "unknown" and
    uses its defaults), so keeping the sources' values keeps pdftotext's
    output what it was, where the face's own values would regroup table cells.
    """
    votes: Counter[tuple[Width, Width]] = Counter()
    for font, shown in fonts:
        holder = font.DescendantFonts[0] if font.get("/Subtype") == Name.Type0 else font
        descriptor = holder.get("/FontDescriptor")
        if isinstance(descriptor, pikepdf.Dictionary):
            ascent, descent = _number(descriptor.get("/Ascent")), _number(descriptor.get("/Descent"))
            if ascent is not None and descent is not None:
                votes[(ascent, descent)] += shown
    if not votes:
        return None
    return max(sorted(votes), key=lambda pair: votes[pair])  # ties: the smallest pair, for stable output
