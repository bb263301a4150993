"""The text fields that carry a draft's number and day of issue.

When the leader signs a draft whose number and day are still blank, the
signing revision also adds empty text fields over the blanks; the văn thư then
fills them (form filling, which the leader's signature permits) and locks them
with the issuing signature. Both signatures stay valid, and the number and day
print where the document left room for them."""

from __future__ import annotations

import datetime as _dt

from .locate import Blanks, Box

NUMBER_FIELD = "SoVanBan"
DAY_FIELD = "NgayBanHanh"
MONTH_FIELD = "ThangBanHanh"
FIELD_LABELS = {NUMBER_FIELD: "số văn bản", DAY_FIELD: "ngày ban hành", MONTH_FIELD: "tháng ban hành"}


def _acroform_fields(writer, create: bool):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    root = writer.root
    if "/AcroForm" in root:
        form = root["/AcroForm"]
        if "/Fields" not in form:
            form[pdf_name("/Fields")] = generic.ArrayObject()
            writer.update_container(form)
        return form["/Fields"]
    if not create:
        return None
    fields = generic.ArrayObject()
    form = generic.DictionaryObject({pdf_name("/Fields"): fields})
    root[pdf_name("/AcroForm")] = writer.add_object(form)
    writer.update_root()
    return fields


def text_fields(reader_or_writer) -> dict[str, object]:
    """Our number/day fields present in a document: name → field dictionary."""
    root = reader_or_writer.root
    if "/AcroForm" not in root or "/Fields" not in root["/AcroForm"]:
        return {}
    found = {}
    for ref in root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = str(field.get("/T", ""))
        if name in FIELD_LABELS and field.get("/FT") == "/Tx":
            found[name] = ref
    return found


def add_blank_fields(writer, blanks: Blanks) -> list[str]:
    """Add empty, printable text fields over the blanks of page 1; return their names."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.generic import pdf_name, pdf_string
    from pyhanko.pdf_utils.layout import BoxConstraints

    wanted = [(NUMBER_FIELD, blanks.number), (DAY_FIELD, blanks.day), (MONTH_FIELD, blanks.month)]
    wanted = [(n, b) for n, b in wanted if b is not None]
    if not wanted:
        return []
    fields = _acroform_fields(writer, create=True)
    page_ref = writer.find_page_for_modification(0)[0]
    for name, box in wanted:
        field = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/TU"): pdf_string(FIELD_LABELS[name]),
            pdf_name("/V"): pdf_string(""),
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Ff"): generic.NumberObject(0),
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box.rect()),
            pdf_name("/DA"): pdf_string("/Helv 0 Tf 0 g"),
            pdf_name("/P"): page_ref,
        })
        blank = RawContent(b"", box=BoxConstraints(width=box.width, height=box.height)).as_form_xobject()
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(blank)})
        ref = writer.add_object(field)
        fields.append(ref)
        writer.register_annotation(page_ref, ref)
    writer.update_container(fields)
    return [n for n, _ in wanted]


def field_box(field) -> Box:
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    return Box(0, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def fill(writer, refs: dict[str, object], values: dict[str, str], sizes: dict[str, float]) -> None:
    """Set each field's value and draw it (Liberation Serif; the day and month in italics, like the date line)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name, pdf_string

    from .appearance import text_xobject

    for name, value in values.items():
        ref = refs[name]
        field = ref.get_object()
        box = field_box(field)
        number = name == NUMBER_FIELD  # the number reads "Số: 05/UBND-NN", against the symbol
        xobj = text_xobject(writer, value, box.width, box.height, sizes.get(name, 13.0), italic=not number,
                            right=number)
        field[pdf_name("/V")] = pdf_string(value)
        field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(xobj)})
        writer.mark_update(ref)


def issue_values(number: str | None, date: _dt.date | None, present: set[str]) -> dict[str, str]:
    """What goes in each field: '05' for number 5; the day '04' and month '11' (Decree 30 zeros)."""
    from ..vntext import doc_number

    values: dict[str, str] = {}
    if number is not None and NUMBER_FIELD in present:
        values[NUMBER_FIELD] = doc_number(number) if str(number).strip().isdigit() else str(number).strip()
    if date is not None:
        if DAY_FIELD in present:
            values[DAY_FIELD] = f"{date.day:02d}"
        if MONTH_FIELD in present:
            values[MONTH_FIELD] = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return values
