"""Dossier kinds as data: which parts a dossier has, in which order, which are
required. Each kind is one YAML file in ``dossier/assemble/kinds/``; the
registry discovers them, so adding a kind is adding a file."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ..errors import Problem, input_error

PART_KINDS = ("document", "annex-pdf", "photos")


@dataclass(frozen=True)
class PartDef:
    """One part of a dossier kind.

    ``key``: the name sources are given under; ``title``: Vietnamese, shown in
    the contents and bookmarks; ``required``: a missing required part stops a
    final build; ``kind``: ``document`` (PDF made from a DOCX), ``annex-pdf``
    (PDFs supplied as they are) or ``photos`` (JPEG/PNG laid out on A4 pages).
    """

    key: str
    title: str
    kind: str
    required: bool


@dataclass(frozen=True)
class DossierKind:
    name: str
    title: str
    parts: tuple[PartDef, ...]
    sender: str = ""
    recipient: str = ""

    def part(self, key: str) -> PartDef:
        for part in self.parts:
            if part.key == key:
                return part
        raise KeyError(key)


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value))


def _parse(name: str, data: object) -> DossierKind:
    where = f"dossier/assemble/kinds/{name}.yaml"
    if not isinstance(data, dict) or not isinstance(data.get("parts"), list) or not data["parts"]:
        raise input_error(f"Định nghĩa loại hồ sơ {where} phải có danh sách «parts».")
    problems: list[Problem] = []
    parts: list[PartDef] = []
    for i, raw in enumerate(data["parts"], 1):
        if not isinstance(raw, dict) or not raw.get("key") or not raw.get("title"):
            problems.append(Problem(f"{where}, thành phần {i}", "cần có «key» và «title»"))
            continue
        kind = raw.get("kind", "document")
        if kind not in PART_KINDS:
            problems.append(Problem(f"{where}, thành phần {raw['key']}", f"«kind» phải là một trong {', '.join(PART_KINDS)}"))
        parts.append(PartDef(str(raw["key"]), _nfc(raw["title"]), kind, bool(raw.get("required", True))))
    keys = [p.key for p in parts]
    problems += [Problem(where, f"khóa «{k}» lặp lại") for k in sorted({k for k in keys if keys.count(k) > 1})]
    if problems:
        raise input_error(f"Định nghĩa loại hồ sơ {name} không hợp lệ.", problems)
    return DossierKind(
        name=str(data.get("name", name)),
        title=_nfc(data.get("title", "")),
        parts=tuple(parts),
        sender=_nfc(data.get("sender", "")),
        recipient=_nfc(data.get("recipient", "")),
    )


def _kind_files() -> dict[str, object]:
    folder = resources.files(__package__).joinpath("kinds")
    return {entry.name[: -len(".yaml")]: entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def available_kinds() -> list[str]:
    """Names of the dossier kinds shipped as package data (e.g. ``xa-ntm``)."""
    return sorted(_kind_files())


@lru_cache(maxsize=None)
def load_kind(name: str) -> DossierKind:
    """The dossier kind called ``name``; a Vietnamese input error when unknown."""
    files = _kind_files()
    if name not in files:
        raise input_error(
            f"Không có loại hồ sơ «{name}».",
            hint=f"Các loại hồ sơ có sẵn: {', '.join(sorted(files))}.",
        )
    return _parse(name, yaml.safe_load(files[name].read_text(encoding="utf-8")))  # type: ignore[attr-defined]
