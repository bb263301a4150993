"""`dossier render` driven through Click: exit codes, Vietnamese messages, no partial output."""

from __future__ import annotations

import yaml
from click.testing import CliRunner
from docx import Document

from dossier.cli import main

from .conftest import SAMPLES


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def seed():
    return yaml.safe_load((SAMPLES / "cong-van-ubnd-huyen.yaml").read_text(encoding="utf-8"))


def test_render_docx_ok(tmp_path):
    out = tmp_path / "out" / "cv.docx"
    result = run("render", "cong-van", SAMPLES / "cong-van-son-binh.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Đã tạo" in result.output
    assert out.exists() and not list(out.parent.glob(".dossier-tmp-*"))


def test_bad_data_names_file_and_fields_and_writes_nothing(tmp_path):
    data = seed()
    del data["signer"]["name"]
    data["number"] = "không số"
    bad = write(tmp_path / "sai.yaml", data)
    out = tmp_path / "cv.docx"
    result = run("render", "cong-van", bad, "-o", out)
    assert result.exit_code == 2
    assert "sai.yaml, trường signer.name: thiếu trường bắt buộc" in result.output
    assert "trường number: cần một số nguyên" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_yaml_syntax_error_gives_line(tmp_path):
    bad = tmp_path / "hong.yaml"
    bad.write_text("issuer: [\n  x: y\n", encoding="utf-8")
    result = run("render", "cong-van", bad, "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "sai cú pháp ở dòng" in result.output


def test_missing_data_file_and_unknown_template(tmp_path):
    result = run("render", "cong-van", tmp_path / "khong-co.yaml", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2 and "Không tìm thấy tệp dữ liệu" in result.output
    result = run("render", "thu-moi", SAMPLES / "cong-van-son-binh.yaml", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2 and "Không nhận ra mẫu 'thu-moi'" in result.output


def test_wrong_output_extension(tmp_path):
    result = run("render", "cong-van", SAMPLES / "cong-van-son-binh.yaml", "-o", tmp_path / "x.odt")
    assert result.exit_code == 2 and "chỉ xuất ra được" in result.output


def test_kind_mismatch(tmp_path):
    data = seed()
    data["kind"] = "to-trinh"
    data["symbol"] = "TTr-UBND"
    result = run("render", "cong-van", write(tmp_path / "d.yaml", data), "-o", tmp_path / "x.docx")
    assert result.exit_code == 2 and "là loại 'to-trinh'" in result.output


def test_help_is_vietnamese():
    result = run("render", "--help")
    assert result.exit_code == 0 and "Tạo một văn bản" in result.output


def own_template(tmp_path, text):
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / "mau.docx"
    doc.save(path)
    return path


def test_undefined_variable_in_own_template_is_an_error(tmp_path):
    tpl = own_template(tmp_path, "Xin chào {{ ho_ten }} ở {{ dia_chi }}")
    data = write(tmp_path / "d.yaml", {"ho_ten": "A"})
    out = tmp_path / "o.docx"
    result = run("render", tpl, data, "-o", out)
    assert result.exit_code == 2
    assert "dia_chi" in result.output and not out.exists()


def test_sandbox_blocks_python_internals(tmp_path):
    tpl = own_template(tmp_path, "{{ ho_ten.__class__.__mro__[1].__subclasses__() }}")
    data = write(tmp_path / "d.yaml", {"ho_ten": "A"})
    result = run("render", tpl, data, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_template_syntax_error_named(tmp_path):
    tpl = own_template(tmp_path, "{% if ho_ten %} không đóng")
    data = write(tmp_path / "d.yaml", {"ho_ten": "A"})
    result = run("render", tpl, data, "-o", tmp_path / "o.docx")
    assert result.exit_code == 2 and "sai cú pháp" in result.output


def test_values_are_escaped_and_never_evaluated(tmp_path):
    nasty = 'Phòng NN & PTNT <b>"đậm"</b> \'x\' {{ 7*7 }} {% if %} \x07chuông'
    tpl = own_template(tmp_path, "Giá trị: {{ v }}")
    data = write(tmp_path / "d.yaml", {"v": nasty})
    out = tmp_path / "o.docx"
    result = run("render", tpl, data, "-o", out)
    assert result.exit_code == 0, result.output
    text = Document(str(out)).paragraphs[0].text
    assert text == "Giá trị: " + nasty.replace("\x07", "")


def test_nfd_input_is_normalised(tmp_path):
    import unicodedata

    tpl = own_template(tmp_path, "{{ v }}")
    data = write(tmp_path / "d.yaml", {"v": unicodedata.normalize("NFD", "Ủy ban nhân dân xã Sơn Bình")})
    out = tmp_path / "o.docx"
    assert run("render", tpl, data, "-o", out).exit_code == 0
    assert Document(str(out)).paragraphs[0].text == "Ủy ban nhân dân xã Sơn Bình"


def test_python_dash_m_runs_the_same_command(tmp_path):
    import subprocess
    import sys

    for module in ("dossier", "dossier.cli"):
        out = tmp_path / f"{module}.docx"
        run = subprocess.run([sys.executable, "-m", module, "render", "cong-van",
                              str(SAMPLES / "cong-van-son-binh.yaml"), "-o", str(out)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert "Cách dùng: dossier" in subprocess.run([sys.executable, "-m", module, "--help"],
                                                      capture_output=True, text=True).stdout
        assert "Sơn Bình" in "\n".join(p.text for p in Document(out).paragraphs)
