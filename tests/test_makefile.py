"""The Makefile's own logic, through GNU make (dry runs: nothing is built): which
commune commands a change of SIGN reruns, and that the stamp recording SIGN is
written as make reads the file, not by a recipe waiting for a job slot."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "tam-duong"
COMMUNES = sorted(p.stem for p in (SAMPLES / "communes").glob("*.yaml"))


def run_make(build: Path, *args: str) -> subprocess.CompletedProcess:
    if not shutil.which("make"):
        pytest.fail("GNU make is needed (apt-get install -y make)")
    return subprocess.run(["make", "-s", "-C", str(ROOT), f"DATA_DIR={SAMPLES}", f"BUILD={build}", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "MAKEFLAGS": ""})


def make(build: Path, *args: str) -> str:
    run = run_make(build, *args)
    assert run.returncode == 0, run.stderr
    return run.stdout


def commune_commands(out: str) -> list[str]:
    return sorted(line.split("--only ")[1].split()[0] for line in out.splitlines()
                  if " batch " in line and "--only " in line and "huyen-" not in line)


def test_a_dry_run_on_a_fresh_folder_lists_every_commune_and_writes_nothing(tmp_path):
    build = tmp_path / "build"
    assert commune_commands(make(build, "-n", "communes")) == COMMUNES
    assert not build.exists()
    # a real run writes the stamp before make looks at the folder (make caches a folder's
    # listing: a stamp written after a $(wildcard) of it was "no rule to make target")
    asked = run_make(build, "-q", "communes")
    assert asked.returncode == 1 and "No rule" not in asked.stderr, asked.stderr  # 1: out of date
    assert (build / ".stamps" / ".ky-so").is_file()


def test_the_signing_stamp_changes_only_with_sign_and_reruns_every_commune(tmp_path):
    build = tmp_path / "build"
    stamps = build / ".stamps"
    make(build, "setup")  # any target: the stamp is written as the Makefile is read
    seen = stamps / ".ky-so"
    assert seen.read_text(encoding="utf-8") == "\n"
    past = time.time() - 60
    os.utime(seen, (past, past))
    for slug in COMMUNES:  # every commune built after the stamp, unsigned
        (stamps / slug).touch()
    assert commune_commands(make(build, "-n", "communes")) == []
    make(build, "setup")  # the same SIGN: the stamp is not touched
    assert seen.stat().st_mtime == pytest.approx(past, abs=1)

    # make -n with another SIGN shows every commune it would rebuild, without recording it
    assert commune_commands(make(build, "-n", "communes", "SIGN=ky-so.yaml")) == COMMUNES
    assert seen.read_text(encoding="utf-8") == "\n"
    make(build, "setup", "SIGN=ky-so.yaml")  # a real run records it: the communes are out of date
    assert seen.read_text(encoding="utf-8") == "ky-so.yaml\n"
    assert commune_commands(make(build, "-n", "communes", "SIGN=ky-so.yaml")) == COMMUNES
