"""The district's list of villages meeting the province's criteria (``dossier
villages``): per commune and for the district, against the programme's target
from the plan settings, printed as lines and optionally written as an XLSX table."""

from __future__ import annotations

from pathlib import Path

from ..errors import input_error


def village_list(folder: Path, settings: Path | None = None, target: int | None = None,
                 output: Path | None = None) -> list[str]:
    """The listing's lines; ``output`` (.xlsx) written too when given."""
    from ..compose.villages import VillageTarget, listing, listing_lines, listing_rows
    from ..criteria import load_folder, summarise
    from .plans import load_settings, write_table_xlsx

    if output is not None and Path(output).suffix.lower() != ".xlsx":
        raise input_error(f"Danh sách bản chỉ ghi được ra tệp .xlsx, nhận được “{Path(output).name}”.")
    summary = summarise(load_folder(folder))
    spec = load_settings(settings, summary.year).villages_target if settings else None
    goal = None
    if spec is not None:
        goal = VillageTarget(target or spec.count, spec.year, tuple(spec.communes), spec.scope)
    elif target is not None:
        goal = VillageTarget(target, summary.year + 1)
    result = listing(list(summary.communes), goal)
    if not result.communes:
        raise input_error(f"Không xã nào trong {folder} có số liệu đánh giá thôn, bản (mục villages).")
    if output is not None:
        title = f"DANH SÁCH BẢN ĐẠT CHUẨN NÔNG THÔN MỚI NĂM {summary.year}"
        rows = [(row, "task") for row in listing_rows(result)]
        write_table_xlsx(output, [title, result.district or ""],
                         ["STT", "Xã", "Bản", "Số tiêu chí đạt", "Kết quả", "Chỉ tiêu chưa đạt"], rows)
    return listing_lines(result)
