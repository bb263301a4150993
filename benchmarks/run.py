"""DOCX → PDF benchmark: naive per-document soffice vs dossier's warm Converter.

    .venv/bin/python benchmarks/run.py                 # 12 communes × 6 documents
    .venv/bin/python benchmarks/run.py --quick         # CI-sized: 2 communes
    .venv/bin/python benchmarks/run.py --scale-to 120  # + memory per worker at 120 communes

Builds synthetic documents (a docxtpl template generated here: header,
Vietnamese paragraphs, a criteria table), then in the same run on the same
documents:

* naive: docxtpl fill + one ``soffice --convert-to pdf`` process per document
  (what most scripts do; one reused profile, which flatters the baseline);
* dossier: docxtpl fill, then ``dossier.convert.Converter`` with warm workers.

Prints total time, documents/s, pages/s, peak RSS per LibreOffice worker
(sampled from /proc: the soffice process group, helper included) and the
ratio naive/dossier. Every scenario is a function taking a callable that does
the work (``measure``), so the real ``dossier batch`` can be timed the same way
later: ``measure("dossier batch", lambda: subprocess.run([...]))``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pikepdf  # noqa: E402
from docx import Document  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from dossier.convert import Converter, find_soffice  # noqa: E402
from dossier.convert.soffice import office_env  # noqa: E402

DOC_KINDS = ["to-trinh", "bao-cao", "bien-ban", "quyet-dinh", "ke-hoach", "cong-van"]
TITLES = {
    "to-trinh": "TỜ TRÌNH", "bao-cao": "BÁO CÁO", "bien-ban": "BIÊN BẢN",
    "quyet-dinh": "QUYẾT ĐỊNH", "ke-hoach": "KẾ HOẠCH", "cong-van": "CÔNG VĂN",
}
BODY = ("Căn cứ Quyết định số 318/QĐ-TTg ngày 08 tháng 3 năm 2022 của Thủ tướng Chính phủ ban hành "
        "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025; Ủy ban nhân dân xã {{ commune }} "
        "báo cáo kết quả thực hiện các tiêu chí như sau.")


# -- synthetic documents ----------------------------------------------------

def make_template(path: Path) -> Path:
    """A small Decree-30-like template with docxtpl tags (A4, Times New Roman 13)."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(30), Mm(20), Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    doc.add_paragraph("ỦY BAN NHÂN DÂN XÃ {{ commune_upper }}")
    doc.add_paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    doc.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    doc.add_paragraph("{{ title }}").runs[0].bold = True
    doc.add_paragraph("Về việc đề nghị xét, công nhận xã {{ commune }} đạt chuẩn nông thôn mới năm {{ year }}")
    for _ in range(4):
        doc.add_paragraph(BODY)
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["STT", "Tiêu chí", "Chỉ tiêu", "Kết quả"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["{%tr for r in rows %}", "", "", ""]):
        cell.text = text
    for cell, text in zip(table.rows[2].cells, ["{{ r.no }}", "{{ r.name }}", "{{ r.target }}", "{{ r.result }}"]):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("Nơi nhận: UBND huyện; Lưu: VT.")
    doc.add_paragraph("CHỦ TỊCH")
    doc.add_paragraph("{{ signer }}")
    doc.save(path)
    return path


@dataclass
class Job:
    commune: str
    kind: str
    docx: Path
    pdf: Path

    def context(self, i: int) -> dict:
        return {
            "commune": self.commune, "commune_upper": self.commune.upper(), "title": TITLES[self.kind],
            "year": 2025, "signer": "Nguyễn Văn Hùng",
            "rows": [{"no": k, "name": f"Tiêu chí số {k} về hạ tầng, sản xuất và đời sống của người dân",
                      "target": "Đạt", "result": "Đạt" if (k + i) % 5 else "Chưa đạt"} for k in range(1, 20)],
        }


def jobs_for(communes: int, out: Path) -> list[Job]:
    names = ["Sơn Bình", "Bình Lư", "Bản Giang", "Bản Hon", "Hồ Thầu", "Khun Há", "Nà Tăm", "Nùng Nàng",
             "Sùng Phài", "Tả Lèng", "Thèn Sin", "Giang Ma"]
    jobs = []
    for c in range(communes):
        name = names[c % len(names)] + ("" if c < len(names) else f" {c // len(names) + 1}")
        slug = f"xa-{c:03d}"
        for kind in DOC_KINDS:
            jobs.append(Job(name, kind, out / slug / f"{kind}.docx", out / slug / f"{kind}.pdf"))
    return jobs


