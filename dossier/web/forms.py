"""An HTML form generated from a pydantic schema (the document schema of
:mod:`dossier.models.document`), and back: form fields → the same data a YAML
file holds → the same validation as the CLI, its Vietnamese messages placed
beside the field they name.

Field kinds come from the annotations: ``str`` → a text box, ``int`` → a
number, ``date`` → a date picker, ``Literal`` → a list, ``bool`` → a tick box,
``list[str]`` → one item per line, a nested schema → a group of fields, a list
of schemas → one item per line (its first text field), anything else (free
tables) → a YAML box. The document body is one paragraph per line, with
``#`` (phần), ``##`` (đề mục), ``###`` (mục con) and ``-`` (gạch đầu dòng).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from ..models.validation import _message as pydantic_message
from ..models.validation import _path as field_path

MAX_TEXT = 20_000  # characters per form field (the data loader's own bounds apply after)


@dataclass(frozen=True)
class FormField:
    name: str  # dotted path in the data: "signer.name"
    label: str
    kind: str  # text | textarea | number | date | select | checkbox | lines | body | items | yaml | group
    required: bool = False
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()
    children: tuple[FormField, ...] = ()
    item_key: str = ""  # items: the schema field each line fills
    sub_key: str = ""  # items: the list a "- " line under an item fills


@dataclass
class FormState:
    """What the page shows: values by field name, problems by field name, the rest on top."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(annotation without None, whether None was allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _is_schema(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def fields_for(model: type[BaseModel], labels: dict[str, tuple[str, str]], prefix: str = "",
               long_text: frozenset[str] = frozenset(), skip: frozenset[str] = frozenset()) -> tuple[FormField, ...]:
    """The form of ``model``; ``labels`` maps a dotted name to (label, help)."""
    out = []
    for key, info in model.model_fields.items():
        name = prefix + key
        if name in skip:
            continue
        label, help_text = labels.get(name, (key, info.description or ""))
        annotation, optional = _unwrap(info.annotation)
        required = info.is_required() and not optional
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        common = {"name": name, "label": label, "required": required, "help": help_text}
        if name == "body":
            out.append(FormField(kind="body", **common))
        elif _is_schema(annotation):
            out.append(FormField(kind="group", children=fields_for(annotation, labels, name + ".", long_text, skip),
                                 **common))
        elif origin is Literal:
            options = tuple((str(a), labels.get(f"{name}={a}", (str(a), ""))[0]) for a in args)
            out.append(FormField(kind="select", options=options, **common))
        elif annotation is bool:
            out.append(FormField(kind="checkbox", **common))
        elif annotation is int:
            out.append(FormField(kind="number", **common))
        elif annotation is dt.date:
            out.append(FormField(kind="date", **common))
        elif annotation is str:
            out.append(FormField(kind="textarea" if name in long_text else "text", **common))
        elif origin is list and args and args[0] is str:
            out.append(FormField(kind="lines", **common))
        elif origin is list and args and _is_schema(args[0]):
            item = args[0]
            keys = [k for k, f in item.model_fields.items() if typing.get_origin(f.annotation) is not list]
            subs = [k for k, f in item.model_fields.items() if typing.get_origin(f.annotation) is list]
            out.append(FormField(kind="items", item_key=keys[0], sub_key=subs[0] if subs else "", **common))
        else:
            out.append(FormField(kind="yaml", **common))
    return tuple(out)


def walk(fields: tuple[FormField, ...]):
    for f in fields:
        if f.kind == "group":
            yield from walk(f.children)
        else:
            yield f


# --------------------------------------------------------------------------- body text


BODY_MARKS = (("### ", "sub"), ("## ", "heading"), ("# ", "part"), ("- ", "bullet"))


def parse_body(text: str) -> list[Any]:
    """Lines with ``#``/``##``/``###``/``-`` marks → the body blocks of the schema."""
    root: list[Any] = []
    part: dict | None = None
    heading: dict | None = None
    sub: dict | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        kind, text_ = "text", line
        for mark, name in BODY_MARKS:
            if line.startswith(mark.strip()) and (line.startswith(mark) or line == mark.strip()):
                kind, text_ = name, line[len(mark):].strip()
                break
        if kind == "part":
            part, heading, sub = {"part": text_, "content": []}, None, None
            root.append(part)
            continue
        container = (sub or heading or part or {"content": root})["content"]
        if kind == "heading":
            heading, sub = {"heading": text_, "content": []}, None
            (part["content"] if part else root).append(heading)
        elif kind == "sub":
            sub = {"heading": text_, "content": []}
            (heading["content"] if heading else container).append(sub)
        elif kind == "bullet":
            container.append({"bullet": text_})
        else:
            container.append(text_)
    return [_drop_empty(b) for b in root]


def _drop_empty(block: Any) -> Any:
    if isinstance(block, dict) and "content" in block:
        block["content"] = [_drop_empty(b) for b in block["content"]]
        if not block["content"]:
            del block["content"]
    return block


