"""The one user-error type and the exit codes a clerk can meet.

Library code raises :class:`DossierError` with a Vietnamese message; only the
CLI (``dossier.cli``) turns it into text on stderr and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_BUILD_FAILED = 1  # the build could not complete (missing part, LibreOffice failure...)
EXIT_BAD_INPUT = 2  # a data, template or annex file is wrong: nothing was written
EXIT_INTERNAL = 3  # a bug: short message, traceback saved to a log file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is expected."""

    where: str  # e.g. "samples/x.yaml, trường signer.name" or "Sheet 'Tiêu chí', ô E23"
    message: str  # Vietnamese, says what is expected

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class DossierError(Exception):
    """An error the user can fix. ``message`` is Vietnamese."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = EXIT_BAD_INPUT
    hint: str | None = None  # what to do, in Vietnamese

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(f"Cách xử lý: {self.hint}")
        return "\n".join(lines)


def input_error(message: str, problems: list[Problem] | None = None, hint: str | None = None) -> DossierError:
    return DossierError(message, list(problems or []), EXIT_BAD_INPUT, hint)


def build_error(message: str, problems: list[Problem] | None = None, hint: str | None = None) -> DossierError:
    return DossierError(message, list(problems or []), EXIT_BUILD_FAILED, hint)
