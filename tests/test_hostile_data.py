"""Hostile data files (issue 7): random Unicode in every text field, random
nesting and types, YAML bombs and tags, data that looks like markup, paths
that escape the data folder. Each ends as a rendered document holding the NFC
text, or a Vietnamese error with exit code 2: never a traceback, never a
partial or corrupt file."""

from __future__ import annotations

import copy
import json
import subprocess
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.errors import DossierError
from dossier.load.files import MAX_DEPTH, clean_text, load_mapping

from .test_hostile_common import dossier_copy as common_dossier_copy
from .test_hostile_common import (
    SAMPLES,
    assert_refused,
    cli,
    dossier_command,
    load_sample,
    no_temporaries,
    write_yaml,
)

SEED = load_sample("cong-van-son-binh.yaml")
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Every free-text field of a công văn, as (path, wrap): wrap makes the value fit its field.
TEXT_FIELDS = [
    ("subject",), ("place",), ("issuer", "name", 1), ("recipients", 0), ("body", 0), ("body", 1, "heading"),
    ("body", 1, "content", 0), ("body", 2, "content", 0, "bullets", 0), ("signer", "title"), ("signer", "name"),
    ("distribution", 1), ("archive",),
]

NASTY = [
    unicodedata.normalize("NFD", "Ủy ban nhân dân xã Sơn Bình, huyện Tam Đường"),
    "\u202eRTL ngược\u202c \u200fعربي\u200f \u05e9\u05dc\u05d5\u05dd",
    "rộng\u200bkhông\u200crộng\u200d\ufeffBOM\u2060",
    "điều khiển\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f hết",
    "astral 𝕏 😀 𠀀 \U0010fffd",
    "dòng\r\nmới\rcũ\u2028phân\u2029đoạn",
    "\ud800 nửa cặp \udfff",
    "\ufffe\uffff không phải ký tự",
    '<script>alert("x")</script> <b>đậm</b> & &amp; "nháy" \'đơn\'',
    "file:///etc/passwd http://169.254.169.254/latest/meta-data/ <img src=file:///etc/passwd>",
    "{{ config }} {% include '/etc/passwd' %} {{ ''.__class__.__mro__ }} {# chú thích #}",
    "]]><w:t>chèn XML</w:t><![CDATA[",
]

text_values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60),
    st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Z", "S", "Cc", "Cf")), min_size=1,
            max_size=40),
    st.sampled_from(NASTY),
    st.builds(lambda s, n: s * n, st.sampled_from(["Sơn Bình ", "ư\u031b", "a\u0300"]), st.integers(100, 3000)),
)


