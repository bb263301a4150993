"""Dossier kinds as data: which parts a dossier has, in which order, which are
required. Each kind is one YAML file in ``dossier/assemble/kinds/``; the
registry discovers them, so adding a kind is adding a file."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import Problem, input_error
from ..load.files import load_yaml_text

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
    compose: str = ""  # document parts: the composer that writes it (see dossier.compose)
    file: str = ""  # document parts: the file name in the output folder, without suffix
    issuer: tuple[tuple[str, str], ...] = ()  # who issues it, as a route (dossier.units.party); () = the dossier's unit


@dataclass(frozen=True)
class Basis:
    """The legal basis of a procedure. ``verified`` false: the documents and
    reports say what a clerk must check (``check``, Vietnamese)."""

    text: str
    verified: bool
    check: str = ""


@dataclass(frozen=True)
class DossierKind:
    name: str
    title: str
    parts: tuple[PartDef, ...]
    sender: str = ""
    recipient: str = ""
    # where the dossier goes, as routes from the sending unit (dossier.units.party):
    # {"recipient": {"unit_type": …}, "through": {"unit_type": …, "agency": …}}
    route: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    wording: tuple[tuple[str, str], ...] = ()  # phrases of the procedure the composers use
    basis: Basis | None = None  # the procedure's legal basis, and whether it is confirmed
    pipeline: str = ""  # the module of dossier.pipeline that builds it
    nests: str = ""  # the field of the dossier file listing the dossier files it nests

    def words(self, key: str, default: str) -> str:
        return dict(self.wording).get(key, default)

    def route_to(self, name: str) -> dict[str, str] | None:
        found = dict(self.route).get(name)
        return dict(found) if found is not None else None

    def documents(self) -> tuple[PartDef, ...]:
        """The parts made from data, in the kind's order."""
        return tuple(p for p in self.parts if p.compose)

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
        compose, file = str(raw.get("compose", "")), str(raw.get("file", ""))
        if kind == "document" and bool(compose) != bool(file):
            problems.append(Problem(f"{where}, thành phần {raw['key']}", "«compose» và «file» phải đi cùng nhau"))
        parts.append(PartDef(str(raw["key"]), _nfc(raw["title"]), kind, bool(raw.get("required", True)),
                             compose, file, _pairs(raw.get("issuer"), f"{where}, thành phần {raw['key']}.issuer",
                                                   problems)))
    keys = [p.key for p in parts]
    problems += [Problem(where, f"khóa «{k}» lặp lại") for k in sorted({k for k in keys if keys.count(k) > 1})]
    route = tuple((str(k), _pairs(v, f"{where}, route.{k}", problems)) for k, v in (data.get("route") or {}).items())
    wording = _pairs(data.get("wording"), f"{where}, wording", problems)
    basis = _basis(data.get("basis"), where, problems)
    if problems:
        raise input_error(f"Định nghĩa loại hồ sơ {name} không hợp lệ.", problems)
    return DossierKind(
        name=str(data.get("name", name)),
        title=_nfc(data.get("title", "")),
        parts=tuple(parts),
        sender=_nfc(data.get("sender", "")),
        recipient=_nfc(data.get("recipient", "")),
        route=route,
        wording=wording,
        basis=basis,
        pipeline=str(data.get("pipeline", "")),
        nests=str(data.get("nests", "")),
    )


def _pairs(raw: object, where: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(isinstance(v, str | int) for v in raw.values()):
        problems.append(Problem(where, "cần một bảng khóa: chuỗi"))
        return ()
    return tuple((str(k), _nfc(v)) for k, v in raw.items())


def _basis(raw: object, where: str, problems: list[Problem]) -> Basis | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get("text") or not isinstance(raw.get("verified", False), bool):
        problems.append(Problem(f"{where}, basis", "cần «text» (chuỗi) và «verified» (true/false)"))
        return None
    return Basis(_nfc(raw["text"]), bool(raw.get("verified", False)), _nfc(raw.get("check", "")))


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
    return _parse(name, load_yaml_text(files[name].read_text(encoding="utf-8")))  # type: ignore[attr-defined]
