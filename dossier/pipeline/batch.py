"""Every commune of a district at once: each commune's assessment report
(XLSX, DOCX, PDF) and, where a dossier file exists, its recognition dossier;
then the district summary. Communes run in worker processes, each with one
warm LibreOffice reused for all its documents; a failing commune is reported
and the others go on.

Data folder layout::

    DIR/communes/<slug>.yaml|.xlsx     assessments
    DIR/ho-so-<name>.yaml              dossier files (any kind: xa-ntm, ban-ntm, huyen-ntm…)

Output layout::

    OUT/<slug>/danh-gia.xlsx|.docx|.pdf
    OUT/ho-so/<name>/…                 (ho-so.pdf, documents, manifest.json)
    OUT/tong-hop/tong-hop.xlsx|.docx|.pdf
"""

from __future__ import annotations

import atexit
import os
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DossierError, input_error
from ..load.files import load_mapping

ASSESSMENT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")
REPORT = "danh-gia"
SUMMARY_DIR = "tong-hop"
DOSSIERS_DIR = "ho-so"

@dataclass(frozen=True)
class Unit:
    """One commune: its assessment and the dossier files that name it."""

    slug: str
    assessment: Path | None  # None: a district-level dossier that belongs to no one commune
    dossiers: tuple[Path, ...] = ()

@dataclass
class Outcome:
    slug: str
    ok: bool
    seconds: float
    outputs: list[Path] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    error: str = ""
    pages: int = 0

def discover(data_dir: Path) -> list[Unit]:
    """The communes of ``data_dir`` and their dossier files, in name order."""
    data_dir = Path(data_dir)
    communes = data_dir / "communes"
    if not communes.is_dir():
        raise input_error(f"Không thấy thư mục {communes}.",
                          hint="Thư mục dữ liệu cần có thư mục con 'communes' chứa tệp đánh giá của từng xã.")
    files = sorted(p for p in communes.iterdir() if p.suffix.lower() in ASSESSMENT_SUFFIXES and p.is_file())
    by_file = {p.resolve(): p.stem for p in files}
    dossiers: dict[str, list[Path]] = {}
    for dossier in sorted(data_dir.glob("ho-so-*.yaml")):
        named = load_mapping(dossier).get("assessment")
        slug = by_file.get((data_dir / str(named)).resolve()) if named else None
        dossiers.setdefault(slug or dossier.stem.removeprefix("ho-so-"), []).append(dossier)
    units = [Unit(p.stem, p, tuple(dossiers.pop(p.stem, ()))) for p in files]
    if not units:
        raise input_error(f"Thư mục {communes} không có tệp đánh giá nào (.yaml, .json hoặc .xlsx).")
    # Dossier files naming no commune's assessment (the district's dossier to the province)
    units += [Unit(name, None, tuple(found)) for name, found in sorted(dossiers.items())]
    return units

# --- one worker process: one warm LibreOffice for everything it converts -------------------

_CONVERTER = None

def _converter():
    global _CONVERTER
    if _CONVERTER is None:
        from ..convert import Converter

        _CONVERTER = Converter(workers=1)
        _CONVERTER.warm()
        atexit.register(_CONVERTER.close)
    return _CONVERTER

def build_unit(unit: Unit, out_root: Path, *, draft: bool = False) -> Outcome:
    """Build one commune; never raises (a failure is an Outcome with its message)."""
    start = time.perf_counter()
    from ..render.reports import TEMPLATE

    outcome = Outcome(unit.slug, ok=False, seconds=0.0, inputs=[unit.assessment, TEMPLATE] if unit.assessment else [])
    try:
        _converter()  # LibreOffice starts in the background while the data is read and rendered
        if unit.assessment:
            outcome.outputs += _assessment_report(unit, Path(out_root) / unit.slug)
        for dossier in unit.dossiers:
            from .registry import pipeline_for

            name = dossier.stem.removeprefix("ho-so-")
            result = pipeline_for(dossier).build(dossier, Path(out_root) / DOSSIERS_DIR / name, draft=draft,
                                                 converter=_converter())
            outcome.outputs.append(result.output)
            outcome.inputs += result.inputs
            outcome.pages += result.pages
        outcome.ok = True
    except DossierError as exc:
        outcome.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one commune's bug must not stop the batch
        outcome.error = f"Lỗi không mong đợi ({type(exc).__name__}): {exc}\n{traceback.format_exc(limit=5)}"
    outcome.seconds = time.perf_counter() - start
    return outcome

def _assessment_report(unit: Unit, out_dir: Path) -> list[Path]:
    from ..criteria import evaluate, load_assessment
    from ..report.context import assessment_context

    ctx = assessment_context(evaluate(load_assessment(unit.assessment)))
    return _report_files("assessment", ctx, out_dir, REPORT, _converter())


def _report_files(kind: str, ctx: dict, out_dir: Path, stem: str, converter) -> list[Path]:
    """XLSX, DOCX, and the PDF converted from that same DOCX (rendered once)."""
    from ..pipeline.commune import convert_all
    from ..render.reports import render_report_docx
    from ..report.xlsx_report import write_xlsx

    xlsx, docx, pdf = (out_dir / f"{stem}{ext}" for ext in (".xlsx", ".docx", ".pdf"))
    write_xlsx(ctx, kind, xlsx)
    render_report_docx(kind, ctx, docx)
    convert_all([(docx, pdf)], converter)
    return [xlsx, docx, pdf]

def build_summary(data_dir: Path, out_root: Path, converter=None) -> list[Path]:
    """The district summary over every commune of ``data_dir``."""
    from ..criteria import load_folder, summarise
    from ..report.context import summary_context

    ctx = summary_context(summarise(load_folder(Path(data_dir) / "communes")))
    return _report_files("district-summary", ctx, Path(out_root) / SUMMARY_DIR, SUMMARY_DIR, converter)

def run(units: list[Unit], out_root: Path, *, jobs: int = 1, draft: bool = False) -> Iterator[Outcome]:
    """Build ``units`` with ``jobs`` worker processes, yielding outcomes as they finish."""
    jobs = max(1, min(jobs, len(units)))
    # Longest first (communes with dossiers), so a big one doesn't start last and hold up the end.
    units = sorted(units, key=lambda u: (-len(u.dossiers), u.slug))
    if jobs == 1:
        for unit in units:
            yield build_unit(unit, out_root, draft=draft)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(build_unit, unit, out_root, draft=draft) for unit in units]
        for future in as_completed(futures):
            yield future.result()

def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))