def set_field(data: dict, path: tuple, value) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def document_text(path: Path) -> str:
    doc = Document(str(path))  # python-docx opens it: not corrupt
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def squeeze(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- random Unicode


@SETTINGS
@given(field=st.sampled_from(TEXT_FIELDS), value=text_values)
def test_random_unicode_in_every_text_field(tmp_path_factory, field, value):
    tmp = tmp_path_factory.mktemp("u")
    data = copy.deepcopy(SEED)
    marker = "MỞ " + value + " ĐÓNG"
    set_field(data, field, marker)
    src = tmp / "du-lieu.json"
    src.write_text(json.dumps(data, ensure_ascii=True, default=str), encoding="utf-8")  # \\ud800 escapes survive
    out = tmp / "kq" / "cong-van.docx"
    result = cli("render", "cong-van", src, "-o", out)
    if result.exit_code == 0:
        got = squeeze(document_text(out))
        assert unicodedata.is_normalized("NFC", got)
        # some fields print in capitals (agency name, signer's title): compare case-blind
        expected = squeeze(clean_text(marker)).upper()
        assert expected in got.upper(), (field, value)
    else:
        assert_refused(result.output, result.exit_code, 2, "du-lieu.json")
        assert not out.exists()
    assert not no_temporaries(tmp)


def test_nasty_strings_render_as_text(tmp_path):
    data = copy.deepcopy(SEED)
    data["body"] = list(NASTY)
    out = tmp_path / "cv.docx"
    result = cli("render", "cong-van", write_yaml(tmp_path / "d.yaml", data), "-o", out)
    assert result.exit_code == 0, result.output
    text = document_text(out)
    assert "<script>alert(\"x\")</script>" in text and "{{ config }}" in text and "file:///etc/passwd" in text
    assert "]]><w:t>chèn XML</w:t><![CDATA[" in text
    assert "Ủy ban nhân dân xã Sơn Bình" in text  # NFD became NFC
    assert not any(c in text for c in "\x00\x01\x07\x1b\x7f\x85\ud800\ufffe")
    assert "root:" not in text


@pytest.mark.libreoffice
def test_hostile_text_converts_to_pdf_with_the_nfc_text(tmp_path):
    """The same strings through LibreOffice: the PDF exists, opens, and holds the text."""
    from .conftest import pdftotext

    data = copy.deepcopy(SEED)
    data["body"] = [*NASTY, "dài " * 5000]
    out = tmp_path / "cv.pdf"
    proc = subprocess.run([*dossier_command(), "render", "cong-van", str(write_yaml(tmp_path / "d.yaml", data)),
                           "-o", str(out)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    text = squeeze(pdftotext(out))
    assert squeeze("Ủy ban nhân dân xã Sơn Bình") in text
    assert squeeze('<script>alert("x")</script>') in text and squeeze("{{ config }}") in text
    assert "root:" not in text
    assert not no_temporaries(tmp_path)


def test_string_over_the_limit_is_refused_with_its_field(tmp_path):
    data = copy.deepcopy(SEED)
    data["subject"] = "x" * 200_001
    out = tmp_path / "cv.docx"
    result = cli("render", "cong-van", write_yaml(tmp_path / "d.yaml", data), "-o", out)
    assert_refused(result.output, result.exit_code, 2, "subject", "tối đa")
    assert not out.exists()


# ---------------------------------------------------------------- random nesting and types

json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=25)
FIELDS = ["kind", "issuer", "number", "symbol", "place", "date", "year", "subject", "recipients", "body", "signer",
          "distribution", "archive", "legal_bases", "ngoai_le"]


@SETTINGS
@given(replacements=st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1, max_size=3))
def test_random_types_and_nesting(tmp_path_factory, replacements):
    tmp = tmp_path_factory.mktemp("n")
    data = {**copy.deepcopy(SEED), **replacements}
    src = tmp / "du-lieu.json"
    src.write_text(json.dumps(data, default=str), encoding="utf-8")
    out = tmp / "cv.docx"
    result = cli("render", "cong-van", src, "-o", out)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert_refused(result.output, result.exit_code, 2, "du-lieu.json")
        assert not out.exists()
        assert len(result.output) < 20_000  # a message, not a dump of the data
    else:
        document_text(out)
    assert not no_temporaries(tmp)


BOMBS = {
    "billion-laughs": "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi")),
    "long-alias-string": "a: &a " + "x" * 150_000 + "\nb: [" + ", ".join(["*a"] * 400) + "]\n",
    "deep-lists": "a: " + "[" * 3000 + "]" * 3000 + "\n",
    "deep-maps": "a: " + "{b: " * 2000 + "1" + "}" * 2000 + "\n",
    "just-deep": "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
    "python-object": "a: !!python/object/apply:os.system ['echo BỊ-CHIẾM']\n",
    "python-name": "a: !!python/name:os.system\n",
    "python-module": "a: !!python/module:os\n",
    "binary": "a: !!binary AAECAwQFBgc=\n",
    "bad-date": "date: 2024-02-30\n",
    "bad-time": "date: 2024-11-04 25:61:00\n",
    "huge-int": "number: " + "9" * 5000 + "\n",
    "big-int": "number: " + "9" * 40 + "\n",
    "infinity": "number: .inf\n",
    "nan": "number: .nan\n",
    "undefined-alias": "a: *khong-co\n",
    "tab-indent": "a:\n\t- b\n",
    "top-level-list": "- a\n- b\n",
    "unhashable-key": "? [a, b]\n: c\n",
    "latin1": None,
    "utf16": None,
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_yaml_bombs_and_tags_are_refused_quickly(tmp_path, name):
    src = tmp_path / f"{name}.yaml"
    if name == "latin1":
        src.write_bytes("subject: Sơn Bình".encode("utf-8").replace(b"\xc6\xa1", b"\xf5"))
    elif name == "utf16":
        src.write_bytes("subject: Sơn Bình\n".encode("utf-16"))
    else:
        src.write_text(BOMBS[name], encoding="utf-8")
    out = tmp_path / "cv.docx"
    result = cli("render", "cong-van", src, "-o", out)
    assert_refused(result.output, result.exit_code, 2, src.name)
    assert not out.exists() and len(result.output) < 2000
    if name.startswith("python"):
        assert "không được hỗ trợ" in result.output and "BỊ-CHIẾM" not in result.output


