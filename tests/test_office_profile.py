"""The LibreOffice profile a conversion starts with (dossier.convert.profile):
the running version recorded, so LibreOffice skips its graphics render tests;
the extensions folder of the installation's first start copied in, so it does
not restart itself; the PDFs are the same bytes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from dossier.convert import Converter, find_soffice
from dossier.convert import profile as office_profile
from dossier.convert import uno_worker
from dossier.convert.soffice import office_env, uno_python
from dossier.convert.uno_worker import UnoWorker

from .test_convert import make_docx

RENDER_TESTS_LOG = Path("user") / "GraphicsRenderTests.log"


def fake_office(root: Path, registry: str | None) -> str:
    """An installation tree: program/soffice and, when given, share/registry/main.xcd."""
    program = root / "program"
    program.mkdir(parents=True)
    soffice = program / "soffice"
    soffice.write_text("#!/bin/sh\n")
    if registry is not None:
        (root / "share" / "registry").mkdir(parents=True)
        (root / "share" / "registry" / "main.xcd").write_text(registry, encoding="utf-8")
    return str(soffice)


MAIN_XCD = """<?xml version="1.0"?><oor:data>
<prop oor:name="ooSetupVersion" oor:type="xs:string"><value/></prop>
<prop oor:name="ooSetupVersion">
        <value>7.4</value>
      </prop>
      <prop oor:name="ooSetupVersionAboutBox"><value>7.4.7.2</value></prop></oor:data>"""


def test_version_is_read_from_the_installations_registry(tmp_path):
    assert office_profile.office_version(fake_office(tmp_path / "a", MAIN_XCD)) == "7.4"
    assert office_profile.office_version(fake_office(tmp_path / "b", None)) is None
    assert office_profile.office_version(fake_office(tmp_path / "c", "<oor:data/>")) is None


def test_seed_writes_a_new_profile_and_keeps_what_is_there(tmp_path):
    soffice = fake_office(tmp_path / "office", MAIN_XCD)
    fresh = tmp_path / "fresh"
    office_profile.seed(fresh, soffice)
    text = (fresh / office_profile.MODIFICATIONS).read_text(encoding="utf-8")
    assert '<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>7.4</value></prop>' in text
    assert text.startswith("<?xml") and text.rstrip().endswith("</oor:items>")

    used = tmp_path / "used"  # a profile LibreOffice wrote, without the value: it is added
    (used / "user").mkdir(parents=True)
    own = office_profile.HEADER + '<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" ' \
        'oor:op="fuse"><value>false</value></prop></item>\n' + office_profile.FOOTER
    (used / office_profile.MODIFICATIONS).write_text(own, encoding="utf-8")
    office_profile.seed(used, soffice)
    text = (used / office_profile.MODIFICATIONS).read_text(encoding="utf-8")
    assert 'oor:name="FirstRun"' in text and text.count("ooSetupLastVersion") == 1

    before = (used / office_profile.MODIFICATIONS).read_bytes()
    office_profile.seed(used, soffice)  # already there: the file is not touched
    assert (used / office_profile.MODIFICATIONS).read_bytes() == before

    odd = tmp_path / "odd"  # not a file we understand: left alone
    (odd / "user").mkdir(parents=True)
    (odd / office_profile.MODIFICATIONS).write_text("<something/>", encoding="utf-8")
    office_profile.seed(odd, soffice)
    assert (odd / office_profile.MODIFICATIONS).read_text(encoding="utf-8") == "<something/>"

    unknown = tmp_path / "unknown"  # an installation whose version cannot be read: no seed
    office_profile.seed(unknown, fake_office(tmp_path / "office2", None))
    assert not unknown.exists()


@pytest.mark.libreoffice
def test_the_real_libreoffice_skips_its_render_tests_in_a_seeded_profile(tmp_path):
    soffice = find_soffice()
    assert office_profile.office_version(soffice), "the installed LibreOffice's version must be readable"
    src = make_docx(tmp_path / "a.docx")
    # control: a plain profile, as LibreOffice makes it; a headless start runs the tests (and logs them)
    plain = tmp_path / "plain"
    subprocess.run([soffice, f"-env:UserInstallation={plain.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "plain-out"), str(src)], env=office_env(), capture_output=True,
                   timeout=120, check=True)
    assert (plain / RENDER_TESTS_LOG).exists(), "this LibreOffice no longer runs its render tests: drop the seed"
    # the converter's worker seeds its profile: LibreOffice converts and runs no render test
    worker = UnoWorker(soffice, uno_python(soffice), "seed", 60)
    try:
        worker.start()
        worker.convert(src, tmp_path / "a.pdf", 60)
        profile = worker.profile
        assert (tmp_path / "a.pdf").stat().st_size > 1000
        assert not (profile / RENDER_TESTS_LOG).exists()
        assert "ooSetupLastVersion" in (profile / office_profile.MODIFICATIONS).read_text(encoding="utf-8")
    finally:
        worker.close()


@pytest.mark.libreoffice
def test_a_seeded_profile_changes_no_byte_of_the_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src = make_docx(tmp_path / "a.docx", paragraphs=40)
    with Converter(workers=1, resident=0, cache=False) as conv:
        conv.convert([(src, tmp_path / "seeded.pdf")])
    monkeypatch.setattr(office_profile, "seed", lambda profile, soffice: None)
    with Converter(workers=1, resident=0, cache=False) as conv:
        conv.convert([(src, tmp_path / "plain.pdf")])
    assert (tmp_path / "seeded.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()


def test_prepare_copies_the_template_only_into_an_empty_profile_and_remember_keeps_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "pdf"))
    soffice = fake_office(tmp_path / "office", MAIN_XCD)
    first = tmp_path / "first"
    assert not office_profile.prepare(first, soffice)  # no template yet: only the seed
    office_profile.remember(first, soffice)  # LibreOffice made nothing yet: nothing kept
    assert not office_profile.prepare(tmp_path / "second", soffice)
    made = first / office_profile.EXTENSIONS
    (made / "bundled").mkdir(parents=True)
    (made / "buildid").write_text("40(Build:2)")
    office_profile.remember(first, soffice)
    (made / "buildid").write_text("changed later")
    office_profile.remember(first, soffice)  # there is one: kept as it was
    third = tmp_path / "third"
    assert office_profile.prepare(third, soffice)
    assert (third / office_profile.EXTENSIONS / "buildid").read_text() == "40(Build:2)"
    assert (third / office_profile.EXTENSIONS / "bundled").is_dir()
    assert "ooSetupLastVersion" in (third / office_profile.MODIFICATIONS).read_text(encoding="utf-8")
    assert not office_profile.prepare(tmp_path / "retry", soffice, template=False)  # after a failed start
    assert not (tmp_path / "retry" / office_profile.EXTENSIONS).exists()
    monkeypatch.setenv("DOSSIER_CACHE_DIR", "off")
    assert not office_profile.prepare(tmp_path / "off", soffice)


@pytest.mark.libreoffice
def test_the_first_start_leaves_a_template_the_next_start_from_it_and_the_pdf_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "pdf"))
    src = make_docx(tmp_path / "a.docx", paragraphs=40)
    soffice = find_soffice()
    copies = []
    real = office_profile.prepare
    monkeypatch.setattr(uno_worker, "prepare", lambda *a, **k: copies.append(real(*a, **k)) or copies[-1])
    for name in ("first", "second"):
        with Converter(workers=1, resident=0, cache=False) as conv:
            (result,) = conv.convert([(src, tmp_path / f"{name}.pdf")])
            assert result.ok, result.error
    assert copies == [False, True]  # the second profile started from the first one's extensions
    template = office_profile._template(soffice)
    assert (template / "buildid").is_file()
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()
