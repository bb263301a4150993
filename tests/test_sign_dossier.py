"""A signed dossier: `dossier build … --sign` signs every document as made, keeps the signed
parts, signs ho-so.pdf as the commune's electronic copy; `dossier verify` checks the folder."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from click.testing import CliRunner

from dossier.cli import main

from . import pki as P
from .conftest import SAMPLES
from .test_sign import pdfsig


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ky-so")
    pki, config = P.dossier_signing(folder)
    return pki, config, folder


@pytest.mark.libreoffice
def test_signed_dossier_build_and_verify(setup, tmp_path, monkeypatch):
    pki, config, _folder = setup
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    out = tmp_path / "ho-so"
    # a wrong password stops before anything is built
    r = CliRunner().invoke(main, ["build", str(SAMPLES / "ho-so-son-binh.yaml"), "-o", str(out), "--sign",
                                  str(config), "-q"], input="sai\n")
    assert r.exit_code == 2 and "Sai mật khẩu" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["build", str(SAMPLES / "ho-so-son-binh.yaml"), "-o", str(out), "--sign",
                                  str(config), "-q"], input=f"{P.PASSWORD}\n" * 4)
    assert r.exit_code == 0, r.output
    assert r.output.count("Nhập mật khẩu") == 4  # one per key (4 keys), for 12 signatures

    signed = sorted(p.name for p in out.glob("*.ky-so.pdf"))
    assert len(signed) == 5 and signed[0] == "01-to-trinh.ky-so.pdf"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    records = manifest["signatures"]
    roles = [r_["role"] for r_ in records]
    assert roles == ["nguoi-ky", "van-thu"] * 3 + ["nguoi-ky", "nguoi-ky", "van-thu"] + ["nguoi-ky", "van-thu",
                                                                                        "ban-sao"]
    assert {r_["signer"] for r_ in records} == {"Nguyễn Văn A", "UBND xã Bình Lư", "Tẩn Thị Mai", "Lò Văn Thắng"}
    # the biên bản: the secretary signs in her block (left), the chair in his (right)
    from .test_sign import widgets

    w = widgets(out / "04-bien-ban-hop.ky-so.pdf")
    assert w["NguoiKy"][1][2] < 297.6 < w["NguoiKy2"][1][0], w
    whole = (out / "ho-so.pdf").read_bytes()
    assert manifest["sha256"] == hashlib.sha256(whole).hexdigest() == records[-1]["sha256"]
    for name in signed:  # each part's last record is the digest of the kept file
        last = [r_ for r_ in records if r_["file"] == name][-1]
        assert last["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()

    r = CliRunner().invoke(main, ["verify", str(out), "--trust", str(pki.root_pem), "--format", "json"])
    assert r.exit_code == 0, r.output
    reports = json.loads(r.output)
    assert [rep["path"].rsplit("/", 1)[-1] for rep in reports] == [*signed, "ho-so.pdf"]
    assert all(rep["ok"] for rep in reports)
    assert "Signature is Valid." in pdfsig(out / "ho-so.pdf")
    assert pdfsig(out / "01-to-trinh.ky-so.pdf").count("Signature is Valid.") == 2

    # the merged pages show the signatures: the tờ trình's pages carry the signature and seal images
    first, last = next(p["pages"] for p in manifest["parts"] if p["key"] == "to_trinh")
    listing = subprocess.run(["pdfimages", "-list", "-f", str(first), "-l", str(last), str(out / "ho-so.pdf")],
                             capture_output=True, text=True, check=True).stdout
    assert sum(1 for line in listing.splitlines()[2:] if " smask " in line) >= 2

    # changing the signed dossier is caught
    data = bytearray(whole)
    k = data.index(b"stream", len(data) // 2) + 30
    data[k] ^= 0x01
    (out / "ho-so.pdf").write_bytes(bytes(data))
    r = CliRunner().invoke(main, ["verify", str(out / "ho-so.pdf"), "--trust", str(pki.root_pem)])
    assert r.exit_code == 1


def test_signing_file_errors_name_the_field(setup, tmp_path):
    _pki, _config, folder = setup
    bad = folder / "thieu.yaml"
    bad.write_text("organisation: {key: pki/ubnd-xa-binh-lu.p12}\nsigners: {}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(SAMPLES / "ho-so-son-binh.yaml"), "-o", str(tmp_path / "x"),
                                  "--sign", str(bad)])
    assert r.exit_code == 2 and "organisation.seal" in r.output and not (tmp_path / "x").exists()


def test_a_draft_is_never_signed(setup, tmp_path):
    _pki, config, _folder = setup
    r = CliRunner().invoke(main, ["build", str(SAMPLES / "ho-so-son-binh.yaml"), "-o", str(tmp_path / "x"),
                                  "--sign", str(config), "--draft"])
    assert r.exit_code == 2 and "dự thảo" in r.output and not (tmp_path / "x").exists()
