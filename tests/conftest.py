"""Shared fixtures: the sample documents rendered once per test session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "tam-duong"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config):
    """Before any fixture (session ones included): no resident LibreOffice and no PDF
    cache unless a test asks (see _private_libreoffice)."""
    import os

    os.environ.pop("DOSSIER_OFFICE_IDLE", None)
    os.environ["DOSSIER_CACHE_DIR"] = "off"


def pytest_collection_modifyitems(config, items):
    """LibreOffice tests never skip silently in CI: a missing soffice is a failure there."""
    import os

    if shutil.which("soffice") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) chưa được cài; CI luôn chạy các bài này")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _private_libreoffice(monkeypatch):
    """Tests start their own LibreOffice unless they ask for a resident one
    (tests/test_resident.py): a developer's DOSSIER_OFFICE_IDLE must not leak in."""
    monkeypatch.delenv("DOSSIER_OFFICE_IDLE", raising=False)
    # and every conversion really runs LibreOffice (tests of hangs and crashes reuse documents);
    # tests/test_convert_cache.py turns the cache on in a folder of its own
    monkeypatch.setenv("DOSSIER_CACHE_DIR", "off")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Render a sample with a bundled template to DOCX and PDF (cached per session)."""
    from dossier.render.builders import render

    cache: dict[tuple[str, str, str], Path] = {}
    out_dir = tmp_path_factory.mktemp("rendered")

    def get(template: str, sample: str, ext: str) -> Path:
        key = (template, sample, ext)
        if key not in cache:
            out = out_dir / f"{template}-{Path(sample).stem}{ext}"
            render(template, SAMPLES / sample, out)
            cache[key] = out
        return cache[key]

    return get


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
