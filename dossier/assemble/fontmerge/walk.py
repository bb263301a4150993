"""Step 1 (and the last pass of step 4): walk every content stream.

Pages, Form XObjects, tiling patterns, Type3 glyph procedures and annotation
appearances are visited once each, tracking the current font through ``Tf``,
``q``/``Q`` and ``gs``. The survey collects the codes each font shows and
the fonts that must stay as they are; the rewrite re-encodes the strings of
the replaced fonts and points the resource names at the new fonts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Name

from .encode import _Plan, _Text, _reencode, _unparse_items, _unparse_lines
from .faces import ObjGen
from .identify import _font_kind
from .streams import _FONT, _POP, _PUSH, _SHOW, _SPACING, _STATE, _Stream, _Streams, _Unreadable


_INHERITED = "inherited"  # the font a form inherits from whoever paints it


@dataclass
class _FormInfo:
    inherits_font: bool = False  # shows text before setting a font
    inherits_resources: bool = False  # no /Resources of its own...
    shows_text: bool = False  # ...and sets a font or shows text


class _Walk:
    """Visits every content stream once, tracking the font and the word spacing.

    Without plans it collects the codes each candidate font shows and the
    fonts that must stay; with plans it re-encodes their strings.
    """

    def __init__(self, pdf: pikepdf.Pdf, plans: dict[ObjGen, _Plan] | None = None,
                 parsed: _Streams | None = None) -> None:
        self.pdf = pdf
        self.plans = plans
        self.parsed = parsed if parsed is not None else _Streams()  # each stream parsed once for both walks
        self._lines: dict[tuple[ObjGen, _Text], bytes] = {}  # (font, strings shown) → the line re-encoded
        self._tokens: dict[ObjGen, dict[bytes, bytes | None]] = {}  # font → item → the item re-encoded
        self._numbers: dict[bytes, bytes | None] = {}  # number item → as pikepdf writes it back
        self.usage: dict[ObjGen, set[int]] = {}
        self.shown: Counter[ObjGen] = Counter()  # glyphs shown per font
        self.fonts: dict[ObjGen, pikepdf.Object] = {}
        self.kinds: dict[ObjGen, str | None] = {}
        self.pinned: set[ObjGen] = set()
        self.forms: dict[ObjGen, _FormInfo] = {}
        self.assigned: dict[ObjGen, bytes | None] = {}  # page content stream → its (new) content
        self.writes: list[tuple[pikepdf.Stream, bytes]] = []
        self.contents: list[tuple[pikepdf.Dictionary, Array]] = []  # pages given copies of shared streams
        self.font_dicts: list[pikepdf.Dictionary] = []
        self._seen_font_dicts: set[ObjGen] = set()

    # ------------------------------------------------------------ contexts

    def run(self) -> None:
        for page in self.pdf.pages:
            self._page(page)

    def _fonts(self, resources: object) -> dict[str, pikepdf.Object]:
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(fonts, pikepdf.Dictionary):
            return {}
        if fonts.is_indirect:
            if fonts.objgen not in self._seen_font_dicts:
                self._seen_font_dicts.add(fonts.objgen)
                self.font_dicts.append(fonts)
        else:
            self.font_dicts.append(fonts)
        return {str(name): fonts[name] for name in sorted(fonts.keys())}

    def _track(self, font: object) -> ObjGen | None:
        if not isinstance(font, pikepdf.Dictionary) or not font.is_indirect:
            return None
        og = font.objgen
        if og not in self.kinds:
            self.kinds[og] = _font_kind(font)
            self.fonts[og] = font
        return og

    def _pin_all(self, fonts: dict[str, pikepdf.Object]) -> None:
        for font in fonts.values():
            og = self._track(font)
            if og is not None:
                self.pinned.add(og)

    def _page(self, page: pikepdf.Page) -> None:
        obj = page.obj
        resources = obj.get("/Resources")
        if resources is None:
            resources = page._get_inherited("/Resources")
        fonts = self._fonts(resources)
        contents = obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream):
            streams = [contents]
        elif isinstance(contents, pikepdf.Array):
            streams = [s for s in contents if isinstance(s, pikepdf.Stream)]
        else:
            streams = []
        state: tuple = (None, 0.0)
        stack: list[tuple] = []
        replaced: dict[int, pikepdf.Stream] = {}
        for index, stream in enumerate(streams):
            try:
                result, state = self._content(stream, resources, fonts, state, stack, None)
            except _Unreadable:
                self._pin_all(fonts)
                result, state = None, (None, None)
            if self.plans is None:
                continue
            og = stream.objgen
            if og not in self.assigned:
                self.assigned[og] = result
                if result is not None:
                    self.writes.append((stream, result))
            elif self.assigned[og] != result:  # shared with a page whose fonts differ: a copy of its own
                replaced[index] = self.pdf.make_stream(result if result is not None else stream.read_bytes())
        if replaced:
            self.contents.append((obj, Array([replaced.get(i, s) for i, s in enumerate(streams)])))
        annots = obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else ():
            appearances = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            if not isinstance(appearances, pikepdf.Dictionary):
                continue
            for key in ("/N", "/R", "/D"):
                value = appearances.get(key)
                if isinstance(value, pikepdf.Stream):
                    self._form(value, appearance=True)
                elif isinstance(value, pikepdf.Dictionary):
                    for state_name in sorted(value.keys()):
                        if isinstance(value[state_name], pikepdf.Stream):
                            self._form(value[state_name], appearance=True)
        self._children(resources, fonts)

    def _children(self, resources: object, fonts: dict[str, pikepdf.Object]) -> None:
        """Forms, tiling patterns and Type3 glyph procedures listed in ``resources``."""
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for category in ("/XObject", "/Pattern"):
            entries = resources.get(category)
            if not isinstance(entries, pikepdf.Dictionary):
                continue
            for name in sorted(entries.keys()):
                item = entries[name]
                if isinstance(item, pikepdf.Stream) and (item.get("/Subtype") == Name.Form or category == "/Pattern"):
                    self._form(item, parent_fonts=fonts)
        for font in fonts.values():
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == Name.Type3:
                procs = font.get("/CharProcs")
                if isinstance(procs, pikepdf.Dictionary):
                    own = font.get("/Resources")
                    for name in sorted(procs.keys()):
                        if isinstance(procs[name], pikepdf.Stream):
                            self._form(procs[name], parent_fonts=fonts, resources_of=own)

    def _form(self, stream: pikepdf.Stream, *, parent_fonts: dict | None = None,
              appearance: bool = False, resources_of: object = ...) -> _FormInfo:
        og = stream.objgen
        info = self.forms.get(og)
        if info is None:
            info = self.forms[og] = _FormInfo()  # before walking: a form painting itself stops here
            resources = stream.get("/Resources") if resources_of is ... else resources_of
            info.inherits_resources = resources is None and not appearance
            fonts = self._fonts(resources)
            initial = (None, 0.0) if appearance else (_INHERITED, None)  # appearances start from the default state
            try:
                result, _ = self._content(stream, resources, fonts, initial, [], info)
            except _Unreadable:
                self._pin_all(fonts)
                result = None
            if self.plans is not None and result is not None:
                self.writes.append((stream, result))
            self._children(resources, fonts)
        if info.inherits_resources and info.shows_text and parent_fonts:
            self._pin_all(parent_fonts)  # its names are looked up in whatever paints it
        return info

    # ------------------------------------------------------------ operators

    def _content(self, stream: pikepdf.Stream, resources: object, fonts: dict[str, pikepdf.Object],
                 state: tuple, stack: list[tuple], info: _FormInfo | None) -> tuple[bytes | None, tuple]:
        """Walk one content stream from ``state``; return (new content or None, state at the end)."""
        parsed = self.parsed.get(stream)
        font, tw = state
        changes: list[tuple[int, ObjGen, _Text]] = []
        resolved: dict[str | None, ObjGen | None] = {}  # resource name → font
        for event in parsed.events:
            kind = event[0]
            if kind == _PUSH:
                stack.append((font, tw))
            elif kind == _POP:
                if stack:
                    font, tw = stack.pop()
            elif kind == _SHOW:
                if self._show(event[2], font, tw, info):
                    changes.append((event[1], font, event[2]))
            elif kind == _FONT:
                if info is not None:
                    info.shows_text = True
                name = event[1]
                if name in resolved:
                    font = resolved[name]
                else:
                    font = resolved[name] = self._track(fonts.get(name)) if name is not None else None
            elif kind == _SPACING:
                tw = event[1]
            elif kind == _STATE:
                font = self._graphics_state(resources, event[1], font)
            else:
                self._do(resources, event[1], fonts, font)
        result = self._rewrite(stream, parsed, changes) if changes else None
        return result, (font, tw)

    def _graphics_state(self, resources: object, name: object, font: object) -> object:
        states = resources.get("/ExtGState") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(states, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name) or name not in states:
            return font
        gs = states[name]
        value = gs.get("/Font") if isinstance(gs, pikepdf.Dictionary) else None
        if not isinstance(value, pikepdf.Array) or len(value) < 1:
            return font
        og = self._track(value[0])
        if og is not None:
            self.pinned.add(og)  # rewriting the ExtGState too is not worth it: keep that font
        return og

    def _do(self, resources: object, name: object, fonts: dict, font: object) -> None:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if not isinstance(xobjects, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name) or name not in xobjects:
            return
        xobject = xobjects[name]
        if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != Name.Form:
            return
        info = self._form(xobject, parent_fonts=fonts)
        if info.inherits_font and isinstance(font, tuple):
            self.pinned.add(font)  # the form shows text in the font of this content

    def _show(self, text: _Text, font: object, tw: float | None, info: _FormInfo | None) -> bool:
        """Collect (no plans) one text-showing operation, or tell whether it is to be re-encoded (plans)."""
        if info is not None:
            info.shows_text = True
            if font == _INHERITED:
                info.inherits_font = True
        if not isinstance(font, tuple) or text.strings is None:
            return False
        kind = self.kinds.get(font)
        if kind is None:
            return False
        if self.plans is not None:
            return font in self.plans
        codes = self.usage.setdefault(font, set())
        if kind == "cid":
            dangling, shown, count = text.cid()
            if dangling:
                self.pinned.add(font)  # a dangling byte: viewers differ
        else:
            space, shown, count = text.simple()
            if tw != 0 and space:
                self.pinned.add(font)  # Tw applies to 1-byte code 32 only, never to CIDs
        codes |= shown
        self.shown[font] += count
        return False

    # ------------------------------------------------------------ re-encoding

    def _rewrite(self, stream: pikepdf.Stream, parsed: _Stream, changes: list[tuple[int, ObjGen, _Text]]) -> bytes:
        """The content of ``stream`` with the strings of the instructions ``changes`` lists re-encoded.

        Exactly what unparsing the whole stream would give, but only the
        lines that change are built, each once per font.
        """
        if parsed.text is None:  # inline images: parse it all again
            instructions = pikepdf.parse_content_stream(stream, "")
            for index, font, _ in changes:
                instructions[index] = _reencode(instructions[index], self.plans[font])
            return pikepdf.unparse_content_stream(instructions)
        lines = parsed.text.split(b"\n")
        built = self._lines
        pending = [change for change in changes if (change[1], change[2]) not in built]
        if pending:
            self._build(stream, lines, pending)
        for index, font, text in changes:
            lines[index] = built[(font, text)]
        return b"\n".join(lines)

    def _build(self, stream: pikepdf.Stream, lines: list[bytes], pending: list[tuple[int, ObjGen, _Text]]) -> None:
        """Re-encode these lines: item by item where every item is a string or a number.

        The items of a line are written one space apart, each as it would be
        alone: each string is re-encoded, and each number converted, once
        per font (by pikepdf, as for the whole line).
        """
        unknown: dict[ObjGen, set[bytes]] = {}
        for _, font, text in pending:
            if text.parts is not None:
                absent = set(text.parts[1]).difference(self._tokens.setdefault(font, {}))
                if absent:
                    unknown.setdefault(font, set()).update(absent)
        for font, items in unknown.items():
            self._convert(font, items)
        slow: dict[tuple[ObjGen, _Text], int] = {}
        for index, font, text in pending:
            key = (font, text)
            if text.parts is not None:
                head, items, tail = text.parts
                try:
                    self._lines[key] = head + b" ".join(map(self._tokens[font].__getitem__, items)) + tail
                    continue
                except TypeError:  # an item that could not be converted: the slow way
                    pass
            slow.setdefault(key, index)
        if slow:
            instructions = self.parsed.reparse([lines[index] for index in slow.values()])
            if instructions is None:  # never seen: take the instructions from the stream itself
                everything = pikepdf.parse_content_stream(stream, "")
                instructions = [everything[index] for index in slow.values()]
            rewritten = _unparse_lines([_reencode(instruction, self.plans[font])
                                        for (font, _), instruction in zip(slow, instructions)])
            self._lines.update(zip(slow, rewritten))

    def _convert(self, font: ObjGen, items: set[bytes]) -> None:
        """Each item (unparsed string or number) as :func:`_reencode` would write it for ``font``, or None.

        Strings re-encoded by the font's plan, numbers read and written back
        by pikepdf (``1.`` becomes ``1``), all unparsed in one array.
        """
        table = self._tokens[font]
        table.update(dict.fromkeys(items))  # None until converted below
        values = self.parsed.items
        strings = sorted(item for item in items if values[item] is not None)
        numbers = sorted(item for item in items if values[item] is None)
        if strings:
            plan = self.plans[font]
            converted = _unparse_items([plan.encode(values[item]) for item in strings])
            if converted is not None:
                table.update(zip(strings, converted))
        if numbers:
            unknown = [item for item in numbers if item not in self._numbers]
            if unknown:
                found = self.parsed.reparse([b"[ " + b" ".join(unknown) + b" ] TJ"])
                operands = found[0].operands if found is not None else ()
                read = list(operands[0]) if len(operands) == 1 and isinstance(operands[0], pikepdf.Array) else []
                converted = _unparse_items(read) if len(read) == len(unknown) else None
                self._numbers.update(zip(unknown, converted if converted is not None else [None] * len(unknown)))
            table.update((item, self._numbers[item]) for item in numbers)

    # ------------------------------------------------------------ results

    def apply(self, new_fonts: dict[ObjGen, pikepdf.Object]) -> None:
        """Write the new contents and point the font names at the new fonts (nothing changes before)."""
        for stream, data in self.writes:
            stream.write(data)
        for page, contents in self.contents:
            page.Contents = contents
        for fonts in self.font_dicts:
            for name in sorted(fonts.keys()):
                value = fonts[name]
                if isinstance(value, pikepdf.Dictionary) and value.is_indirect and value.objgen in new_fonts:
                    fonts[name] = new_fonts[value.objgen]