def body_text(blocks: list[Any], depth: int = 0) -> str:
    """The inverse of :func:`parse_body` (for a data file opened in the form)."""
    lines: list[str] = []
    for block in blocks or []:
        if isinstance(block, str):
            lines.append(block)
            continue
        if not isinstance(block, dict):
            continue
        if "part" in block:
            lines.append(f"# {block['part']}")
        elif "heading" in block:
            lines.append(("### " if depth else "## ") + str(block["heading"]))
        elif "bullet" in block:
            lines.append(f"- {block['bullet']}")
        elif "bullets" in block:
            lines.extend(f"- {b}" for b in block["bullets"])
        elif "text" in block:
            lines.append(str(block["text"]))
        if "content" in block:
            inner = body_text(block["content"], depth + (1 if "heading" in block else 0))
            if inner:
                lines.append(inner)
    return "\n".join(lines)


# --------------------------------------------------------------------------- form ↔ data


def _set(data: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for p in parents:
        data = data.setdefault(p, {})
    data[last] = value


def _get(data: Any, dotted: str) -> Any:
    for p in dotted.split("."):
        if not isinstance(data, dict) or p not in data:
            return None
        data = data[p]
    return data


def form_to_data(fields: tuple[FormField, ...], form) -> tuple[dict[str, Any], FormState]:
    """Parse a submitted form; problems of form syntax (bad YAML) go in the state."""
    state = FormState()
    data: dict[str, Any] = {}
    for f in fields:
        if f.kind == "group":
            inner, sub_state = form_to_data(f.children, form)
            state.values.update(sub_state.values)
            state.errors.update(sub_state.errors)
            filled = any(sub_state.values.get(c.name) not in ("", False, None) for c in walk(f.children)
                         if c.kind != "checkbox")
            if filled or f.required:
                _set(data, f.name, _get(inner, f.name) or {})
            continue
        raw = str(form.get(f.name, ""))[:MAX_TEXT].replace("\r\n", "\n")
        state.values[f.name] = raw if f.kind != "checkbox" else bool(form.get(f.name))
        value = _parse(f, raw, form, state)
        if value is not None:
            _set(data, f.name, value)
    return data, state


def _parse(f: FormField, raw: str, form, state: FormState) -> Any:
    text = raw.strip()
    if f.kind == "checkbox":
        return bool(form.get(f.name))
    if not text:
        return "" if f.required and f.kind in ("text", "textarea") else None  # "không được để trống"
    if f.kind == "number":
        return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text
    if f.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if f.kind == "body":
        return parse_body(text)
    if f.kind == "items":
        items: list[dict[str, Any]] = []
        for line in (line.strip() for line in text.splitlines()):
            if line.startswith("- ") and items and f.sub_key:
                items[-1].setdefault(f.sub_key, []).append(line[2:].strip())
            elif line:
                items.append({f.item_key: line})
        return items
    if f.kind == "yaml":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            state.errors.setdefault(f.name, []).append("không đọc được (cần dạng YAML: «khóa: giá trị»)")
            return None
    return text


def data_to_values(fields: tuple[FormField, ...], data: dict[str, Any]) -> dict[str, Any]:
    """The form values showing ``data`` (a data file opened in the form)."""
    values: dict[str, Any] = {}
    for f in walk(fields):
        value = _get(data, f.name)
        if f.kind == "checkbox":
            values[f.name] = True if value is None else bool(value)
        elif value is None:
            values[f.name] = ""
        elif f.kind == "lines":
            values[f.name] = "\n".join(value) if isinstance(value, list) else str(value)
        elif f.kind == "body":
            values[f.name] = body_text(value if isinstance(value, list) else [value])
        elif f.kind == "items":
            lines = []
            for item in value or []:
                lines.append(str(item.get(f.item_key, "")) if isinstance(item, dict) else str(item))
                if isinstance(item, dict) and f.sub_key:
                    lines.extend(f"- {s}" for s in item.get(f.sub_key) or [])
            values[f.name] = "\n".join(lines)
        elif f.kind == "yaml":
            values[f.name] = yaml.safe_dump(value, allow_unicode=True, sort_keys=False).strip()
        elif isinstance(value, dt.date):
            values[f.name] = value.isoformat()
        else:
            values[f.name] = str(value)
    return values


def validate_form(model: type[BaseModel], fields: tuple[FormField, ...], data: dict[str, Any],
                  state: FormState) -> BaseModel | None:
    """Validate ``data`` as the CLI does; place each message beside its field."""
    if state.errors:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        names = [f.name for f in walk(fields)]
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            where = field_path(loc).strip()
            message = pydantic_message(err).removesuffix(", nhận được ''")
            target = _field_of(where, names)
            if target is None:
                state.general.append(f"trường {where}: {message}" if where else message)
            else:
                detail = where[len(target):].lstrip(".")
                state.errors.setdefault(target, []).append(f"{detail}: {message}" if detail else message)
        return None


def _field_of(where: str, names: list[str]) -> str | None:
    if not where:
        return None
    for name in sorted(names, key=len, reverse=True):
        if where == name or where.startswith(name + ".") or where.startswith(name + "["):
            return name
    return None
