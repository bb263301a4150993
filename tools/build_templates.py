"""Write the bundled DOCX templates into templates/ from dossier.layout.forms.

Run after changing the layout profile or a form:  .venv/bin/python tools/build_templates.py
The templates are committed so clerks can open and edit them in Word.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dossier.files import write_bytes  # noqa: E402
from dossier.layout.docx_blocks import drop_unused_styles  # noqa: E402
from dossier.layout.forms import FORMS  # noqa: E402
from dossier.paths import TEMPLATES_DIR  # noqa: E402
from dossier.render.docx_package import docx_bytes, set_properties, source_date  # noqa: E402


def main() -> None:
    for name, build in FORMS.items():
        doc = build()
        drop_unused_styles(doc)
        set_properties(doc, title=f"Mẫu {name}", author="dossier", when=source_date())
        changed = write_bytes(TEMPLATES_DIR / f"{name}.docx", docx_bytes(doc))
        print(f"{'wrote' if changed else 'unchanged'} templates/{name}.docx")


if __name__ == "__main__":
    main()
