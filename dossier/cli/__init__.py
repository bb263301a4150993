"""The ``dossier`` command: Click commands that parse options and call the library.

Each command lives in its own module of this package and registers itself on
:data:`main`. Errors are turned into a Vietnamese message and an exit code in
one place, :func:`run_command`.
"""

from __future__ import annotations

import importlib


from .app import main, run_command  # noqa: F401

# One module per command group; each registers its commands on ``main``.
COMMAND_MODULES = [
    "render",
    "build",
    "batch",
    "check",
    "assess",
    "preview",
    "villages",
]

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
