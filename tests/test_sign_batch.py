"""`dossier batch … --sign`: the batch's dossiers signed as `dossier build --sign` signs one, every
key opened once in the command's process (each password asked once), workers signing through it."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import main
from dossier.errors import DossierError
from dossier.pipeline import batch
from dossier.sign import Secrets, SignRequest, sign_bytes
from dossier.sign.batch import RemoteKeyRing, batch_signing

from . import pki as P
from .conftest import SAMPLES
from .test_sign import blank_pdf, pdfsig
from .test_sign_pkcs11 import MODULE, PIN
from .test_sign_pkcs11 import pytestmark as needs_softhsm
from .test_warm import runtime  # noqa: F401 - a private runtime folder for the zygote


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ky-so-dot")
    pki, config = P.dossier_signing(folder)
    return pki, config, folder


class Prompts:
    """A prompt that answers ``answer`` and counts how often it was asked."""

    def __init__(self, answer: str) -> None:
        self.answer, self.asked = answer, []

    def __call__(self, message: str) -> str:
        self.asked.append(message)
        return self.answer


def _sign_copy_remotely(plan, pdf: Path, out: Path) -> str:
    """In a worker process: sign ``pdf`` as the organisation's electronic copy with the parent's key."""
    assert "DOSSIER_KEY_PASSWORD" not in os.environ  # the worker never sees the password variable
    ring = RemoteKeyRing(plan)
    data, result = sign_bytes(pdf.read_bytes(), pdf.name, SignRequest("ban-sao"), ring.get(plan.config.organisation))
    out.write_bytes(data)
    return result.signer


def test_workers_sign_with_the_parents_open_keys(setup, tmp_path, monkeypatch):
    pki, config, _folder = setup
    monkeypatch.setenv("DOSSIER_KEY_PASSWORD", P.PASSWORD)
    src = blank_pdf(tmp_path / "a.pdf")
    asked = Prompts("không dùng")
    with batch_signing(config, Secrets(asked)) as plan:
        assert "DOSSIER_KEY_PASSWORD" not in os.environ  # out of the environment while workers run
        assert P.PASSWORD.encode() not in json.dumps(str(plan)).encode()
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            outs = [tmp_path / f"ky-{k}.pdf" for k in range(3)]
            signers = list(pool.map(_sign_copy_remotely, [plan] * 3, [src] * 3, outs))
        address = Path(plan.address)
        assert address.exists() and oct(address.parent.stat().st_mode & 0o777) == "0o700"
    assert os.environ["DOSSIER_KEY_PASSWORD"] == P.PASSWORD  # put back
    assert not address.exists() and not address.parent.exists()
    assert asked.asked == [] and signers == ["UBND xã Bình Lư"] * 3
    for out in outs:
        r = CliRunner().invoke(main, ["verify", str(out), "--trust", str(pki.root_pem)])
        assert r.exit_code == 0, r.output
        assert "Signature is Valid." in pdfsig(out)


def test_a_worker_without_the_runs_key_is_refused(setup, monkeypatch):
    _pki, config, _folder = setup
    monkeypatch.setenv("DOSSIER_KEY_PASSWORD", P.PASSWORD)
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    with batch_signing(config, Secrets()) as plan:
        with pytest.raises((AuthenticationError, EOFError, OSError)):
            conn = Client(plan.address, family="AF_UNIX", authkey=b"x" * 32)
            conn.send(("k", b"", "sha256", False))
            conn.recv()


def test_wrong_password_stops_before_any_work(setup, tmp_path, monkeypatch):
    _pki, config, _folder = setup
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    out = tmp_path / "build"
    r = CliRunner().invoke(main, ["batch", str(SAMPLES), "--only", "son-binh", "-o", str(out), "--sign", str(config)],
                           input="sai\n")
    assert r.exit_code == 2, r.output
    assert r.output.count("Nhập mật khẩu") == 1 and "Sai mật khẩu" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["batch", str(SAMPLES), "--only", "son-binh", "-o", str(out), "--sign", str(config),
                                  "--draft"])
    assert r.exit_code == 2 and "dự thảo" in r.output and not out.exists()
    with pytest.raises(DossierError):
        with batch_signing(tmp_path / "khong-co.yaml", Secrets()):
            pass


def test_signing_files_are_dependencies(setup):
    _pki, config, folder = setup
    from dossier.sign.config import load_signing

    files = {p.name for p in load_signing(config).files()}
    assert files == {"ky-so.yaml", "ubnd-xa-binh-lu.p12", "nguyen-van-a.p12", "thu-ky.p12", "chu-tri.p12",
                     "con-dau.png", "chu-ky.png"}


# --- the sample district, through LibreOffice ---------------------------------------------------------------

@pytest.fixture()
def district(tmp_path) -> Path:
    """Sơn Bình (its report and its dossier, with annexes), Bản Bo (a report only) and the district's
    dossier nesting Sơn Bình's, from the sample."""
    root = tmp_path / "huyen"
    (root / "communes").mkdir(parents=True)
    for slug in ("son-binh", "ban-bo"):
        shutil.copy(SAMPLES / "communes" / f"{slug}.yaml", root / "communes")
    shutil.copy(SAMPLES / "ho-so-son-binh.yaml", root)
    shutil.copy(SAMPLES / "ho-so-huyen-2024.yaml", root)
    shutil.copytree(SAMPLES / "son-binh", root / "son-binh")
    return root


