"""Shared fixtures: the sample documents rendered once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "tam-duong"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config):
    """Before any fixture (session ones included): no resident LibreOffice and no PDF
    cache unless a test asks (see _private_libreoffice); and the resident servers a test
    does start (the web page's server turns them on) live in a runtime folder of this
    session, stopped at its end, never in the developer's own."""
    import os
    import tempfile

    os.environ.pop("DOSSIER_OFFICE_IDLE", None)
    os.environ["DOSSIER_CACHE_DIR"] = "off"
    config.dossier_runtime = os.environ["DOSSIER_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="dossier-test-run-")


def pytest_unconfigure(config):
    from dossier.convert.resident import stop_servers
    from dossier.pipeline.warm import stop_zygotes

    runtime = getattr(config, "dossier_runtime", None)
    if runtime:
        os.environ["DOSSIER_RUNTIME_DIR"] = runtime
        stop_servers()
        stop_zygotes()
        shutil.rmtree(runtime, ignore_errors=True)


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


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_PIN = "246810"


@pytest.fixture(scope="session")
def token(tmp_path_factory):
    """A SoftHSM2 token in a private folder holding the organisation's key and certificate.

    One per test session: SoftHSM reads SOFTHSM2_CONF once, when python-pkcs11 first loads it
    in this process, so a second token folder would silently add objects to the first token."""
    from . import pki as P

    MODULE, PIN = SOFTHSM_MODULE, TOKEN_PIN
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    pki = P.make_pki(folder / "pki")
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "ubnd-binh-lu", "--pin", PIN,
                    "--so-pin", "13579"], check=True, env=env, capture_output=True)
    key_pem = pki.organisation.key_pem(folder / "key.pem")
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", "ubnd-binh-lu", "--label", "van-thu",
                    "--id", "01", "--pin", PIN], check=True, env=env, capture_output=True)
    key_pem.unlink()
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(MODULE)
    tok = lib.get_token(token_label="ubnd-binh-lu")
    cert = pki.organisation.cert
    with tok.open(rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "van-thu", Attribute.ID: b"\x01",
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            Attribute.SUBJECT: cert.subject.public_bytes(), Attribute.ISSUER: cert.issuer.public_bytes(),
        })
    chain = folder / "intermediate.pem"
    pki.intermediate.pem(chain)
    yield pki, chain
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old
