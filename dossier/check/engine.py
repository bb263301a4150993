"""Run every registered check over one recognised document.

Importing this module imports the ``checks_*`` modules, which register their
functions in :mod:`.registry`; the registry itself imports none of them."""

from __future__ import annotations

from . import checks_body, checks_closing, checks_header, checks_page  # noqa: F401 - registration
from .recognise import Anatomy
from .registry import CHECKS, Context, Finding
from .view import DocumentView


def registered_ids() -> set[str]:
    """Every rule id some check may report."""
    return {rule for ids, _ in CHECKS for rule in ids}


def run_checks(view: DocumentView, anatomy: Anatomy) -> tuple[list[Finding], list[str]]:
    """The findings of every check, and the notes they made."""
    ctx = Context(view, anatomy)
    for _, func in CHECKS:
        func(ctx)
    return ctx.findings, ctx.notes
