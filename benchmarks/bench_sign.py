"""Signing speed: Decree 30 signatures (dossier.sign) against pyHanko's plain invisible
signature on the same files, in the same run.

    .venv/bin/python benchmarks/bench_sign.py [--documents 40] [--pages 30] [-j 2]

* a 30-page dossier (WeasyPrint, Liberation Serif text): signed as the commune's electronic
  copy (``ban-sao``: top-right text, Liberation Serif rescaled) and verified (pyHanko, offline,
  trusted root) — target < 1 s for both together;
* a district's documents: ``--documents`` copies of the sample công văn (LibreOffice), each a
  different file, each signed by the leader (``nguoi-ky``: signature block located, signature
  image) then issued by the commune (``van-thu``: seal) — two signatures per document, ``-j``
  worker processes each opening the two keys once — target < 30 s for 40 documents on 2 cores.

The test PKI (tests/pki.py) is made at run time; nothing real is used.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pki as P  # noqa: E402

from dossier.sign import KeyRef, Secrets, SignRequest, open_key, sign_bytes  # noqa: E402
from dossier.sign.verify import load_trust, verify_bytes  # noqa: E402


def dossier_pdf(pages: int) -> bytes:
    from weasyprint import HTML

    para = ("Ủy ban nhân dân xã Bình Lư báo cáo kết quả thực hiện các tiêu chí nông thôn mới; "
            "các chỉ tiêu được tính từ số liệu của xã và đối chiếu với Bộ tiêu chí. ") * 6
    body = "".join(f"<section style='page-break-after:always'><h2>Phần {k + 1}</h2>" + f"<p>{para}</p>" * 8
                   + "</section>" for k in range(pages))
    return HTML(string=f"<html><body style='font-family:Liberation Serif;font-size:13pt'>{body}</body></html>",
                base_url=str(ROOT)).write_pdf()


def baseline_signer(p12: Path):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(str(p12), passphrase=P.PASSWORD.encode())


def baseline_sign(data: bytes, signer, field: str) -> bytes:
    """pyHanko's documented minimum: an invisible PAdES signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer=signer).sign_pdf(w, output=io.BytesIO()).getvalue()


def baseline_verify(data: bytes, roots) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    for sig in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        assert validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False)).intact


# --- worker processes for the district's documents ------------------------------------------------------------
_W: dict = {}


def _init(pki_dir: str, baseline: bool) -> None:
    d = Path(pki_dir)
    if baseline:
        _W["signer"], _W["org"] = baseline_signer(d / "nguyen-van-a.p12"), baseline_signer(d / "ubnd-xa-binh-lu.p12")
    else:
        secrets = Secrets(env={"DOSSIER_KEY_PASSWORD": P.PASSWORD})
        _W["signer"] = open_key(KeyRef(pkcs12=d / "nguyen-van-a.p12"), secrets)
        _W["org"] = open_key(KeyRef(pkcs12=d / "ubnd-xa-binh-lu.p12"), secrets)
    _W["dir"], _W["baseline"] = d, baseline


def _sign_one(path: str) -> float:
    t = time.perf_counter()
    data = Path(path).read_bytes()
    if _W["baseline"]:
        out = baseline_sign(baseline_sign(data, _W["signer"], "A"), _W["org"], "B")
    else:
        d = _W["dir"]
        one, _ = sign_bytes(data, path, SignRequest("nguoi-ky", image=d / "chu-ky.png"), _W["signer"])
        out, _ = sign_bytes(one, path, SignRequest("van-thu", seal=d / "con-dau.png"), _W["org"])
    Path(path).with_suffix(".signed.pdf").write_bytes(out)
    return time.perf_counter() - t


def district(folder: Path, pki: P.PKI, count: int, jobs: int, baseline: bool) -> tuple[float, list[float]]:
    files = sorted(str(p) for p in folder.glob("cv-*.pdf") if not p.name.endswith(".signed.pdf"))[:count]
    t = time.perf_counter()
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(str(pki.folder), baseline)) as pool:
        times = list(pool.map(_sign_one, files))
    return time.perf_counter() - t, times


def make_documents(folder: Path, count: int) -> None:
    import pikepdf

    from dossier.render.builders import render

    base = folder / "cong-van.pdf"
    render("cong-van", ROOT / "samples" / "tam-duong" / "cong-van-son-binh.yaml", base)
    for k in range(count):  # distinct files (nothing may be cached from one to the next)
        with pikepdf.open(base) as pdf:
            pdf.docinfo["/Subject"] = f"Văn bản số {k + 1}"
            pdf.save(folder / f"cv-{k + 1:03d}.pdf")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=40)
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as tmp:
        tmp = Path(tmp)
        pki = P.make_pki(tmp / "pki")
        P.signature_png(pki.folder / "chu-ky.png")
        P.seal_png(pki.folder / "con-dau.png")
        roots = load_trust([pki.root_pem])
        secrets = Secrets(env={"DOSSIER_KEY_PASSWORD": P.PASSWORD})
        org = open_key(KeyRef(pkcs12=pki.organisation.p12), secrets)
        base_org = baseline_signer(pki.organisation.p12)

        data = dossier_pdf(args.pages)
        sign_bytes(data, "warm-up", SignRequest("ban-sao"), org)  # the rescaled font cached, imports done
        ours, base = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            signed, _r = sign_bytes(data, "ho-so.pdf", SignRequest("ban-sao"), org)
            report = verify_bytes(signed, "ho-so.pdf", roots)
            ours.append(time.perf_counter() - t)
            assert report.ok, report.as_text()
            t = time.perf_counter()
            baseline_verify(baseline_sign(data, base_org, "X"), roots)
            base.append(time.perf_counter() - t)
        o, b = statistics.median(ours), statistics.median(base)
        print(f"{args.pages}-page dossier ({len(data) // 1024} KB), sign as electronic copy + verify: "
              f"median {o:.2f} s (runs {', '.join(f'{x:.2f}' for x in ours)}); pyHanko invisible + validate "
              f"{b:.2f} s; ratio {o / b:.2f}×; target < 1 s: {'met' if o < 1 else 'NOT met'}")

        make_documents(tmp, args.documents)
        wall, times = district(tmp, pki, args.documents, args.jobs, baseline=False)
        bwall, _bt = district(tmp, pki, args.documents, args.jobs, baseline=True)
        print(f"{args.documents} documents × 2 signatures (leader + seal), -j {args.jobs} on {os.cpu_count()} cores: "
              f"{wall:.1f} s ({args.documents / wall:.1f} documents/s; median {statistics.median(times):.2f} s per "
              f"document in a worker); pyHanko invisible ×2: {bwall:.1f} s; ratio {wall / bwall:.2f}×; "
              f"target < 30 s: {'met' if wall < 30 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
