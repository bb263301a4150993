"""Which pipeline builds a dossier file, by the file's ``kind`` field."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import Problem, input_error
from ..load.files import load_mapping

# dossier kind → module of dossier.pipeline exposing build(data_file, out_dir, *, draft, converter,
# allow_outside, progress) -> DossierResult
PIPELINES = {
    "xa-ntm": "commune",
    "ban-ntm": "village",
    "huyen-ntm": "district",
}


def pipeline_for(data_file: Path):
    kind = load_mapping(data_file).get("kind", "xa-ntm")
    if kind not in PIPELINES:
        raise input_error(
            f"Không biết cách tạo hồ sơ loại '{kind}'.",
            [Problem(f"{data_file}, trường kind", f"chỉ nhận: {', '.join(sorted(PIPELINES))}")],
        )
    return importlib.import_module(f"{__package__}.{PIPELINES[kind]}")
