"""Shared checks for the hostile corpus (imported by tests/test_hostile_*.py; no tests here): every run ends
with a documented exit code, a Vietnamese message, no traceback and no partial file."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from dossier.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "tam-duong"
DOSSIER_BIN = ROOT / ".venv" / "bin" / "dossier"
# Vietnamese letters with diacritics: a message without any is not Vietnamese.
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def cli(*args, env: dict | None = None):
    """Run the CLI in-process, the way a clerk runs it (run_command included)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)


def dossier_command() -> list[str]:
    """The console script when installed, else the package through the interpreter."""
    if DOSSIER_BIN.exists():
        return [str(DOSSIER_BIN)]
    return [sys.executable, "-c", "from dossier.cli import main; main()"]


def assert_refused(output: str, exit_code: int, expected: int, *words: str) -> None:
    """A user error: the expected code, a Vietnamese message naming ``words``, no traceback."""
    assert exit_code == expected, f"mã thoát {exit_code}, cần {expected}:\n{output}"
    assert "Traceback" not in output, output
    assert "Lỗi không mong đợi" not in output, output
    assert VIETNAMESE.search(output), output
    for word in words:
        assert word in output, f"thiếu «{word}» trong:\n{output}"


def no_temporaries(*folders: Path) -> list[Path]:
    found = []
    for folder in folders:
        if folder.exists():
            found += [p for p in folder.rglob(".dossier-tmp-*")]
    return found


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_sample(name: str) -> dict:
    return yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def env_without_soffice(tmp: Path) -> dict[str, str]:
    """An environment where no LibreOffice can be found."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and not (Path(p) / "soffice").exists())
    env["DOSSIER_SOFFICE"] = str(tmp / "khong-co-libreoffice" / "soffice")
    return env


def dossier_copy(folder: Path) -> Path:
    """The Sơn Bình dossier file and everything it names, copied into ``folder``."""
    import shutil

    shutil.copytree(SAMPLES / "son-binh", folder / "son-binh")
    shutil.copytree(SAMPLES / "communes", folder / "communes")
    shutil.copy(SAMPLES / "ho-so-son-binh.yaml", folder / "ho-so.yaml")
    return folder / "ho-so.yaml"