def _verify_all(pki, out: Path) -> list[dict]:
    folders = sorted(p.parent for p in (out / batch.DOSSIERS_DIR).glob("*/ho-so.pdf"))
    assert folders
    reports = []
    for folder in folders:
        r = CliRunner().invoke(main, ["verify", str(folder), "--trust", str(pki.root_pem), "--format", "json"])
        assert r.exit_code == 0, r.output
        found = json.loads(r.output)
        found = found if isinstance(found, list) else [found]
        names = [Path(rep["path"]).name for rep in found]
        assert names[-1] == "ho-so.pdf" and any(n.endswith(".ky-so.pdf") for n in names), names
        assert all(rep["ok"] for rep in found)
        reports += found
        for rep in found:
            assert "Signature is Valid." in pdfsig(Path(rep["path"]))
            assert "Signature is Invalid" not in pdfsig(Path(rep["path"]))
    return reports


@pytest.mark.libreoffice
def test_batch_signs_every_dossier_asking_each_password_once(setup, district, tmp_path, monkeypatch):
    pki, config, _folder = setup
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    out = tmp_path / "build"
    stamp, dep = out / ".stamps" / "tat-ca", out / ".stamps" / "tat-ca.d"
    r = CliRunner().invoke(main, ["batch", str(district), "-o", str(out), "-j", "2",
                                  "--sign", str(config), "--stamp", str(stamp), "--depfile", str(dep)],
                           input=f"{P.PASSWORD}\n" * 4)
    assert r.exit_code == 0, r.output
    assert r.output.count("Nhập mật khẩu") == 4  # one per key (4 keys) for every signature
    assert "Xong 3/3 xã" in r.output and "Đã ký số 17 chữ ký." in r.output
    reports = _verify_all(pki, out)
    # Sơn Bình: five signed documents and ho-so.pdf; the district: its two, its ho-so.pdf, and Sơn Bình's
    # dossier nested in it, copied from the commune's build with its signed parts
    assert len(reports) == 6 + 3 + 6
    assert (out / "ho-so" / "huyen-2024" / "xa" / "son-binh" / "04-bien-ban-hop.ky-so.pdf").is_file()
    # reports and the summary are not signed
    for pdf in ("son-binh/danh-gia.pdf", "ban-bo/danh-gia.pdf", "tong-hop/tong-hop.pdf"):
        assert b"/ByteRange" not in (out / pdf).read_bytes()
    deps = dep.read_text(encoding="utf-8")
    for name in ("ky-so.yaml", "ubnd-xa-binh-lu.p12", "nguyen-van-a.p12", "con-dau.png", "son-binh.yaml"):
        assert name in deps, name
    assert sorted(stamp.read_text(encoding="utf-8").split()) == ["ban-bo", "huyen-2024", "son-binh"]


