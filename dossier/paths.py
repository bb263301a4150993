"""Where the project's data folders are, for a checkout or an installed package."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
FONTS_DIR = PROJECT_DIR / "fonts"
SAMPLES_DIR = PROJECT_DIR / "samples"
