"""Regenerate samples/tam-duong/communes-xlsx/son-binh.xlsx: the clerks' Excel
form filled from samples/tam-duong/communes/son-binh.yaml (same data, so
`dossier assess` gives the same result on both).

    .venv/bin/python tools/make_sample_workbook.py
"""

from __future__ import annotations

from pathlib import Path

from dossier.criteria import load_assessment
from dossier.report.form import write_form

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "samples" / "tam-duong" / "communes" / "son-binh.yaml"
TARGET = ROOT / "samples" / "tam-duong" / "communes-xlsx" / "son-binh.xlsx"


def main() -> None:
    write_form(TARGET, assessment=load_assessment(SOURCE))
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
