"""Inspecting untrusted source files in a child process, with time and memory bounded.

Annexes come from e-mail and scanners: encrypted, truncated, zero-byte files,
broken cross-reference tables, images that are not what their name says,
decompression bombs. Each file is opened once in a child process
(``python -m dossier.assemble.probe``) limited in address space and time;
only files the child could fully read (repairing with qpdf when possible) go
on to the build. Every refusal is a Vietnamese :class:`Problem` naming the file.

With resident servers on, the child is a warm worker forked by the zygote
(:mod:`dossier.pipeline.warm`), one call per file: the same limits, without
the 0.25 s a new interpreter spends importing pikepdf and Pillow.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem

MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_PAGES = 5000
MAX_IMAGE_PIXELS = 60_000_000  # 60 MP: any camera photo; bombs are far larger
MAX_PAGE_SIDE = 14400  # PDF units (200 inches), the PDF limit
MEMORY_LIMIT = 1536 * 1024 * 1024
SECONDS_PER_FILE = 30
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


@dataclass(frozen=True)
class Probe:
    """What the child found in one readable file."""

    path: Path
    format: str  # "PDF", "JPEG", "PNG"
    pages: int = 1
    repaired: bool = False
    width: int = 0
    height: int = 0


def _check_pdf(path: Path) -> dict:
    import pikepdf

    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        return {"ok": False, "reason": "không phải tệp PDF (nội dung không bắt đầu bằng %PDF-)"}
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return {"ok": False, "reason": "PDF được đặt mật khẩu, không mở được"}
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as exc:
        return {"ok": False, "reason": f"PDF bị hỏng, không sửa được ({str(exc)[:120]})"}
    with pdf:
        try:
            count = len(pdf.pages)
            if count == 0:
                return {"ok": False, "reason": "PDF không có trang nào (tệp bị cắt cụt hoặc hỏng)"}
            if count > MAX_PAGES:
                return {"ok": False, "reason": f"PDF có {count} trang, vượt giới hạn {MAX_PAGES} trang"}
            for page in pdf.pages:
                box = [float(v) for v in page.mediabox]
                w, h = abs(box[2] - box[0]), abs(box[3] - box[1])
                if not (1 <= w <= MAX_PAGE_SIDE and 1 <= h <= MAX_PAGE_SIDE):
                    return {"ok": False, "reason": f"trang {page.index + 1} có kích thước không hợp lệ"}
                contents = page.obj.get("/Contents")
                streams = contents if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
                for stream in streams:
                    stream.read_bytes()  # truncated or corrupt content shows here
            pdf.save(io.BytesIO())  # everything the build will copy can be written
        except (pikepdf.PdfError, OSError, ValueError, RuntimeError, AttributeError, TypeError) as exc:
            return {"ok": False, "reason": f"PDF bị hỏng, không đọc được nội dung ({str(exc)[:120]})"}
        repaired = bool(pdf.get_warnings())
        return {"ok": True, "format": "PDF", "pages": count, "repaired": repaired}


def _check_image(path: Path) -> dict:
    from PIL import Image

    expected = IMAGE_FORMATS.get(path.suffix.lower())
    if expected is None:
        return {"ok": False, "reason": "ảnh phải là tệp JPEG (.jpg, .jpeg) hoặc PNG (.png)"}
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                actual = img.format
                if actual != expected:
                    what = f"ảnh {actual}" if actual else "không phải ảnh"
                    return {"ok": False, "reason": f"tệp có đuôi {path.suffix} nhưng nội dung là {what}"}
                img.load()
                return {"ok": True, "format": actual, "width": img.width, "height": img.height}
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {"ok": False, "reason": f"ảnh quá lớn (trên {MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh), "
                "có thể là tệp độc hại"}
    except Image.UnidentifiedImageError:
        return {"ok": False, "reason": f"tệp có đuôi {path.suffix} nhưng không phải ảnh đọc được"}
    except (OSError, ValueError, SyntaxError) as exc:
        return {"ok": False, "reason": f"ảnh bị hỏng hoặc bị cắt cụt ({str(exc)[:100]})"}


def check_file(path: Path, kind: str) -> dict:
    """Inspect one file (in the child). ``kind``: "pdf" or "image"."""
    try:
        size = path.stat().st_size
    except OSError:
        return {"ok": False, "reason": "không có tệp hoặc không đọc được"}
    if not path.is_file():
        return {"ok": False, "reason": "không phải một tệp"}
    if size == 0:
        return {"ok": False, "reason": "tệp rỗng (0 byte)"}
    if size > MAX_FILE_BYTES:
        return {"ok": False, "reason": f"tệp quá lớn ({size // (1024 * 1024)} MB, giới hạn {MAX_FILE_BYTES // (1024 * 1024)} MB)"}
    if not os.access(path, os.R_OK):
        return {"ok": False, "reason": "không có quyền đọc tệp"}
    return _check_pdf(path) if kind == "pdf" else _check_image(path)


def _limit_child() -> None:  # pragma: no cover - runs in the child
    _limit_memory(MEMORY_LIMIT)


STOPPED = "đọc tệp quá lâu hoặc tốn quá nhiều bộ nhớ, đã dừng (tệp có thể độc hại)"


def _record(path: Path, answer: dict, probes: dict[Path, Probe], problems: list[Problem]) -> None:
    """A child's answer for ``path``: a readable file in ``probes``, or a refusal naming it."""
    if answer["ok"]:
        probes[path] = Probe(path, answer["format"], answer.get("pages", 1), answer.get("repaired", False),
                             answer.get("width", 0), answer.get("height", 0))
    else:
        problems.append(Problem(str(path), answer["reason"]))


