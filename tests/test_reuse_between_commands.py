"""A dossier one command built is reused by a later command that nests it (make
builds a commune's dossier and the district's in two commands): the record left
beside the folder round-trips, is refused when anything changed, and a real batch
of the district after the commune's own batch copies the commune's dossier."""

from __future__ import annotations

import pytest

from dossier.pipeline import batch
from dossier.pipeline.batch import Unit
from dossier.pipeline.reuse import copy_built, save, saved

from .test_batch_reuse import COMMUNE, DISTRICT, built, commune_builds  # noqa: F401


def test_the_record_round_trips_and_stays_out_of_the_folder(built, tmp_path):  # noqa: F811
    data, rec = built
    folder = rec.result.output.parent
    before = sorted(p.name for p in folder.iterdir())
    save(rec)
    assert sorted(p.name for p in folder.iterdir()) == before  # the dossier folder is only the dossier
    again = saved(folder)
    assert again == rec
    copied = copy_built({again.data_file: again}, data, tmp_path / "nested", draft=False)
    assert copied is not None and (tmp_path / "nested" / "ho-so.pdf").read_bytes() == rec.result.output.read_bytes()


def test_a_stale_or_broken_record_is_not_used(built, tmp_path):  # noqa: F811
    data, rec = built
    folder = rec.result.output.parent
    assert saved(folder) is None  # nothing saved yet
    save(rec)
    data.write_text("kind: xa-ntm\n# sửa\n", encoding="utf-8")  # an input changed since
    assert copy_built({rec.data_file: saved(folder)}, data, tmp_path / "nested", draft=False) is None
    (folder.parent / f".{folder.name}.built.json").write_text("{không phải json", encoding="utf-8")
    assert saved(folder) is None


@pytest.mark.libreoffice
def test_the_district_after_the_commune_in_two_commands_copies_it(tmp_path, commune_builds):  # noqa: F811
    calls = commune_builds
    out = tmp_path / "build"
    first = list(batch.run([Unit("son-binh", None, (COMMUNE,))], out, jobs=1))
    second = list(batch.run([Unit("huyen-2024", None, (DISTRICT,))], out, jobs=1))  # another command
    assert all(o.ok for o in first + second), [o.error for o in first + second]
    assert calls == ["ho-so-son-binh.yaml"]  # the district copied the commune's dossier
    own, nested = out / "ho-so" / "son-binh", out / "ho-so" / "huyen-2024" / "xa" / "son-binh"
    for path in own.iterdir():
        assert (nested / path.name).read_bytes() == path.read_bytes(), path.name
