"""Signing one PDF in one of Decree 30's four roles, with pyHanko (PAdES B-B,
B-T when a timestamp server is named), as an incremental update: whatever was
signed before stays valid. Every check happens before anything is written."""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, input_error
from .appearance import SEAL_DEFAULT_MM, image_style, info_box_size, info_style, load_picture
from .keys import OpenedKey
from .locate import PT_PER_MM, Box, find_blanks, find_signature_block, top_right
from .policy import DEFAULT_DIGEST, check_certificate, subject_name, subject_organisation

ROLES = ("nguoi-ky", "van-thu", "phu-luc", "ban-sao")
FIELD_PREFIX = {"nguoi-ky": "NguoiKy", "van-thu": "VanThu", "phu-luc": "PhuLuc", "ban-sao": "BanSao"}
REASONS = {  # /Reason of the signature dictionary: how verify tells the role
    "nguoi-ky": "Ký phê duyệt (người có thẩm quyền ký)",
    "van-thu": "Ký số phát hành (chữ ký số của cơ quan, tổ chức)",
    "phu-luc": "Ký phụ lục kèm theo văn bản",
    "ban-sao": "Ký bản sao điện tử",
}
ROLE_NAMES = {"nguoi-ky": "người ký", "van-thu": "văn thư (phát hành)", "phu-luc": "phụ lục", "ban-sao": "bản sao"}


@dataclass
class SignRequest:
    role: str
    image: Path | None = None  # nguoi-ky: the handwritten signature (blue, transparent PNG)
    seal: Path | None = None  # van-thu: the seal (red, transparent PNG, real size)
    number: str | None = None  # van-thu: number to fill in; phu-luc/ban-sao: number and symbol shown
    date: _dt.date | None = None  # van-thu: day of issue to fill in
    copy_form: str = "Sao y"  # ban-sao: sao y / sao lục / trích sao
    seal_mm: float = SEAL_DEFAULT_MM  # the seal's diameter when its PNG does not say (DPI)
    tsa_url: str | None = None
    timestamper: object | None = None  # a pyHanko TimeStamper (overrides tsa_url)
    location: str | None = None

    def validate(self) -> None:
        if self.role not in ROLES:
            raise input_error(f"Vai trò ký '{self.role}' không có; chỉ nhận: {', '.join(ROLES)}.")
        if self.role == "nguoi-ky" and self.image is None:
            raise input_error("Người ký cần ảnh chữ ký (--image, tệp PNG nền trong suốt, màu xanh).")
        if self.role == "van-thu" and self.seal is None:
            raise input_error("Văn thư cần ảnh con dấu (--seal, tệp PNG nền trong suốt, màu đỏ).")
        if self.role == "nguoi-ky" and (self.number or self.date):
            raise input_error("Số và ngày ban hành do văn thư điền khi phát hành (--as van-thu), không phải "
                              "người ký.")
        if self.role == "phu-luc" and not self.number:
            raise input_error("Phụ lục cần số và ký hiệu của văn bản kèm theo (--number, ví dụ 07/UBND-VP).")


@dataclass
class SignResult:
    role: str
    field: str
    signer: str
    organisation: str | None
    time: _dt.datetime
    sha256: str  # of the signed file
    level: str  # PAdES B-B or B-T
    filled: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        from .policy import iso_vn

        return {"role": self.role, "field": self.field, "signer": self.signer, "organisation": self.organisation,
                "time": iso_vn(self.time), "sha256": self.sha256, "level": self.level, "filled": self.filled}


def _reader(data: bytes, source: str):
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        _ = reader.root, reader.trailer
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise input_error("Tệp không phải PDF đọc được.", [Problem(source, str(exc) or type(exc).__name__)]) from None
    if reader.encrypted:
        raise input_error("Tệp PDF được mã hóa (đặt mật khẩu); không ký được.",
                          [Problem(source, "tệp được mã hóa")], hint="Gỡ mật khẩu của tệp rồi ký lại.")
    return reader


def _refuse_if_locked(reader, source: str) -> None:
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import read_certification_data

    cert = read_certification_data(reader)
    if cert is not None and cert.permission == MDPPerm.NO_CHANGES:
        raise input_error("Văn bản đã được ký chứng nhận không cho phép thay đổi; ký thêm sẽ làm hỏng chữ ký đó.",
                          [Problem(source, "chữ ký chứng nhận (DocMDP) mức 1: không cho phép thay đổi")])


def _page_refs(reader) -> list:
    count = int(reader.root["/Pages"]["/Count"])
    return [reader.find_page_for_modification(i)[0] for i in range(count)]


