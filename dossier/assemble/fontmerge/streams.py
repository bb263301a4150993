"""Content streams parsed once (qpdf) for both walks, shared streams included.

Each stream becomes the list of events the walk tracks (``q``/``Q``, ``Tf``,
``Tw``, ``gs``, ``Do``, text showing) and, when it shows strings, its
text as :func:`pikepdf.unparse_content_stream` writes it, one instruction per
line, so a rewrite only builds the lines that change."""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf

from .encode import _Text, _item_value, _show_items, _shown_strings, _spacing
from .faces import ObjGen, TEXT_SHOW, _TRACKED_BYTES, _TRACKED_SET


class _Unreadable(Exception):
    pass


# Events of a parsed content stream: the operators the walk tracks, in order.
_PUSH, _POP, _FONT, _SPACING, _STATE, _PAINT, _SHOW = range(7)
_SHOW_BYTES = frozenset(op.encode() for op in TEXT_SHOW)
_PUSH_EVENT, _POP_EVENT = (_PUSH,), (_POP,)


class _Stream:
    """A content stream parsed once for both walks, shared streams included.

    ``events``: the tracked operators, state-independent (``Tf`` keeps the
    resource name, looked up again for each page that paints the stream).
    ``text``: the stream as :func:`pikepdf.unparse_content_stream` writes
    it, one instruction per line, kept when it shows strings: a rewrite then
    builds the lines that change only (same bytes as unparsing the whole
    stream). None when lines are not instructions (inline images): such a
    stream is parsed again to be rewritten.
    """

    __slots__ = ("events", "text")

    def __init__(self, events: list[tuple], text: bytes | None) -> None:
        self.events = events
        self.text = text


class _Streams:
    """Content streams as parsed by qpdf, and the items of their strings, shared by the survey and the rewrite."""

    def __init__(self) -> None:
        self.streams: dict[ObjGen, _Stream | None] = {}
        self.texts: dict[bytes, _Text] = {}  # line → its strings: the same words come back on many pages
        self.items: dict[bytes, bytes | None] = {}  # unparsed item → its bytes (a string) or None (a number)
        self._scratch: pikepdf.Pdf | None = None

    def get(self, stream: pikepdf.Stream) -> _Stream:
        og = stream.objgen
        if og in self.streams:
            parsed = self.streams[og]
        else:
            parsed = self._parse(stream)
            if og != (0, 0):
                self.streams[og] = parsed
        if parsed is None:
            raise _Unreadable
        return parsed

    def reparse(self, lines: list[bytes]) -> list | None:
        """The instructions of these unparsed lines, or None if they do not come back exactly as they were."""
        data = b"\n".join(lines)
        if self._scratch is None:
            self._scratch = pikepdf.new()  # not the dossier: nothing is added to it
        try:
            instructions = pikepdf.parse_content_stream(pikepdf.Stream(self._scratch, data), "")
            if len(instructions) != len(lines) or pikepdf.unparse_content_stream(instructions) != data:
                return None
        except (pikepdf.PdfError, ValueError, TypeError):
            return None
        return instructions

    def _text(self, line: bytes, instruction: pikepdf.ContentStreamInstruction) -> _Text:
        """The strings ``instruction`` (unparsed: ``line``) shows, each item decoded once."""
        parts = _show_items(line)
        strings = self._strings(parts[1]) if parts is not None else None
        if strings is None and parts is not None and b"(" in line:  # a literal string with a space?
            parts = _show_items(line, spaced=True)
            strings = self._strings(parts[1]) if parts is not None else None
        if strings is not None:
            return _Text(strings, parts)
        return _Text(_shown_strings(str(instruction.operator), instruction.operands))  # as pikepdf reads it

    def _strings(self, items: list[bytes]) -> tuple[bytes, ...] | None:
        """The strings among these items (empty ones left out: they show nothing), None if one is not read."""
        table = self.items
        try:
            for item in set(items).difference(table):
                table[item] = _item_value(item)
        except ValueError:
            return None
        return tuple(filter(None, map(table.__getitem__, items)))

    def _parse(self, stream: pikepdf.Stream) -> _Stream | None:
        try:
            instructions = pikepdf.parse_content_stream(stream, "")
        except (pikepdf.PdfError, ValueError, TypeError):
            return None
        try:
            data = pikepdf.unparse_content_stream(instructions)
        except (pikepdf.PdfError, ValueError, TypeError):
            return self._parse_instructions(instructions)
        lines = data.split(b"\n")
        if len(lines) != len(instructions):  # inline images
            return self._parse_instructions(instructions)
        events: list[tuple] = []
        shows: list[tuple[int, int, bytes]] = []  # (position in events, instruction, line)
        tracked = [i for i, line in enumerate(lines) if line[line.rfind(b" ") + 1:] in _TRACKED_BYTES]  # op last
        for index in tracked:
            line = lines[index]
            op = line[line.rfind(b" ") + 1:]
            if op == b"q":
                events.append(_PUSH_EVENT)
            elif op == b"Q":
                events.append(_POP_EVENT)
            elif op in _SHOW_BYTES:
                if op == b'"':
                    operands = instructions[index].operands
                    events.append((_SPACING, _spacing(operands[0]) if len(operands) == 3 else None))
                shows.append((len(events), index, line))
                events.append(())
            elif op == b"Tf" and line.startswith(b"/") and b"#" not in line[:line.find(b" ")]:
                events.append((_FONT, line[:line.find(b" ")].decode("ascii")))  # the name as written: no escape
            else:
                events.append(_event(str(instructions[index].operator), instructions[index].operands))
        if not shows:
            return _Stream(events, None)
        texts = self.texts
        for position, index, line in shows:
            text = texts.get(line)
            if text is None:
                text = texts[line] = self._text(line, instructions[index])
            events[position] = (_SHOW, index, text)
        return _Stream(events, data)

    @staticmethod
    def _parse_instructions(instructions: list) -> _Stream:
        """Events from the instructions themselves (no line per instruction)."""
        events: list[tuple] = []
        for index, instruction in enumerate(instructions):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            op = str(instruction.operator)
            if op not in _TRACKED_SET:
                continue
            operands = instruction.operands
            if op in TEXT_SHOW:
                if op == '"':
                    events.append((_SPACING, _spacing(operands[0]) if len(operands) == 3 else None))
                events.append((_SHOW, index, _Text(_shown_strings(op, operands))))
            else:
                events.append(_event(op, operands))
        return _Stream(events, None)


def _event(op: str, operands: Sequence) -> tuple:
    """The event of a tracked operator other than text showing."""
    if op == "q":
        return (_PUSH,)
    if op == "Q":
        return (_POP,)
    if op == "Tf":
        name = operands[0] if operands else None
        return (_FONT, str(name) if isinstance(name, pikepdf.Name) else None)
    if op == "Tw":
        return (_SPACING, _spacing(operands[0]) if operands else None)
    return (_STATE if op == "gs" else _PAINT, operands[0] if operands else None)  # gs, Do
