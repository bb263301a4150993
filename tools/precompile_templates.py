"""Compile the bundled DOCX templates for every later process (dossier.render.precompiled).

Run by make setup (tools/setup.sh), as the package's bytecode is compiled:
    .venv/bin/python tools/precompile_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dossier.render.docx import precompile_bundled  # noqa: E402
from dossier.render.precompiled import FOLDER  # noqa: E402

if __name__ == "__main__":
    count = precompile_bundled()
    print(f"{count} template sources compiled into {FOLDER}", file=sys.stderr)
