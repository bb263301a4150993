"""Which pipeline builds a dossier file, by the file's ``kind`` field."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..assemble.kinds import available_kinds, load_kind
from ..errors import Problem, input_error
from ..load.files import load_mapping

# A kind's data (dossier/assemble/kinds/*.yaml) names its pipeline: a module of dossier.pipeline
# exposing build(data_file, out_dir, *, draft, converter, allow_outside, progress) -> DossierResult,
# and the field listing the dossier files it nests (built first, then copied in).
PIPELINES = {name: load_kind(name).pipeline for name in available_kinds() if load_kind(name).pipeline}
NESTED = {name: load_kind(name).nests for name in available_kinds() if load_kind(name).nests}


def nested_files(data_file: Path) -> list[Path]:
    """The dossier files ``data_file`` nests, resolved; for scheduling, so it never raises
    (a file that cannot be read names nothing, and its build reports why)."""
    try:
        data = load_mapping(data_file)
    except Exception:  # noqa: BLE001 - the build itself reports the error
        return []
    field = NESTED.get(data.get("kind", "xa-ntm"))
    names = data.get(field) if field else None
    if not isinstance(names, list):
        return []
    return [(Path(data_file).parent / n).resolve() for n in names if isinstance(n, str)]


def pipeline_for(data_file: Path):
    kind = load_mapping(data_file).get("kind", "xa-ntm")
    if kind not in PIPELINES:
        raise input_error(
            f"Không biết cách tạo hồ sơ loại '{kind}'.",
            [Problem(f"{data_file}, trường kind", f"chỉ nhận: {', '.join(sorted(PIPELINES))}")],
        )
    return importlib.import_module(f"{__package__}.{PIPELINES[kind]}")