def fill(template: Path, jobs: list[Job]) -> None:
    for i, job in enumerate(jobs):
        job.docx.parent.mkdir(parents=True, exist_ok=True)
        tpl = DocxTemplate(template)
        tpl.render(job.context(i), autoescape=True)
        tpl.save(job.docx)


# -- measuring --------------------------------------------------------------

@dataclass
class Measure:
    name: str
    seconds: float = 0.0
    docs: int = 0
    pages: int = 0
    failed: int = 0
    workers: int = 1
    peak_rss_mb: list[float] = field(default_factory=list)  # per LibreOffice process group
    notes: str = ""

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


class RssSampler:
    """Peak RSS of every LibreOffice process group descended from this process, of every
    Python worker, and the CPU each used (sampled /proc, one thread: the sampler's own CPU
    competes with the run measured, which keeps both cores busy, so it samples 4 times a
    second; a process that lives less than that may go uncounted)."""

    def __init__(self, interval: float = 0.25, also: str | None = None):
        self.interval = interval
        self.also = also  # also count processes whose command line names this (resident servers' folder)
        self.peaks: dict[int, float] = {}
        self.workers: dict[int, float] = {}  # peak RSS of each Python process (not LibreOffice's helper)
        self.cpu: dict[int, tuple[bool, float]] = {}  # pid -> (is LibreOffice, CPU s used while sampled)
        self._cpu_before: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def office_cpu(self) -> float:
        """CPU seconds LibreOffice (soffice.bin) used while sampled (to the last sample)."""
        return sum(cpu for office, cpu in self.cpu.values() if office)

    @property
    def other_cpu(self) -> float:
        """CPU seconds every other process below us used (Python workers, helpers)."""
        return sum(cpu for office, cpu in self.cpu.values() if not office)

    def __enter__(self) -> RssSampler:
        procs = _processes()  # resident servers already up: count only what they use from now on
        self._cpu_before = {p: procs[p][4] for p in self._mine(procs)}
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _mine(self, procs) -> set[int]:
        """Our descendants, and the resident servers and warm workers with what they start
        (annex probes…); a worker of an earlier command may still be exiting: counted from now."""
        mine = set(_descendants(procs, os.getpid()))
        if self.also:
            resident = {p for p, info in procs.items() if self.also in info[3]}
            mine |= resident.union(*(_descendants(procs, p) for p in resident))
        return mine

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = _processes()
            mine = self._mine(procs)
            groups: dict[int, float] = {}
            office_groups = {procs[p][1] for p in mine if "soffice" in procs[p][3]}
            for p in mine:
                pgid = procs[p][1]
                if pgid in office_groups:
                    groups[pgid] = groups.get(pgid, 0.0) + procs[p][2]
            for pgid, rss in groups.items():
                self.peaks[pgid] = max(self.peaks.get(pgid, 0.0), rss)
            for p in mine:
                cmd = procs[p][3]
                if "python" in cmd and "soffice" not in cmd and "uno" not in cmd:
                    self.workers[p] = max(self.workers.get(p, 0.0), procs[p][2])
            for p in mine:
                used = procs[p][4] - self._cpu_before.get(p, 0.0)
                was_office, seen = self.cpu.get(p, (False, 0.0))  # an exited process has no command line
                self.cpu[p] = (was_office or "soffice" in procs[p][3], max(used, seen))
            self._stop.wait(self.interval)


def _processes() -> dict[int, tuple[int, int, float, str, float]]:
    """pid -> (ppid, pgid, rss MB, cmdline, CPU seconds used so far)."""
    out = {}
    page = os.sysconf("SC_PAGE_SIZE")
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            fields = stat[stat.rindex(")") + 2:].split()
            ppid, pgid, rss_pages = int(fields[1]), int(fields[2]), int(fields[21])
            cpu = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        out[int(entry)] = (ppid, pgid, rss_pages * page / 2**20, cmd, cpu)
    return out


