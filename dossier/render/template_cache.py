"""The work of filling a DOCX template that depends only on the template, done
once per process: a batch fills the same few templates dozens of times.

Remembered, each in a small LRU keyed by content (so a template edited on disk
is read afresh, and memory stays bounded):

* the variables a template uses (:meth:`CachedDocxTemplate.undeclared_variables`), by the
  SHA-256 of the template file;
* docxtpl's patched XML of each part (``patch_xml``: a dozen regexes over the
  whole XML), by the part's XML text;
* the compiled Jinja template of each part (:func:`compile_once`), by its source.

The bundled templates' code and variables also come compiled from set-up
(:mod:`.precompiled`), as the package's bytecode does.

:func:`warm_up` fills them for the bundled templates ahead of time (the zygote
of :mod:`dossier.pipeline.warm` does, once for all its workers).

Only the data-independent steps are cached: every fill still loads a fresh
package, renders in the same sandboxed environment (autoescape, undefined
variables raising, under the caller's time limit) and produces the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta

from . import precompiled


class LRU:
    """A small least-recently-used map; ``get`` computes a missing value with ``make``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock; an exception is not remembered
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


_UNDECLARED = LRU(32)  # per template file
_PATCHED = LRU(128)  # per part: a template has its body and a few headers/footers
_COMPILED = 256  # per environment, per part and core property (title, author… are templates too)


class CachedDocxTemplate(DocxTemplate):
    """A docxtpl template read from ``data`` (the template file's bytes) that
    remembers its data-independent steps across instances."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.digest = hashlib.sha256(data).digest()

    def patch_xml(self, src_xml: str) -> str:
        return _PATCHED.get(src_xml, lambda: DocxTemplate.patch_xml(self, src_xml))

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's pass turning tab, newline, bell and form-feed characters inside
        ``<w:t>`` texts into Word markup (10 ms of regexes over a report); a text
        cannot contain ``<``, so when no text has one of them the pass changes nothing."""
        return DocxTemplate.resolve_listing(self, xml) if _LISTING_CHARS.search(xml) else xml

    def part_sources(self) -> list[str]:
        """The Jinja sources docxtpl's ``render`` compiles for this template: each part
        (body, headers, footers), patched and split as ``render_xml_part`` does, and
        the core properties. For warming the caches (:func:`warm_up`)."""
        props = self.get_docx().core_properties
        return self._xml_sources() + [getattr(props, name) for name in _TEMPLATED_PROPERTIES]

    def _xml_sources(self) -> list[str]:
        self.get_docx()  # loaded once (docxtpl reloads only a rendered one)
        parts = [self.get_xml()]
        for uri in (self.HEADER_URI, self.FOOTER_URI):
            parts += [self.get_part_xml(part) for _, part in self.get_headers_footers(uri)]
        return [re.sub(r"<w:p([ >])", r"\n<w:p\1", self.patch_xml(xml)) for xml in parts]

    def undeclared_variables(self, env: jinja2.Environment) -> frozenset[str]:
        """The variables the template's parts use without setting them (docxtpl's
        ``get_undeclared_template_variables(env)``), remembered. Call it before
        rendering: it reads the loaded package instead of loading a second one."""
        return _UNDECLARED.get((self.digest, id(env)), lambda: self._undeclared_or_precompiled(env))

    def _undeclared_or_precompiled(self, env: jinja2.Environment) -> frozenset[str]:
        found = precompiled.variables(env, self.digest)
        return found if found is not None else self._undeclared(env)

    def _undeclared(self, env: jinja2.Environment) -> frozenset[str]:
        """Part by part, as they are rendered (a variable set in the body is not set in
        a footer), over the sources the fill compiles: docxtpl's own way serialises and
        patches the whole package once more, twice the time."""
        names: set[str] = set()
        for source in self._xml_sources():
            names |= meta.find_undeclared_variables(env.parse(source))
        return frozenset(names)


_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
# the core properties docxtpl renders as templates (DocxTemplate.render_properties)
_TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def warm_up(templates: list[bytes], env: jinja2.Environment) -> int:
    """Do the data-independent work of ``templates`` (their bytes) now, in ``env``
    made by :func:`compile_once`: the zygote does it once for every worker it forks.
    Returns how many sources were compiled; a broken template is skipped (its
    fill reports the error)."""
    compiled = 0
    for data in templates:
        try:
            tpl = CachedDocxTemplate(data)
            tpl.undeclared_variables(env)
            for source in tpl.part_sources():
                env.from_string(source)
                compiled += 1
        except Exception:  # noqa: BLE001 - reported when the template is used
            continue
    return compiled


def precompile(templates: list[bytes], env: jinja2.Environment) -> int:
    """Compile ``templates`` (their bytes) for later processes (:mod:`.precompiled`, at
    set-up); return how many part sources were written."""
    entries = []
    for data in templates:
        tpl = CachedDocxTemplate(data)
        sources = [source for source in tpl.part_sources() if isinstance(source, str)]
        entries.append((tpl.digest, tpl._undeclared(env), sources))
    return precompiled.write(env, entries)


def compile_once(env: jinja2.Environment) -> jinja2.Environment:
    """Make ``env.from_string`` remember its templates by source text: docxtpl
    compiles every part of a template (and each core property) on every fill.
    A compiled template renders any number of times; the environment (sandbox,
    filters, undefined, autoescape) is the one it was compiled in."""
    compile_ = env.from_string
    cache = LRU(_COMPILED)

    def compiled(source: str) -> jinja2.Template:
        code = precompiled.code(env, source)  # a bundled template, compiled at set-up
        if code is None:
            return compile_(source)
        return env.template_class.from_code(env, code, env.make_globals(None), None)

    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return compile_(source, globals, template_class)
        return cache.get(source, lambda: compiled(source))

    env.from_string = from_string
    env.compiled = cache  # for tests: what was compiled
    return env
