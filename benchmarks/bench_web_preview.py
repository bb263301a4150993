"""The web page's preview latency: from a change in the letter form to the new
watermarked PDF fetched by the browser, over real HTTP against ``dossier
serve``'s app (its LibreOffice warm, as the server keeps it), against the
baseline a clerk has without it: ``dossier preview`` run once per change.

    .venv/bin/python benchmarks/bench_web_preview.py            # 20 edits, 3 CLI runs
    .venv/bin/python benchmarks/bench_web_preview.py --edits 50

The PDF cache is off, so every change is really rendered and converted.
Target: the preview follows a change within about a second (median and 90th
percentile printed).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT / "samples" / "tam-duong"
DOSSIER = str(ROOT / ".venv" / "bin" / "dossier")

FORM = {
    "kind": "cong-van", "issuer.name": "Ủy ban nhân dân\nxã Sơn Bình", "number": "7", "symbol": "UBND-VP",
    "place": "Sơn Bình", "date": "2024-11-04", "recipients": "Ủy ban nhân dân huyện Tam Đường",
    "body": "## Kết quả\nĐến nay xã đạt 19/19 tiêu chí.\n## Kiến nghị\n- Đề nghị thẩm tra hồ sơ.",
    "signer.authority": "TM. ỦY BAN NHÂN DÂN", "signer.title": "CHỦ TỊCH", "signer.name": "Lò Văn Thắng",
    "distribution": "Như trên", "archive": "VT", "end_mark": "1",
}


def web_latencies(edits: int, tmp: Path) -> list[float]:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    from dossier.web import close_app, create_app

    data = tmp / "du-lieu"
    shutil.copytree(SAMPLES, data)
    app = create_app(data, state_dir=tmp / "state")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/van-ban").read().decode()
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)

    def change(n: int) -> float:
        started = time.perf_counter()
        body = urllib.parse.urlencode({**FORM, "subject": f"báo cáo kết quả lần {n}", "csrf_token": token}).encode()
        request = urllib.request.Request(base + "/van-ban/xem-truoc", data=body,
                                         headers={"HX-Request": "true", "Origin": base})
        fragment = opener.open(request).read().decode()
        src = re.search(r'src="(/tep/[0-9a-f]{32})', fragment)
        if src is None:
            raise SystemExit(f"no preview in the answer: {fragment[:500]}")
        pdf = opener.open(base + src.group(1)).read()
        assert pdf.startswith(b"%PDF-")
        return time.perf_counter() - started

    try:
        change(0)  # the first one starts LibreOffice (the server does this at start-up)
        return [change(n) for n in range(1, edits + 1)]
    finally:
        server.shutdown()
        close_app(app)


def cli_latencies(runs: int, tmp: Path) -> list[float]:
    import yaml

    from dossier.web.documents import FIELDS
    from dossier.web.forms import form_to_data

    data, _ = form_to_data(FIELDS, FORM | {"subject": "báo cáo"})
    source = tmp / "cong-van.yaml"
    out = []
    env = {**os.environ, "DOSSIER_OFFICE_IDLE": "0", "DOSSIER_CACHE_DIR": "off"}
    for n in range(runs):
        data["subject"] = f"báo cáo kết quả lần {n}"
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([DOSSIER, "preview", "cong-van", str(source), "-o", str(tmp / "p.pdf"), "--no-open"],
                       check=True, capture_output=True, env=env)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--cli-runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["DOSSIER_CACHE_DIR"] = "off"
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        web = sorted(web_latencies(args.edits, Path(tmp)))
        cli = sorted(cli_latencies(args.cli_runs, Path(tmp)))
    p90 = web[min(len(web) - 1, int(round(0.9 * (len(web) - 1))))]
    median_web, median_cli = statistics.median(web), statistics.median(cli)
    print(f"web preview after a change ({len(web)} edits): median {median_web:.2f} s, p90 {p90:.2f} s, "
          f"max {web[-1]:.2f} s  (target ≤ 1 s: {'met' if p90 <= 1.0 else 'NOT met'})")
    print(f"baseline `dossier preview` per change ({len(cli)} runs): median {median_cli:.2f} s")
    print(f"ratio baseline / web: {median_cli / median_web:.1f}×")


if __name__ == "__main__":
    main()
