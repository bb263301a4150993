"""`dossier --help` and `--version` import no command module: the command list is
read from the command modules' sources, and reads exactly as Click would print it
with every command imported (timings are in benchmarks/, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

HELP = """
import json, sys
from dossier.cli import main
def run(args):
    try:
        main(args, prog_name="dossier")
    except SystemExit:
        pass
run(sys.argv[1:])
lazy = sorted(m for m in sys.modules if m.startswith("dossier.cli.") and m.rsplit(".", 1)[1] not in ("app", "i18n"))
print(json.dumps(lazy), file=sys.stderr)
if lazy == []:
    import importlib
    for module in set(main.lazy.values()):
        importlib.import_module(module)
    print("=== eager", flush=True)
    run(sys.argv[1:])
"""


def run(*args: str) -> tuple[str, list[str]]:
    proc = subprocess.run([sys.executable, "-c", HELP, *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(proc.stderr.strip().splitlines()[-1])


def test_help_imports_no_command_and_lists_them_as_click_would():
    out, imported = run("--help")
    assert imported == []
    lazy, eager = out.split("=== eager\n")
    assert lazy == eager
    for name in ("assess", "batch", "build", "check", "office", "render", "summary", "villages"):
        assert f"\n  {name} " in lazy
    assert "Đánh giá mức độ đạt các tiêu chí nông thôn mới của một xã." in lazy


def test_version_imports_no_command():
    out, imported = run("--version")
    assert imported == [] and out.startswith("dossier ")


def test_a_command_still_gets_its_module():
    out, imported = run("assess", "--help")
    assert "dossier.cli.assess" in imported and "--format" in out