def _signature_fields(reader) -> tuple[set[str], bool, dict[str, Box]]:
    """Signature fields already present: every name, whether any is signed, and the widget box
    (with its page) of each visible one."""
    from pyhanko.sign.fields import enumerate_sig_fields

    names: set[str] = set()
    signed = False
    boxes = {}
    refs = None
    for name, value, ref in enumerate_sig_fields(reader):
        names.add(name)
        signed = signed or value is not None
        obj = ref.get_object()
        annot = obj["/Kids"][0].get_object() if "/Kids" in obj else obj
        if "/Rect" not in annot:
            continue
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
        if x1 == x0 or y1 == y0:
            continue
        page = 0
        if "/P" in annot:
            refs = refs if refs is not None else _page_refs(reader)
            target = annot.raw_get("/P")
            page = next((i for i, r in enumerate(refs) if r.idnum == getattr(target, "idnum", None)), 0)
        boxes[name] = Box(page, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return names, signed, boxes


def _free_name(prefix: str, taken) -> str:
    if prefix not in taken:
        return prefix
    k = 2
    while f"{prefix}{k}" in taken:
        k += 1
    return f"{prefix}{k}"


def _page_size(reader, index: int) -> tuple[float, float]:
    page = reader.find_page_for_modification(index)[0].get_object()
    node = page
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"]
    x0, y0, x1, y1 = (float(v) for v in node["/MediaBox"])
    return x1 - x0, y1 - y0


def _seal_box(signature: Box, seal_w: float, seal_h: float) -> Box:
    """The seal over the left third of the signature image, centred on it vertically."""
    x1 = signature.x0 + signature.width / 3
    cy = (signature.y0 + signature.y1) / 2
    return Box(signature.page, x1 - seal_w, cy - seal_h / 2, x1, cy + seal_h / 2)


def sign_bytes(data: bytes, source: str, request: SignRequest, key: OpenedKey,
               now: _dt.datetime | None = None) -> tuple[bytes, SignResult]:
    """Sign ``data`` (a PDF read from ``source``) as ``request`` says with ``key``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as ph_fields
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    from . import fields as tx

    request.validate()
    reader = _reader(data, source)
    _refuse_if_locked(reader, source)
    check_certificate(key.cert, key.ref.label, now)
    taken, signed_before, existing = _signature_fields(reader)
    name = _free_name(FIELD_PREFIX[request.role], taken)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    mdp = None
    filled: dict[str, str] = {}

    if request.role == "nguoi-ky":
        picture = load_picture(request.image, "chữ ký")
        block = find_signature_block(data, source, subject_name(key.cert))
        box = block.area.fit(*picture.aspect)
        style = image_style(picture)
        if not signed_before and not tx.text_fields(reader):
            tx.add_blank_fields(writer, find_blanks(data, source))
    elif request.role == "van-thu":
        picture = load_picture(request.seal, "con dấu")
        leaders = [b for n, b in existing.items() if n.startswith(FIELD_PREFIX["nguoi-ky"])]
        signature = leaders[-1] if leaders else find_signature_block(data, source).area
        box = _seal_box(signature, *picture.real_size_pt(request.seal_mm))
        style = image_style(picture)
        filled = _issue(writer, reader, data, source, request, signed_before)
        if filled:
            mdp = ph_fields.FieldMDPSpec(ph_fields.FieldMDPAction.INCLUDE, fields=list(filled))
    else:
        w, h = info_box_size()
        pw, ph = _page_size(reader, 0)
        box = _free_top_right(existing.values(), pw, ph, w, h)
        org = subject_organisation(key.cert) or subject_name(key.cert)
        lines = [request.number] if request.role == "phu-luc" else \
            [f"{request.copy_form}: {org}", *([request.number] if request.number else [])]
        style = info_style([s for s in lines if s])

    timestamper = request.timestamper
    if timestamper is None and request.tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(request.tsa_url)
    meta = signers.PdfSignatureMetadata(
        field_name=name, md_algorithm=DEFAULT_DIGEST, subfilter=SigSeedSubFilter.PADES,
        reason=REASONS[request.role], location=request.location,
        signer_key_usage={"digital_signature", "non_repudiation"},
    )
    spec = ph_fields.SigFieldSpec(sig_field_name=name, on_page=box.page, box=box.rect(), field_mdp_spec=mdp,
                                  readable_field_name=ROLE_NAMES[request.role])
    pdf_signer = signers.PdfSigner(meta, signer=key.signer, stamp_style=style, new_field_spec=spec,
                                   timestamper=timestamper)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=_reserve(key, timestamper))
    except Exception as exc:  # noqa: BLE001 - pyHanko, the token and the TSA client raise many kinds
        raise _signing_error(exc, source, request) from None
    signed = out.getvalue()
    when = _signed_time(signed)
    result = SignResult(request.role, name, subject_name(key.cert), subject_organisation(key.cert), when,
                        hashlib.sha256(signed).hexdigest(), "PAdES B-T" if timestamper else "PAdES B-B", filled)
    return signed, result


def _free_top_right(taken, page_width: float, page_height: float, w: float, h: float) -> Box:
    """The top-right information box, moved left past the boxes already there (a copy of an
    appendix carries both texts side by side, never one over the other)."""
    box = top_right(page_width, page_height, w, h)
    gap = 3 * PT_PER_MM
    while any(t.page == box.page and t.x0 < box.x1 and box.x0 < t.x1 and t.y0 < box.y1 and box.y0 < t.y1
              for t in taken):
        if box.x0 - w - gap < 0:
            break  # no room left in the top margin: the last place is kept
        box = Box(box.page, box.x0 - w - gap, box.y0, box.x1 - w - gap, box.y1)
    return box


def _reserve(key: OpenedKey, timestamper) -> int:
    """Bytes to keep for the CMS blob: the certificates it embeds plus room for the signature and
    attributes (and a time-stamp token); saves pyHanko's dry-run signature that measures it."""
    try:
        certs = sum(len(c.dump()) for c in key.signer.cert_registry) + len(key.cert.dump())
    except Exception:  # noqa: BLE001 - a signer without a local registry (token): let pyHanko measure
        return None
    return (certs + 8192 + (16384 if timestamper else 0) + 1) // 2 * 2  # pyHanko wants it even


def _issue(writer, reader, data: bytes, source: str, request: SignRequest, signed_before: bool) -> dict[str, str]:
    """Fill the draft's blank number and day (fields the leader's revision left, or new ones
    if nobody signed yet); a Vietnamese error when they are blank but not given, or cannot be filled."""
    from . import fields as tx

    refs = tx.text_fields(reader)
    sizes: dict[str, float] = {}
    if not refs and not signed_before:
        blanks = find_blanks(data, source)
        if blanks.any:
            tx.add_blank_fields(writer, blanks)
            refs = tx.text_fields(writer)
            sizes = {tx.NUMBER_FIELD: blanks.size_pt, tx.DAY_FIELD: blanks.date_size_pt,
                     tx.MONTH_FIELD: blanks.date_size_pt}
    empty = {n for n, r in refs.items() if not str(r.get_object().get("/V", "")).strip()}
    if (request.number or request.date) and not refs:
        raise input_error("Không điền được số, ngày ban hành: văn bản không còn chỗ trống số/ngày để điền.",
                          [Problem(source, "văn bản đã có số và ngày, hoặc đã được ký mà không chừa ô số/ngày")])
    need = [tx.FIELD_LABELS[n] for n in sorted(empty)
            if (n == tx.NUMBER_FIELD and not request.number) or (n != tx.NUMBER_FIELD and not request.date)]
    if need:
        raise input_error("Văn bản còn để trống " + ", ".join(need) + "; văn thư cần điền khi phát hành.",
                          [Problem(source, "thiếu --number và/hoặc --date")],
                          hint="Ví dụ: --number 15 --date 2024-11-04.")
    values = tx.issue_values(request.number, request.date, empty)
    if values:
        if not sizes:
            sizes = {n: max(10.0, min(14.0, tx.field_box(refs[n].get_object()).height - 2)) for n in values}
        tx.fill(writer, refs, values, sizes)
    return values


def _signed_time(signed: bytes) -> _dt.datetime:
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[-1]
    return sig.self_reported_timestamp or _dt.datetime.now(_dt.timezone.utc)


def _signing_error(exc: Exception, source: str, request: SignRequest):
    text = f"{type(exc).__name__}: {exc}"
    if "imestamp" in text or "TSA" in text or "aiohttp" in text or "ClientConnector" in text:
        return input_error("Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian.",
                           [Problem(request.tsa_url or "TSA", text)],
                           hint="Kiểm tra địa chỉ --tsa và kết nối mạng.")
    return input_error("Không ký được văn bản.", [Problem(source, text)])


def sign_file(source: Path, output: Path, request: SignRequest, key: OpenedKey) -> SignResult:
    """Sign ``source`` into ``output`` (written atomically; nothing written on error)."""
    from ..files import write_bytes

    try:
        data = Path(source).read_bytes()
    except FileNotFoundError:
        raise input_error("Không tìm thấy tệp cần ký.", [Problem(str(source), "tệp không tồn tại")]) from None
    signed, result = sign_bytes(data, str(source), request, key)
    write_bytes(output, signed)
    return result


__all__ = ["ROLES", "SignRequest", "SignResult", "sign_bytes", "sign_file"]