@pytest.mark.libreoffice
def test_library_batch_in_one_process_uses_the_open_keys(setup, district, tmp_path, monkeypatch):
    pki, config, _folder = setup
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    out = tmp_path / "build"
    units = [u for u in batch.discover(district) if u.slug == "son-binh"]
    asked = Prompts(P.PASSWORD)
    with batch_signing(config, Secrets(asked)) as plan:
        outcomes = list(batch.run(units, out, jobs=1, signing=plan))
    assert [o.ok for o in outcomes] == [True], outcomes[0].error
    assert len(asked.asked) == 4 and len(set(asked.asked)) == 4
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in (out / batch.DOSSIERS_DIR).glob("*/manifest.json")]
    assert outcomes[0].signatures == sum(len(m["signatures"]) for m in manifests) == 12
    assert all(m["signatures"][-1]["role"] == "ban-sao" for m in manifests)
    _verify_all(pki, out)


@needs_softhsm
def test_a_token_signs_in_the_parent_only(token, tmp_path, monkeypatch):
    """A PKCS#11 token is logged in once, by the parent; workers never open it (nor know its PIN)."""
    pki, chain = token
    monkeypatch.setenv("DOSSIER_TOKEN_PIN", PIN)
    monkeypatch.delenv("DOSSIER_KEY_PASSWORD", raising=False)
    P.signature_png(tmp_path / "chu-ky.png")
    P.seal_png(tmp_path / "con-dau.png")
    config = tmp_path / "ky-so.yaml"
    config.write_text(
        f"organisation: {{pkcs11: {{lib: {MODULE}, token: ubnd-binh-lu, key_label: van-thu}}, chain: [{chain}], "
        f"seal: con-dau.png}}\nsigners:\n  default: {{key: {pki.signer.p12}, image: chu-ky.png}}\n",
        encoding="utf-8")
    asked = Prompts(P.PASSWORD)
    src = blank_pdf(tmp_path / "a.pdf")
    with batch_signing(config, Secrets(asked)) as plan:
        assert "DOSSIER_TOKEN_PIN" not in os.environ
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(2, mp_context=context) as pool:
            outs = [tmp_path / f"ky-{k}.pdf" for k in range(2)]
            signers = list(pool.map(_sign_copy_remotely, [plan] * 2, [src] * 2, outs))
    assert len(asked.asked) == 1 and "mã PIN" not in asked.asked[0]  # only the signer's file password
    assert signers == ["UBND xã Bình Lư"] * 2
    for out in outs:
        data = json.loads(CliRunner().invoke(main, ["verify", str(out), "--trust", str(pki.root_pem),
                                                    "--format", "json"]).output)
        assert data["ok"] and data["signatures"][0]["algorithm"] == "RSASSA-PSS, SHA-256", data
        assert "Signature is Valid." in pdfsig(out)


def test_warm_workers_sign_through_the_parent_without_the_password(setup, runtime, tmp_path, monkeypatch):
    """With resident servers on, workers are forked by the zygote: they get this process's environment,
    minus the password variables, and sign with the parent's keys."""
    pki, config, _folder = setup
    monkeypatch.setenv("DOSSIER_OFFICE_IDLE", "30")
    monkeypatch.setenv("DOSSIER_KEY_PASSWORD", P.PASSWORD)
    src = blank_pdf(tmp_path / "a.pdf")
    with batch_signing(config, Secrets()) as plan:
        with batch.workers(1, clean=True) as pool:
            assert type(pool).__name__ == "WarmPool"
            assert pool.submit(os.getenv, "DOSSIER_KEY_PASSWORD").result() is None
            assert pool.submit(os.getpid).result() != os.getpid()
            signer = pool.submit(_sign_copy_remotely, plan, src, tmp_path / "ky.pdf").result()
    assert signer == "UBND xã Bình Lư"
    r = CliRunner().invoke(main, ["verify", str(tmp_path / "ky.pdf"), "--trust", str(pki.root_pem)])
    assert r.exit_code == 0, r.output