def probe_files(files: list[tuple[Path, str]]) -> tuple[dict[Path, Probe], list[Problem]]:
    """Inspect ``files`` ([(path, "pdf"|"image")]) in a bounded child process.

    Returns the readable files and one problem per refused file.
    """
    if not files:
        return {}, []
    from ..pipeline.warm import WarmPool

    pool = WarmPool.open(1, spawn=False)  # starting a zygote costs more than one new interpreter
    if pool is not None:
        with pool:
            return probe_in_warm_workers(pool, files)
    return _probe_in_new_process(files)


def probe_in_warm_workers(pool, files: list[tuple[Path, str]], check=None, seconds: float = SECONDS_PER_FILE,
                          ) -> tuple[dict[Path, Probe], list[Problem]]:
    """:func:`probe_files` in ``pool``'s warm workers, one call per file: a worker that
    dies or overruns ``seconds`` is killed and refuses that file only."""
    from concurrent.futures import TimeoutError as Overrun

    from ..pipeline.warm import WorkerDied

    probes: dict[Path, Probe] = {}
    problems: list[Problem] = []
    for path, kind in files:
        future = pool.submit(check or check_limited, str(path), kind)
        try:
            answer = future.result(timeout=seconds)
        except Overrun:
            pool.kill_busy()
            answer = {"ok": False, "reason": STOPPED}
        except WorkerDied:
            answer = {"ok": False, "reason": STOPPED}
        _record(path, answer, probes, problems)
    return probes, problems


def check_limited(path: str, kind: str) -> dict:
    """:func:`check_file` in a warm worker, under the child's memory limit (on top of what
    the worker has mapped already: its imports)."""
    _limit_memory(_mapped_bytes() + MEMORY_LIMIT)
    return check_safely(Path(path), kind)


def check_safely(path: Path, kind: str) -> dict:
    """:func:`check_file`, with any failure a hostile file can cause as a refusal."""
    try:
        return check_file(path, kind)
    except MemoryError:
        return {"ok": False, "reason": "đọc tệp tốn quá nhiều bộ nhớ (tệp có thể độc hại)"}
    except Exception as exc:  # noqa: BLE001 - any failure of a hostile file is a refusal
        return {"ok": False, "reason": f"không đọc được tệp ({type(exc).__name__})"}


def _mapped_bytes() -> int:
    from ..proc import status_field

    size = status_field("VmSize")
    return int(size) * 1024 if size is not None else MEMORY_LIMIT


def _limit_memory(limit: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _probe_in_new_process(files: list[tuple[Path, str]]) -> tuple[dict[Path, Probe], list[Problem]]:
    probes: dict[Path, Probe] = {}
    problems: list[Problem] = []
    request = json.dumps([[str(p), k] for p, k in files])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")]))}
    try:
        run = subprocess.run(
            [sys.executable, "-m", "dossier.assemble.probe"], input=request, capture_output=True, text=True,
            timeout=10 + SECONDS_PER_FILE * len(files), preexec_fn=_limit_child, env=env,
        )
        out, crashed = run.stdout, run.returncode != 0
        if run.returncode > 0:
            # The child catches every failure a file can cause; a Python error escaping it is
            # our bug (e.g. an import error), not a hostile file: don't blame the files.
            raise RuntimeError(f"annex probe failed (exit {run.returncode}): {run.stderr[-2000:]}")
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        crashed = True
    answers = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for (path, _kind), answer in zip(files, answers):
        _record(path, answer, probes, problems)
    if crashed and len(answers) < len(files):
        culprit = files[len(answers)][0]
        problems.append(Problem(str(culprit), STOPPED))
        for path, kind in files[len(answers) + 1:]:  # the rest were never looked at: look again
            more, more_problems = _probe_in_new_process([(path, kind)])
            probes.update(more)
            problems += more_problems
    return probes, problems


def main() -> None:  # pragma: no cover - the child
    requests = json.loads(sys.stdin.read())
    for path, kind in requests:
        print(json.dumps(check_safely(Path(path), kind), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
