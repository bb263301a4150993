"""Why one conversion failed, and the Vietnamese words for it."""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of failure. Only TIMEOUT, CRASH and START are worth a retry in a fresh
# LibreOffice; OPEN and INVALID are the document's fault and fail the same way again.
INVALID = "invalid"  # not a Word file at all (checked before LibreOffice sees it)
OPEN = "open"  # LibreOffice could not open or export it
TIMEOUT = "timeout"  # no answer in time: the process group was killed
CRASH = "crash"  # LibreOffice died during the conversion
START = "start"  # LibreOffice did not start

RETRYABLE = frozenset({TIMEOUT, CRASH, START})


@dataclass
class ConversionFailure(Exception):
    kind: str
    detail: str = ""  # LibreOffice's own words (English), for logs

    def __post_init__(self) -> None:
        super().__init__(self.detail or self.kind)


def describe(kind: str, timeout: float, detail: str = "") -> str:
    """One Vietnamese sentence for a failure (what happened, not the document's name)."""
    if kind == INVALID:
        return f"không phải tệp Word (.docx) hợp lệ ({detail})" if detail else "không phải tệp Word (.docx) hợp lệ"
    if kind == OPEN:
        return "LibreOffice không mở được tệp (tệp hỏng hoặc không đúng định dạng Word)"
    if kind == TIMEOUT:
        return f"LibreOffice không trả lời sau {timeout:g} giây (đã dừng và thử lại một lần)"
    if kind == CRASH:
        return "LibreOffice bị dừng đột ngột khi chuyển tệp này (đã khởi động lại và thử lại một lần)"
    if kind == START:
        return f"LibreOffice không khởi động được ({detail})" if detail else "LibreOffice không khởi động được"
    return detail or kind
