"""Helpers for the assessment tests: sample data as dicts, written back to YAML."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from dossier.load.files import load_mapping

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = ROOT / "samples" / "tam-duong" / "communes"


def sample(slug: str = "son-binh") -> dict:
    return copy.deepcopy(load_mapping(COMMUNES / f"{slug}.yaml"))


def write(tmp_path: Path, data: dict, name: str = "xa.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
