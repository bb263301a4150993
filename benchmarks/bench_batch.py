"""The real pipeline against the naive baseline, in one run on one machine.

    .venv/bin/python benchmarks/bench_batch.py            # full district, incremental, 120 communes
    .venv/bin/python benchmarks/bench_batch.py --quick    # skip the 120-commune run

Scenarios (each timed with the same sampler):

1. ``dossier batch -j 2`` on the sample district from clean: every commune's
   report (DOCX, PDF, XLSX), the dossiers, the district summary.
2. Naive baseline on the same documents: every DOCX the batch produced, filled
   again with docxtpl (our renderer) and converted with one cold
   ``soffice --convert-to pdf`` process per document.
3. Incremental rebuild of one commune (``dossier batch --only na-tam``).
4. The district scaled to 120 synthetic communes (copies of the samples under
   new names): peak memory per worker must stay flat from 12 to 120.

Prints total time, documents/s, pages/s, peak RSS per worker process and per
LibreOffice, and the ratio baseline / dossier.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import RssSampler, _descendants, _processes, count_pages  # noqa: E402

from dossier.convert.soffice import find_soffice  # noqa: E402
from dossier.fonts import use_project_fonts  # noqa: E402

DOSSIER = str(ROOT / ".venv" / "bin" / "dossier")
SAMPLES = ROOT / "samples" / "tam-duong"


class WorkerRss:
    """Peak RSS (MB) of each Python worker process below us (not LibreOffice)."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            procs = _processes()
            for pid in _descendants(procs, __import__("os").getpid()):
                cmd = procs[pid][3]
                if "python" in cmd and "soffice" not in cmd and "uno" not in cmd:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), procs[pid][2])
            self._stop.wait(0.1)


def timed(name: str, argv: list[str], outputs_dir: Path | None = None) -> dict:
    with RssSampler() as office, WorkerRss() as workers:
        t0 = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{name}: exit {proc.returncode}")
    pdfs = sorted(outputs_dir.rglob("*.pdf")) if outputs_dir else []
    return {"name": name, "seconds": seconds, "docs": len(pdfs), "pages": count_pages(pdfs),
            "office_mb": sorted(office.peaks.values(), reverse=True),
            "worker_mb": sorted(workers.peaks.values(), reverse=True)}


def naive(docx_files: list[Path], out: Path) -> dict:
    """docxtpl re-fill (load + save of each DOCX) and one cold soffice per document."""
    from docxtpl import DocxTemplate

    soffice = find_soffice()
    env = use_project_fonts(dict(__import__("os").environ))
    out.mkdir(parents=True, exist_ok=True)
    with RssSampler() as office:
        t0 = time.perf_counter()
        for i, docx in enumerate(docx_files):
            copy = out / f"{i:03d}-{docx.name}"
            tpl = DocxTemplate(str(docx))
            tpl.render({})
            tpl.save(copy)
            profile = Path(tempfile.mkdtemp(prefix="naive-profile-"))
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                            "--outdir", str(out), str(copy)], capture_output=True, env=env, timeout=300)
            shutil.rmtree(profile, ignore_errors=True)
        seconds = time.perf_counter() - t0
    pdfs = sorted(out.glob("*.pdf"))
    return {"name": "naive: docxtpl + soffice per document", "seconds": seconds, "docs": len(pdfs),
            "pages": count_pages(pdfs), "office_mb": sorted(office.peaks.values(), reverse=True), "worker_mb": []}


def synthetic_district(n: int, root: Path) -> Path:
    """``n`` communes: the samples copied under new names and codes."""
    import yaml

    communes = root / "communes"
    communes.mkdir(parents=True)
    sources = sorted((SAMPLES / "communes").glob("*.yaml"))
    for i in range(n):
        data = yaml.safe_load(sources[i % len(sources)].read_text(encoding="utf-8"))
        data["commune"]["name"] = f"{data['commune']['name']} {i + 1}"
        data["commune"]["code"] = f"9{i:04d}"
        (communes / f"xa-{i + 1:03d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def row(m: dict) -> str:
    rate = m["docs"] / m["seconds"] if m["seconds"] else 0
    pages = m["pages"] / m["seconds"] if m["seconds"] else 0
    office = "/".join(f"{x:.0f}" for x in m["office_mb"][:4]) or "-"
    workers = "/".join(f"{x:.0f}" for x in m["worker_mb"][:4]) or "-"
    return (f"{m['name']:<46} {m['seconds']:>8.1f} {m['docs']:>5} {m['pages']:>6} {rate:>7.2f} {pages:>8.1f} "
            f"{office:>16} {workers:>14}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 120-commune run")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    rows = []
    try:
        full = work / "full"
        rows.append(timed(f"dossier batch -j {args.jobs} (12 communes, clean)",
                          [DOSSIER, "batch", str(SAMPLES), "-o", str(full), "-j", str(args.jobs)], full))
        docx = sorted(full.rglob("*.docx"))
        rows.append(naive(docx, work / "naive"))
        rows.append(timed("incremental: --only na-tam", [DOSSIER, "batch", str(SAMPLES), "-o", str(full), "--only",
                                                           "na-tam", "-j", "1", "--no-summary"]))
        if not args.quick:
            big = synthetic_district(120, work / "big")
            out = work / "big-out"
            rows.append(timed(f"dossier batch -j {args.jobs} (120 synthetic communes)",
                              [DOSSIER, "batch", str(big), "-o", str(out), "-j", str(args.jobs), "--no-summary"], out))
        head = (f"{'scenario':<46} {'total s':>8} {'docs':>5} {'pages':>6} {'docs/s':>7} {'pages/s':>8} "
                f"{'LibreOffice MB':>16} {'worker MB':>14}")
        print(head)
        print("-" * len(head))
        for m in rows:
            print(row(m))
        ours, base = rows[0], rows[1]
        ours_rate = ours["docs"] / ours["seconds"]
        base_rate = base["docs"] / base["seconds"]
        print(f"\nratio naive/dossier (seconds per document): {ours_rate / base_rate:.1f}x "
              f"(dossier {ours['seconds'] / ours['docs']:.2f} s/doc, naive {base['seconds'] / base['docs']:.2f} s/doc; "
              f"the dossier run also writes XLSX, assembles and stamps the dossiers)")
        if not args.quick:
            print(f"peak worker MB at 12 communes: {max(rows[0]['worker_mb'] or [0]):.0f}, "
                  f"at 120: {max(rows[3]['worker_mb'] or [0]):.0f}; LibreOffice MB at 12: "
                  f"{max(rows[0]['office_mb'] or [0]):.0f}, at 120: {max(rows[3]['office_mb'] or [0]):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
