"""Merge identical objects after concatenating parts.

Every part converted from DOCX or drawn by WeasyPrint embeds its own copy of
the fonts (and the same logos, the same ToUnicode maps...). qpdf has no
"merge identical objects" (qpdf#414), so this does it: streams with the same
dictionary and the same raw bytes, then the font dictionaries that have
become identical because they now point at the same streams, until nothing
changes. Pages, annotations and outline items are never merged.
"""

from __future__ import annotations

import hashlib

import pikepdf

_MERGEABLE_TYPES = {"/Font", "/FontDescriptor", "/ExtGState", "/XObject", "/Encoding", "/Pattern", "/Shading"}


def _key(obj: pikepdf.Object) -> bytes | None:
    if isinstance(obj, pikepdf.Stream):
        head = pikepdf.Dictionary({k: v for k, v in obj.stream_dict.items() if k != "/Length"})
        return b"S" + hashlib.sha256(head.unparse() + b"\0" + obj.read_raw_bytes()).digest()
    if isinstance(obj, pikepdf.Dictionary) and str(obj.get("/Type", "")) in _MERGEABLE_TYPES:
        return b"D" + hashlib.sha256(obj.unparse()).digest()
    return None


def _replace(value: pikepdf.Object, mapping: dict[tuple[int, int], pikepdf.Object]) -> None:
    """Point every reference in ``value`` (a dict or array, not followed) at the kept copy."""
    items = value.items() if isinstance(value, pikepdf.Dictionary) else enumerate(value)
    for key, child in list(items):
        if not isinstance(child, pikepdf.Object):
            continue  # numbers, booleans, names come back as Python values
        if child.is_indirect:
            target = mapping.get(child.objgen)
            if target is not None:
                value[key] = target
        elif isinstance(child, (pikepdf.Dictionary, pikepdf.Array)):
            _replace(child, mapping)


def dedupe_objects(pdf: pikepdf.Pdf, rounds: int = 4) -> int:
    """Merge identical streams and font-like dictionaries; return how many were dropped."""
    dropped = 0
    for _ in range(rounds):
        kept: dict[bytes, pikepdf.Object] = {}
        mapping: dict[tuple[int, int], pikepdf.Object] = {}
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Object) or not obj.is_indirect:
                continue  # LibreOffice writes stream lengths as indirect numbers: Python ints here
            key = _key(obj)
            if key is None:
                continue
            first = kept.setdefault(key, obj)
            if first.objgen != obj.objgen:
                mapping[obj.objgen] = first
        if not mapping:
            break
        dropped += len(mapping)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                _replace(obj.stream_dict, mapping)
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                _replace(obj, mapping)
        _replace(pdf.trailer, mapping)
    return dropped


__all__ = ["dedupe_objects"]