def _descendants(procs, root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def count_pages(pdfs: list[Path]) -> int:
    total = 0
    for pdf in pdfs:
        if pdf.is_file():
            with pikepdf.open(pdf) as p:
                total += len(p.pages)
    return total


def measure(name: str, work: Callable[[], object], outputs: list[Path], *, workers: int = 1,
            notes: str = "") -> Measure:
    """Run ``work()`` once, timing it and sampling LibreOffice memory; count pages in ``outputs``."""
    with RssSampler() as rss:
        t0 = time.perf_counter()
        work()
        seconds = time.perf_counter() - t0
    done = [p for p in outputs if p.is_file()]
    return Measure(name, seconds, len(done), count_pages(done), len(outputs) - len(done), workers,
                   sorted(rss.peaks.values(), reverse=True), notes)


# -- scenarios (each takes the callable doing the work's pieces) --------------

def scenario_naive(template: Path, jobs: list[Job], soffice: str, profile: Path) -> Callable[[], None]:
    """docxtpl fill + one soffice process per document."""
    env = office_env()

    def work() -> None:
        for i, job in enumerate(jobs):
            fill(template, [job])
            subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", str(job.pdf.parent), str(job.docx)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=300)
    return work


def scenario_converter(template: Path, jobs: list[Job], workers: int, stats: dict) -> Callable[[], None]:
    """docxtpl fill of every document (LibreOffice warming up meanwhile), then one Converter."""

    def work() -> None:
        with Converter(workers=workers) as conv:
            conv.warm()  # LibreOffice starts while docxtpl fills
            t0 = time.perf_counter()
            fill(template, jobs)
            stats["fill_s"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            results = conv.convert([(j.docx, j.pdf) for j in jobs])
            stats["convert_s"] = time.perf_counter() - t1
            stats["starts"] = conv.starts
            stats["strategy"] = conv.strategy
        stats["per_doc_s"] = sorted(r.seconds for r in results if r.ok)
    return work


def scenario_pipelined(template: Path, jobs: list[Job], workers: int, stats: dict,
                       in_flight: int = 2) -> Callable[[], None]:
    """How a batch build runs: per commune, fill its documents then convert them,
    ``in_flight`` communes at a time sharing one Converter, so filling one
    commune overlaps converting another."""
    from concurrent.futures import ThreadPoolExecutor

    communes: dict[Path, list[Job]] = {}
    for job in jobs:
        communes.setdefault(job.docx.parent, []).append(job)

    def work() -> None:
        per_doc: list[float] = []
        with Converter(workers=workers) as conv:
            conv.warm()

            def build(group: list[Job]) -> None:
                fill(template, group)
                results = conv.convert([(j.docx, j.pdf) for j in group])
                per_doc.extend(r.seconds for r in results if r.ok)

            with ThreadPoolExecutor(in_flight) as pool:
                list(pool.map(build, communes.values()))
            stats["starts"] = conv.starts
            stats["strategy"] = conv.strategy
        stats["per_doc_s"] = sorted(per_doc)
    return work


# -- report -----------------------------------------------------------------

def table(rows: list[Measure]) -> str:
    head = f"{'scenario':<40} {'docs':>5} {'pages':>6} {'fail':>4} {'total s':>8} {'docs/s':>7} {'pages/s':>8} " \
           f"{'workers':>7}  peak RSS per LibreOffice (MB)"
    lines = [head, "-" * len(head)]
    for m in rows:
        rss = ", ".join(f"{x:.0f}" for x in m.peak_rss_mb[:4]) if m.workers <= 4 else ""
        if len(m.peak_rss_mb) > 4 or m.workers > 4:
            rss = f"max {max(m.peak_rss_mb, default=0):.0f} over {len(m.peak_rss_mb)} processes"
        if not m.peak_rss_mb:
            rss = "not sampled (no LibreOffice process lived a whole sampling interval)"
        lines.append(f"{m.name:<40} {m.docs:>5} {m.pages:>6} {m.failed:>4} {m.seconds:>8.1f} {m.docs_per_s:>7.2f} "
                     f"{m.pages_per_s:>8.2f} {m.workers:>7}  {rss}")
        if m.notes:
            lines.append(f"{'':<40} {m.notes}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--communes", type=int, default=12, help="communes in the district (6 documents each)")
    ap.add_argument("--workers", "-j", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="CI-sized: 2 communes, no scaling run")
    ap.add_argument("--scale-to", type=int, default=0, metavar="N",
                    help="also convert N communes with dossier only (memory per worker must stay flat)")
    ap.add_argument("--baseline-docs", type=int, default=0, metavar="K",
                    help="run the naive baseline on the first K documents only and extrapolate (0 = all)")
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = ap.parse_args(argv)
    if args.quick:
        args.communes, args.scale_to = 2, 0

    soffice = find_soffice()
    # The Converter's own LibreOffice, as the naive baseline's: `make bench` exports
    # DOSSIER_OFFICE_IDLE for the Makefile's resident servers, whose processes are no
    # children of this one (their memory would go unsampled). bench_batch.py measures them.
    os.environ["DOSSIER_OFFICE_IDLE"] = "0"
    root = Path(tempfile.mkdtemp(prefix="dossier-bench-")) if not args.keep else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        template = make_template(root / "template.docx")
        rows: list[Measure] = []

        naive_jobs = jobs_for(args.communes, root / "naive")
        if args.baseline_docs:
            naive_jobs = naive_jobs[:args.baseline_docs]
        profile = root / "naive-profile"
        naive = measure("naive: fill + soffice per document", scenario_naive(template, naive_jobs, soffice, profile),
                        [j.pdf for j in naive_jobs])
        rows.append(naive)

        stats: dict = {}
        ours_jobs = jobs_for(args.communes, root / "dossier")
        ours = measure(f"dossier: per commune, Converter -j{args.workers}",
                       scenario_pipelined(template, ours_jobs, args.workers, stats),
                       [j.pdf for j in ours_jobs], workers=args.workers)
        ours.notes = (f"strategy {stats['strategy']}, 2 communes in flight (fill overlaps conversion), "
                      f"{stats['starts']} LibreOffice starts")
        rows.append(ours)

        fstats: dict = {}
        flat_jobs = jobs_for(args.communes, root / "dossier-flat")
        flat = measure(f"dossier: fill all, then Converter -j{args.workers}",
                       scenario_converter(template, flat_jobs, args.workers, fstats),
                       [j.pdf for j in flat_jobs], workers=args.workers)
        flat.notes = f"fill {fstats['fill_s']:.1f} s, then convert {fstats['convert_s']:.1f} s"
        rows.append(flat)

        scaled = None
        failed_memory = False
        if args.scale_to:
            sstats: dict = {}
            sjobs = jobs_for(args.scale_to, root / "scaled")
            scaled = measure(f"dossier: {args.scale_to} communes -j{args.workers}",
                             scenario_pipelined(template, sjobs, args.workers, sstats),
                             [j.pdf for j in sjobs], workers=args.workers)
            scaled.notes = f"{sstats['starts']} LibreOffice starts (each worker restarted every 200 documents)"
            rows.append(scaled)

        print(f"LibreOffice: {soffice}; {os.cpu_count()} CPUs; {args.communes} communes × {len(DOC_KINDS)} documents")
        print(table(rows))
        print()
        cold = naive.seconds / max(naive.docs, 1)
        warm = stats["per_doc_s"][len(stats["per_doc_s"]) // 2] if stats["per_doc_s"] else 0.0
        print(f"per document: naive (fill + cold soffice) {cold:.2f} s; warm conversion median {warm:.2f} s "
              f"in one worker (wall time per document with -j{args.workers}: "
              f"{ours.seconds / max(ours.docs, 1):.2f} s)")
        if naive.docs and ours.docs:
            naive_total = naive.seconds / naive.docs * ours.docs
            extra = " (baseline extrapolated from its sample)" if naive.docs != ours.docs else ""
            print(f"ratio naive / dossier on {ours.docs} documents: {naive_total / ours.seconds:.1f}×{extra} "
                  f"(project goal ≥ 10×); fill-all-then-convert: {naive_total / flat.seconds:.1f}×")
        if scaled is not None:
            small = max(ours.peak_rss_mb, default=0)
            big = max(scaled.peak_rss_mb, default=0)
            if small and big:
                print(f"memory per worker: {small:.0f} MB at {args.communes} communes, {big:.0f} MB at "
                      f"{args.scale_to} communes ({'flat' if big <= small * 1.25 + 20 else 'GROWS'})")
            else:
                print("memory per worker: NOT MEASURED (no LibreOffice process was sampled)")
                failed_memory = True
        failed = sum(m.failed for m in rows)
        return 1 if failed or failed_memory else 0
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
