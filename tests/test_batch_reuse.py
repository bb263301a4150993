"""A dossier that nests others (the district's) waits for them in a batch and
copies what they built, only when that is provably the same build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from dossier.pipeline import batch, commune
from dossier.pipeline.batch import Task, Unit, _Schedule
from dossier.pipeline.result import DossierResult
from dossier.pipeline.registry import nested_files
from dossier.pipeline.reuse import copy_built, record

from .conftest import SAMPLES

COMMUNE = SAMPLES / "ho-so-son-binh.yaml"
DISTRICT = SAMPLES / "ho-so-huyen-2024.yaml"


def test_nested_files_named_by_the_district_file():
    assert nested_files(DISTRICT) == [COMMUNE.resolve()]
    assert nested_files(COMMUNE) == []
    assert nested_files(SAMPLES / "khong-co.yaml") == []  # unreadable: names nothing, the build says why


def test_schedule_holds_the_district_until_its_communes_are_built():
    district, village = Task("huyen-2024", "dossier", DISTRICT), Task("son-binh", "dossier", SAMPLES / "ho-so-ban-son-binh.yaml")
    own, report = Task("son-binh", "dossier", COMMUNE), Task("ban-bo", "report", SAMPLES / "communes" / "ban-bo.yaml")
    schedule = _Schedule([district, village, own, report])
    assert schedule.next() is village  # the district waits: its commune is not built yet
    assert schedule.next() is own
    assert schedule.next() is report
    assert schedule.next() is None and schedule.next(idle=False) is None
    result = DossierResult(Path("/x/ho-so.pdf"))
    schedule.finished(own, batch.Outcome("son-binh", ok=True, seconds=1.0,
                                         built=[record(COMMUNE, result, draft=False)]))
    assert schedule.next() is district
    assert list(schedule.prebuilt_for(district)) == [COMMUNE.resolve()]
    assert schedule.prebuilt_for(report) == {}


def test_schedule_never_waits_for_nothing():
    """A failed or missing nested build: when nothing runs, the waiting dossier goes anyway."""
    district, own = Task("huyen-2024", "dossier", DISTRICT), Task("son-binh", "dossier", COMMUNE)
    schedule = _Schedule([district, own])
    assert schedule.next() is own
    assert schedule.next() is None
    assert schedule.next(idle=True) is district


def _fake_build(folder: Path, inputs: list[Path]) -> DossierResult:
    folder.mkdir(parents=True)
    pdf = folder / "ho-so.pdf"
    pdf.write_bytes(b"%PDF-1.7 fake dossier")
    (folder / "manifest.json").write_text(json.dumps({"sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}))
    doc = folder / "01-to-trinh.pdf"
    doc.write_bytes(b"%PDF-1.7 fake document")
    return DossierResult(pdf, pages=3, documents=[doc], inputs=inputs)


@pytest.fixture()
def built(tmp_path):
    data = tmp_path / "ho-so.yaml"
    data.write_text("kind: xa-ntm\n", encoding="utf-8")
    result = _fake_build(tmp_path / "out" / "son-binh", [data])
    return data, record(data, result, draft=False)


def test_copy_of_an_identical_build(built, tmp_path):
    data, rec = built
    copied = copy_built({rec.data_file: rec}, data, tmp_path / "nested", draft=False)
    assert copied.output == tmp_path / "nested" / "ho-so.pdf" and copied.pages == 3
    assert copied.documents == [tmp_path / "nested" / "01-to-trinh.pdf"]
    for name in ("ho-so.pdf", "manifest.json", "01-to-trinh.pdf"):
        assert (tmp_path / "nested" / name).read_bytes() == (rec.result.output.parent / name).read_bytes()
    assert rec.result.output == tmp_path / "out" / "son-binh" / "ho-so.pdf"  # the record is left as it was


def test_no_copy_when_an_input_changed(built, tmp_path):
    data, rec = built
    data.write_text("kind: xa-ntm\n# sửa\n", encoding="utf-8")
    assert copy_built({rec.data_file: rec}, data, tmp_path / "nested", draft=False) is None
    assert not (tmp_path / "nested").exists()


def test_no_copy_for_another_draft_flag_or_file(built, tmp_path):
    data, rec = built
    assert copy_built({rec.data_file: rec}, data, tmp_path / "nested", draft=True) is None
    assert copy_built({rec.data_file: rec}, tmp_path / "khac.yaml", tmp_path / "nested", draft=False) is None


def test_no_copy_when_the_built_folder_changed(built, tmp_path):
    data, rec = built
    rec.result.output.write_bytes(b"%PDF-1.7 overwritten")  # no longer the manifest's PDF
    assert copy_built({rec.data_file: rec}, data, tmp_path / "nested", draft=False) is None
    rec.result.documents[0].unlink()
    assert copy_built({rec.data_file: rec}, data, tmp_path / "nested2", draft=False) is None


@pytest.fixture()
def commune_builds(monkeypatch) -> list[str]:
    """The dossier files commune.build is called for (every other call is a copy)."""
    calls = []
    real = commune.build

    def counting(data_file, out_dir, **kw):
        calls.append(Path(data_file).name)
        return real(data_file, out_dir, **kw)

    monkeypatch.setattr(commune, "build", counting)
    return calls


@pytest.mark.libreoffice
def test_batch_builds_the_nested_commune_once_and_identically(tmp_path, commune_builds):
    calls = commune_builds
    units = [Unit("huyen-2024", None, (DISTRICT,)), Unit("son-binh", None, (COMMUNE,))]  # district first on purpose
    out = tmp_path / "build"
    outcomes = {o.slug: o for o in batch.run(units, out, jobs=1)}
    assert all(o.ok for o in outcomes.values()), [o.error for o in outcomes.values()]
    assert calls == ["ho-so-son-binh.yaml"]  # built once, for the commune; the district copied it
    own, nested = out / "ho-so" / "son-binh", out / "ho-so" / "huyen-2024" / "xa" / "son-binh"
    assert sorted(p.name for p in nested.iterdir()) == sorted(p.name for p in own.iterdir())
    for path in own.iterdir():
        assert (nested / path.name).read_bytes() == path.read_bytes(), path.name
    assert COMMUNE in outcomes["huyen-2024"].inputs  # make still learns the district depends on it
