"""``dossier serve``: a local web application for clerks, thin over the same
library as the CLI. :func:`create_app` builds it (one module per page:
``documents``, ``communes``, ``dossiers``, ``checks``; ``security``,
``uploads`` and ``jobs`` under them all); :func:`serve` runs it."""

from __future__ import annotations

from .app import close_app, create_app
from .server import serve

__all__ = ["close_app", "create_app", "serve"]
