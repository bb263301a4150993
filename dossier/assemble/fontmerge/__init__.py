"""One embedded font per shipped face instead of one subset per part.

Every part of a dossier embeds its own subset of the same Liberation Serif
faces: LibreOffice as simple TrueType fonts (1-byte codes, a symbolic cmap
mapping each code to a glyph of the subset), WeasyPrint and the page stamps
as Type0 / Identity-H fonts. Each subset holds other glyphs, so the
byte-identical de-duplication of :mod:`..dedupe` cannot merge them; this
package does, in four steps, one module each:

1. (:mod:`.walk`, over :mod:`.streams`) Walk every content stream (pages, Form XObjects, tiling patterns, Type3
   glyph procedures, annotation appearances), tracking the current font
   through ``Tf``, ``q``/``Q`` and ``gs``, and collect the codes each font
   shows.
2. (:mod:`.identify`, against :mod:`.faces`) Identify each embedded TrueType-outline font (simple ``/TrueType`` or
   Type0 ``/Identity-H`` over ``CIDFontType2``, with ``FontFile2``): every
   code shown goes to a glyph of the embedded program (simple fonts: its
   (3,0)/(1,0) cmap, or (3,1) through the encoding's glyph names; Type0:
   CID → GID through ``CIDToGIDMap``) and that glyph must have the same
   outline (composites decomposed) and advance as a glyph of one shipped
   face. Names are never trusted. The PDF width of every code must agree
   with the face within :data:`WIDTH_TOLERANCE`.
3. (:mod:`.embed`) Per face, embed one Type0 / Identity-H / ``CIDFontType2`` font: a
   HarfBuzz subset of the face with ``retain_gids`` (CID = GID of the full
   face, ``CIDToGIDMap /Identity``), ``/W`` with the sources' own widths,
   a ``ToUnicode`` lifted from the sources' (falling back to the face's
   cmap), a descriptor from the face (but Ascent/Descent of the sources
   showing the most glyphs: text extractors group lines with them) and a
   tag hashed from the glyph set. No hinting: WeasyPrint drops it too, and
   it would double the font bytes for renderers that mostly ignore it.
   The sources do not round widths alike (LibreOffice truncates 722.17 to
   722 and 666.5 to 666, WeasyPrint and the stamps round to 667), and a
   glyph placed with another width moves every glyph after it. So a glyph
   shown with two widths (or two ToUnicode texts) gets one CID per variant:
   the most used keeps CID = GID, the others get CIDs above the face's glyph
   count and ``CIDToGIDMap`` becomes a stream. Positions and extracted text
   stay exactly those of the sources.
4. (:mod:`.encode`) Re-encode every string shown with a replaced font (``Tj``, ``TJ``,
   ``'``, ``"``) to 2-byte CIDs and point the resource names at the new
   fonts. A content stream shared by pages whose fonts differ is copied.

Each content stream is parsed once (qpdf), however many pages or forms
paint it: steps 1 and 4 replay the operators they track. A rewritten
stream is exactly what :func:`pikepdf.unparse_content_stream` writes for
the parsed stream with the new strings, built line by line from that
unparse (one instruction per line): only text-showing lines change, and
each string or number in them is converted once per font.

Left exactly as they are: fonts of other faces (annexes), Type1, Type3,
CFF or non-embedded fonts, and fonts whose use cannot be rewritten safely:
set by a ``gs`` ExtGState, shown by a form that inherits its font or its
resources, shown in a content stream that does not parse, a simple font
showing a space while word spacing (``Tw``, which never applies to 2-byte
codes) may be non-zero, a code without glyph or width.

Deterministic: fonts, names and glyphs are visited in sorted order, tags are
hashes, and the subsetter copies the face's tables (timestamps included).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf

from .embed import assign_cids, embed_type0_font, font_tag, subset_program, to_unicode_cmap, vertical_metrics
from .encode import _Plan
from .faces import MAX_CID, PROGRAM_CACHE, Face, ObjGen, Width, _quiet_fonttools, load_face, shipped_faces
from .identify import analyse_font, match_face, parse_to_unicode
from .walk import _Walk


def merge_font_subsets(pdf: pikepdf.Pdf, faces: Sequence[Path] | None = None) -> int:
    """Replace the embedded subsets of ``faces`` (default: the shipped fonts) by one font per face.

    ``pdf`` is changed in place: new font objects are added, then content
    streams and font resources are rewritten in one last step; the old fonts
    are left unreferenced (qpdf does not write them). Returns the number of
    font dictionaries replaced (0: nothing changed).
    """
    with _quiet_fonttools():
        loaded = [load_face(path) for path in (faces if faces is not None else shipped_faces())]
        if not loaded:
            return 0
        survey = _Walk(pdf)
        survey.run()
        programs: dict[ObjGen, object] = {}  # font programs shared by several font dictionaries
        matched: dict[ObjGen, tuple[int, dict[int, tuple[int, Width, str | None]]]] = {}
        for og in sorted(survey.usage):
            codes = survey.usage[og]
            if og in survey.pinned or not codes or survey.kinds.get(og) is None:
                continue
            source = analyse_font(survey.fonts[og], programs)
            if len(programs) > PROGRAM_CACHE:
                programs.clear()  # a thousand-page dossier holds hundreds of subsets: keep memory flat
            if source is None:
                continue
            found = match_face(source, sorted(codes), loaded)
            if found is not None:
                matched[og] = found
        if not matched:
            return 0
        plans: dict[ObjGen, _Plan] = {}
        new_by_face: dict[int, pikepdf.Object] = {}
        for index, face in enumerate(loaded):
            fonts = [og for og in sorted(matched) if matched[og][0] == index]
            if not fonts:
                continue
            uses = [matched[og][1][code] for og in fonts for code in sorted(matched[og][1])]
            cids = assign_cids(face, uses)
            if max(cids.values()) > MAX_CID:
                continue  # more width/text variants than 2-byte codes: leave this face's fonts alone
            glyphs = {cid: variant for variant, cid in cids.items()}
            new_by_face[index] = embed_type0_font(pdf, face, glyphs, vertical=vertical_metrics(
                [(survey.fonts[og], survey.shown[og]) for og in fonts]))
            for og in fonts:
                mapping = matched[og][1]
                plans[og] = _Plan(index, {code: cids[mapping[code]] for code in mapping},
                                  two_byte=survey.kinds[og] == "cid")
        rewrite = _Walk(pdf, plans, survey.parsed)  # the streams as the survey parsed them
        rewrite.run()
        rewrite.apply({og: new_by_face[plan.face] for og, plan in plans.items()})
    return len(plans)


__all__ = [
    "Face", "analyse_font", "embed_type0_font", "font_tag", "load_face", "match_face",
    "merge_font_subsets", "parse_to_unicode", "shipped_faces", "subset_program", "to_unicode_cmap",
]