def test_bombs_fail_in_load_mapping_within_seconds(tmp_path):
    import time

    src = tmp_path / "bom.yaml"
    src.write_text(BOMBS["billion-laughs"], encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(DossierError) as info:
        load_mapping(src)
    assert time.monotonic() - start < 10
    assert "quá lớn" in str(info.value)


def test_json_deep_nesting_and_huge_numbers(tmp_path):
    deep = tmp_path / "sau.json"
    deep.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    huge = tmp_path / "lon.json"
    huge.write_text('{"a": ' + "9" * 5000 + "}", encoding="utf-8")
    for src in (deep, huge):
        result = cli("render", "cong-van", src, "-o", tmp_path / "cv.docx")
        assert_refused(result.output, result.exit_code, 2, src.name)
    assert not (tmp_path / "cv.docx").exists()


def test_clean_text_is_idempotent_and_xml_safe():
    @given(st.text())
    @settings(max_examples=300, deadline=None)
    def check(value):
        cleaned = clean_text(value)
        assert clean_text(cleaned) == cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
        cleaned.encode("utf-8")  # no lone surrogates
        assert not any(ord(c) < 0x20 and c not in "\t\n" for c in cleaned)

    check()


# ---------------------------------------------------------------- paths in data


def dossier_copy(tmp_path: Path) -> Path:
    return common_dossier_copy(tmp_path / "du-lieu")


@pytest.mark.parametrize("name, how", [
    ("../../etc/passwd", "ngoài"),
    ("/etc/passwd", "tuyệt đối"),
    ("son-binh/../../../../etc/passwd", "ngoài"),
    ("lien-ket-ra-ngoai.pdf", "ngoài"),
    ("lien-ket-thu-muc/bi-mat.pdf", "ngoài"),
])
def test_paths_escaping_the_data_folder_are_refused_naming_the_field(tmp_path, name, how):
    data_file = dossier_copy(tmp_path)
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.pdf").write_bytes(b"%PDF-1.4\nroot:x:0:0:BI-MAT\n")
    (data_file.parent / "lien-ket-ra-ngoai.pdf").symlink_to(outside / "bi-mat.pdf")
    (data_file.parent / "lien-ket-thu-muc").symlink_to(outside, target_is_directory=True)
    data = load_sample("ho-so-son-binh.yaml")
    data["annexes"]["bao_cao_ket_qua"][1]["file"] = name
    write_yaml(data_file, data)
    out = tmp_path / "kq"
    result = cli("build", data_file, "-o", out, "-q")
    assert_refused(result.output, result.exit_code, 2, "annexes.bao_cao_ket_qua[2].file", how)
    assert "--allow-outside" in result.output
    assert not (out / "ho-so.pdf").exists() and not no_temporaries(tmp_path)


def test_assessment_path_outside_is_refused(tmp_path):
    data_file = dossier_copy(tmp_path)
    data = load_sample("ho-so-son-binh.yaml")
    data["assessment"] = "../../../../../../etc/passwd"
    write_yaml(data_file, data)
    result = cli("build", data_file, "-o", tmp_path / "kq", "-q")
    assert_refused(result.output, result.exit_code, 2, "trường assessment")
    assert "root:" not in result.output


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_or_nul_path_is_refused(tmp_path, name):
    data_file = dossier_copy(tmp_path)
    data = load_sample("ho-so-son-binh.yaml")
    data["photos"][0]["file"] = name
    write_yaml(data_file, data)
    result = cli("build", data_file, "-o", tmp_path / "kq", "-q")
    assert_refused(result.output, result.exit_code, 2, "photos[1]")
