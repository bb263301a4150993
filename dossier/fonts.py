"""The fonts shipped in ``fonts/`` and the fontconfig setup that makes
LibreOffice and WeasyPrint use them without any system-wide install."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .paths import FONTS_DIR

DOCUMENT_FONT = "Times New Roman"  # what DOCX files name (Decree 30/2020)
SHIPPED_FONT = "Liberation Serif"  # metric-compatible OFL font in fonts/


def fontconfig_file() -> Path:
    """Write (once per process) a fonts.conf pointing at the project's fonts."""
    cache = Path(tempfile.gettempdir()) / f"dossier-fontconfig-{os.getuid()}"
    cache.mkdir(parents=True, exist_ok=True)
    conf = cache / "fonts.conf"
    text = (FONTS_DIR / "fonts.conf").read_text(encoding="utf-8")
    text = text.replace("@FONTS_DIR@", str(FONTS_DIR)).replace("@CACHE_DIR@", str(cache / "cache"))
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        tmp = conf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, conf)
    return conf


def use_project_fonts(env: dict[str, str] | None = None) -> dict[str, str]:
    """Return (or update in place) an environment whose fontconfig finds fonts/."""
    target = os.environ if env is None else env
    target["FONTCONFIG_FILE"] = str(fontconfig_file())
    return target
