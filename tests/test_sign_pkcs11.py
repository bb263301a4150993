"""Signing with a key on a PKCS#11 token (SoftHSM2 standing in for a CA's USB token)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main

from . import pki as P
from .test_sign import blank_pdf, pdfsig

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"

pytestmark = pytest.mark.skipif(not (shutil.which("softhsm2-util") and Path(MODULE).exists())
                                and not os.environ.get("CI"), reason="SoftHSM2 chưa được cài")


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    """A SoftHSM2 token in a private folder holding the signer's key and certificate."""
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


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def test_sign_with_a_pkcs11_token_and_verify(token, tmp_path, monkeypatch):
    pki, chain = token
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    src, out = blank_pdf(tmp_path / "a.pdf"), tmp_path / "b.pdf"
    args = ["sign", src, "-o", out, "--as", "ban-sao", "--pkcs11-lib", MODULE, "--token-label", "ubnd-binh-lu",
            "--key-label", "van-thu", "--chain", chain]
    r = run(*args, input="000000\n")  # wrong PIN
    assert r.exit_code == 2 and "Sai mã PIN" in r.output and not out.exists(), r.output
    r = run(*args, env={"DOSSIER_TOKEN_PIN": PIN})
    assert r.exit_code == 0, r.output
    data = json.loads(run("verify", out, "--trust", pki.root_pem, "--format", "json").output)
    assert data["ok"], data
    assert data["signatures"][0]["signer"] == "UBND xã Bình Lư"
    assert data["signatures"][0]["algorithm"] == "RSASSA-PSS, SHA-256"
    assert "Signature is Valid." in pdfsig(out)


def test_missing_token_is_a_clear_error(token, tmp_path):
    r = run("sign", blank_pdf(tmp_path / "a.pdf"), "-o", tmp_path / "b.pdf", "--as", "ban-sao",
            "--pkcs11-lib", MODULE, "--token-label", "khong-co", "--key-label", "x", env={"DOSSIER_TOKEN_PIN": PIN})
    assert r.exit_code == 2 and "thiết bị ký" in r.output and "Traceback" not in r.output
