"""Step 4: re-encode the strings shown with a replaced font.

The strings of ``Tj``, ``TJ``, ``'`` and ``"`` as they appear in an
unparsed content stream line, their bytes, and the same line with every
string turned into 2-byte CIDs (:class:`_Plan`); numbers and everything else
on the line stay byte for byte."""

from __future__ import annotations

import binascii
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array

from .faces import _LITTLE_ENDIAN, _PDF_OBJECT, _STRING, _number


@dataclass
class _Plan:
    """How one replaced font's strings are re-encoded."""

    def __init__(self, face: int, cids: dict[int, int], two_byte: bool) -> None:
        self.face = face
        self.two_byte = two_byte
        self._codes = {code: cid.to_bytes(2, "big") for code, cid in cids.items()}
        self._cache: dict[bytes, pikepdf.String] = {}  # the same words come back again and again

    def encode(self, data: bytes) -> pikepdf.String:
        found = self._cache.get(data)
        if found is None:
            if self.two_byte:
                codes = array("H", data)
                if _LITTLE_ENDIAN:
                    codes.byteswap()
            else:
                codes = data
            found = self._cache[data] = pikepdf.String(b"".join(map(self._codes.__getitem__, codes)))
        return found


# The items of an operand list as unparse writes them, one space apart: only
# literal strings (every parenthesis in them escaped) may hold a space.
_ITEM = re.compile(rb"\([^\\()]*+(?:\\.[^\\()]*+)*+\)|[^ ]++", re.DOTALL)


def _is_string(value: object) -> bool:
    # numbers come back as int/Decimal; a cheap type test, then the PDF type of the rest
    return type(value) is _PDF_OBJECT and value._type_code == _STRING


class _Text:
    """The strings of one text-showing operation, and what they show in each kind of font (computed once)."""

    __slots__ = ("strings", "parts", "_cid", "_simple")

    def __init__(self, strings: tuple[bytes, ...] | None,
                 parts: tuple[bytes, list[bytes], bytes] | None = None) -> None:
        self.strings = strings  # None: nothing a font could show (no operand, TJ without an array)
        self.parts = parts  # (head, items, tail) of the line when every item is a string or a number
        self._cid: tuple[bool, frozenset[int], int] | None = None
        self._simple: tuple[bool, frozenset[int], int] | None = None

    def cid(self) -> tuple[bool, frozenset[int], int]:
        """(a dangling byte, the 2-byte codes, how many) for a Type0 font."""
        if self._cid is None:
            strings = self.strings
            dangling = any(len(data) % 2 for data in strings)
            whole = (data[:len(data) // 2 * 2] for data in strings) if dangling else strings
            pairs = array("H", b"".join(whole))
            if _LITTLE_ENDIAN:
                pairs.byteswap()
            self._cid = (dangling, frozenset(pairs), len(pairs))
        return self._cid

    def simple(self) -> tuple[bool, frozenset[int], int]:
        """(a code 32, the 1-byte codes, how many) for a simple font."""
        if self._simple is None:
            data = b"".join(self.strings)
            self._simple = (32 in data, frozenset(data), len(data))
        return self._simple


def _shown_strings(op: str, operands: Sequence) -> tuple[bytes, ...] | None:
    if not operands:
        return None
    last = operands[-1]
    if op == "TJ":
        if not isinstance(last, pikepdf.Array):
            return None
        items = list(last)
    else:
        items = [last]
    return tuple(bytes(item) for item in items if _is_string(item))


def _show_items(line: bytes, spaced: bool = False) -> tuple[bytes, list[bytes], bytes] | None:
    """(head, items, tail) of an unparsed ``[ ... ] TJ``, or ``Tj`` / ``'`` with one operand; else None.

    Items are one space apart; ``spaced``: literal strings may hold spaces
    too (else a literal string cut at a space is not an item that
    :func:`_item_value` reads).
    """
    if line.endswith(b" ] TJ") and line.startswith(b"[ "):
        head, body, tail = b"[ ", line[2:-5], b" ] TJ"
    elif line.endswith((b" Tj", b" '")):
        cut = line.rfind(b" ")
        head, body, tail = b"", line[:cut], line[cut:]
    else:
        return None
    items = _ITEM.findall(body) if spaced else body.split(b" ")
    if not items or b"" in items or (not head and len(items) != 1) or (spaced and b" ".join(items) != body):
        return None
    return head, items, tail


_ESCAPED = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    found = _ESCAPES.get(code)
    if found is not None:
        return found
    if not code.isdigit():
        raise ValueError("not an escape unparse writes")
    return bytes([int(code, 8) & 0xFF])


def _item_value(item: bytes) -> bytes | None:
    """The bytes of an unparsed string item, None for a number; ValueError for anything else.

    Strings as unparse writes them: hexadecimal, or literal with the
    escapes of PDF 32000 7.3.4.2 (never a raw end of line).
    """
    first = item[:1]
    if first == b"(":
        body = item[1:-1]
        if len(item) < 2 or not item.endswith(b")") or (len(body) - len(body.rstrip(b"\\"))) % 2:
            raise ValueError("a literal string cut at a space")  # its last parenthesis is escaped
        return _ESCAPED.sub(_unescape, body) if b"\\" in body else body
    if first == b"<" and item.endswith(b">") and len(item) > 1 and item[1:2] != b"<":
        return binascii.unhexlify(item[1:-1])  # binascii.Error is a ValueError
    if _NUMBER.fullmatch(item):
        return None
    raise ValueError("neither a string nor a number")


def _spacing(operand: object) -> float | None:
    number = _number(operand)
    return float(number) if number is not None else None


def _reencode(instruction: pikepdf.ContentStreamInstruction, plan: _Plan) -> pikepdf.ContentStreamInstruction:
    """``instruction`` (text showing, with the operand it shows) with its strings re-encoded by ``plan``."""
    op = str(instruction.operator)
    operands = instruction.operands
    last = operands[-1]
    items = list(last) if op == "TJ" else [last]
    for i, item in enumerate(items):
        if _is_string(item):
            items[i] = plan.encode(bytes(item))
    return pikepdf.ContentStreamInstruction([*operands[:-1], Array(items) if op == "TJ" else items[0]],
                                            instruction.operator)


def _unparse_lines(instructions: list) -> list[bytes]:
    """Each instruction as unparse writes it in a content stream."""
    lines = pikepdf.unparse_content_stream(instructions).split(b"\n")
    if len(lines) != len(instructions):
        lines = [pikepdf.unparse_content_stream([instruction]) for instruction in instructions]
    return lines


def _unparse_items(values: list) -> list[bytes] | None:
    """Each value as unparse writes it in an array, or None if the array cannot be split back."""
    line = pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction([Array(values)], pikepdf.Operator("TJ"))])
    for spaced in (False, True):  # as many items as values: none cut at a space
        parts = _show_items(line, spaced)
        if parts is not None and len(parts[1]) == len(values):
            return parts[1]
    return None
