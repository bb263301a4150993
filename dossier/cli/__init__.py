"""The ``dossier`` command: Click commands that parse options and call the library.

Each command lives in its own module of this package and registers itself on
:data:`main`. Errors are turned into a Vietnamese message and an exit code in
one place, :func:`run_command`.
"""

from __future__ import annotations

from .app import main, run_command  # noqa: F401

# One module per command group; each registers its commands on ``main`` when
# first needed (see app._Group).
COMMANDS = {
    "render": "render",
    "build": "build",
    "batch": "batch",
    "check": "check",
    "assess": "assess",
    "summary": "assess",
    "excel-template": "assess",
    "preview": "preview",
    "villages": "villages",
    "plan": "villages",
    "plans": "villages",
    "office": "office",
    "merge-communes": "merge",
    "serve": "serve",
    "sign": "sign",
    "verify": "sign",
}
main.lazy = {name: f"{__name__}.{module}" for name, module in COMMANDS.items()}
