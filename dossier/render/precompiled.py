"""The bundled templates compiled at set-up, as the package's own bytecode is.

Compiling the nine bundled DOCX templates (Jinja code of each part, and the
variables each uses) takes 0.18 CPU-s, paid by every process before its first
fill and by the zygote of :mod:`dossier.pipeline.zygote` before it serves.
``make setup`` runs ``tools/precompile_templates.py``, which writes the
compiled code of every part source and the variables of every bundled
template to ``templates/__jinjacache__/`` (:func:`write`); a process then
loads them (marshal) instead of compiling.

An entry is found by a key over the source, the version of Python and Jinja,
the environment's settings, filters and tests, and every file of the
``dossier`` package (:func:`dossier.keyed.key`): code that changed, a new
Python or another environment never reads an older entry; it compiles as it
would without the folder. The folder is only written by the command above,
which empties it first.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import shutil
from pathlib import Path

import jinja2

from ..paths import TEMPLATES_DIR

FOLDER = TEMPLATES_DIR / "__jinjacache__"


def _settings(env: jinja2.Environment) -> str:
    """What of ``env`` decides the code its compiler writes."""
    names = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
             "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
             "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")
    values = {name: getattr(env, name, None) for name in names}
    values["autoescape"] = env.autoescape if isinstance(env.autoescape, bool) else _name(env.autoescape)
    values["finalize"] = _name(env.finalize) if env.finalize else None
    values["class"] = _name(type(env))
    values["extensions"] = sorted(env.extensions)
    values["filters"] = sorted(env.filters)
    values["tests"] = sorted(env.tests)
    values["python"] = importlib.util.MAGIC_NUMBER.hex()
    values["jinja"] = jinja2.__version__
    return json.dumps(values, sort_keys=True, default=str)


def _name(obj: object) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _key(env: jinja2.Environment, kind: str, data: str | bytes) -> str:
    from ..keyed import key

    return key(kind, _settings(env), data)


def code(env: jinja2.Environment, source: str):
    """The compiled code of ``source`` in ``env``, or None when set-up did not compile it."""
    try:
        return marshal.loads((FOLDER / _key(env, "code", source)).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def variables(env: jinja2.Environment, digest: bytes) -> frozenset[str] | None:
    """The undeclared variables of the template whose file's SHA-256 is ``digest``, or None."""
    try:
        names = json.loads((FOLDER / _key(env, "variables", digest)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return frozenset(names) if isinstance(names, list) else None


def write(env: jinja2.Environment, templates: list[tuple[bytes, frozenset[str], list[str]]]) -> int:
    """Empty :data:`FOLDER`, then write, for each template's (digest, variables, part sources),
    its variables and the code ``env`` compiles for each source; return how many sources."""
    shutil.rmtree(FOLDER, ignore_errors=True)
    staging = FOLDER.with_name(FOLDER.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    written = 0
    for digest, names, sources in templates:
        (staging / _key(env, "variables", digest)).write_text(json.dumps(sorted(names)), encoding="utf-8")
        for source in sources:
            compiled = env.compile(source)  # as env.from_string compiles it
            (staging / _key(env, "code", source)).write_bytes(marshal.dumps(compiled))
            written += 1
    staging.rename(FOLDER)
    return written
