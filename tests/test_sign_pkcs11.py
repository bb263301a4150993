"""Signing with a key on a PKCS#11 token (SoftHSM2 standing in for a CA's USB token)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main

from . import pki as P
from .test_sign import blank_pdf, pdfsig

from .conftest import SOFTHSM_MODULE as MODULE
from .conftest import TOKEN_PIN as PIN

pytestmark = pytest.mark.skipif(not (shutil.which("softhsm2-util") and Path(MODULE).exists())
                                and not os.environ.get("CI"), reason="SoftHSM2 chưa được cài")


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
