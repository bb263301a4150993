"""Checking the signatures of a PDF offline, with pyHanko, and saying in
Vietnamese what a receiving office needs to know about each: who signed (name,
organisation), in which role, when, with which algorithm, whether it covers the
whole file or an earlier revision and what changed after it (and whether that
was allowed), whether the certificate chains to a trusted root — and that
revocation was not checked, since nothing is fetched from the network.

A file passes only when every signature is intact and trusted, every change
after a signature was permitted, and nothing was added after the last one."""

from __future__ import annotations

import datetime as _dt
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import Problem, input_error
from .policy import (
    MECHANISMS,
    display_time,
    iso_vn,
    mechanism_allowed,
    subject_name,
    subject_organisation,
    subject_title,
)
from .sign import FIELD_PREFIX, REASONS, ROLE_NAMES

DIGEST_NAMES = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sha3_256": "SHA3-256",
                "sha3_384": "SHA3-384", "sha3_512": "SHA3-512", "sha1": "SHA-1", "md5": "MD5"}
CHANGES = {  # pyHanko's ModificationLevel → what it means to a clerk
    "NONE": "không có thay đổi nào khác",
    "LTA_UPDATES": "chỉ thêm dữ liệu xác thực dài hạn",
    "FORM_FILLING": "chỉ điền ô biểu mẫu (số, ngày ban hành) và thêm chữ ký",
    "ANNOTATIONS": "thêm ghi chú",
    "OTHER": "sửa nội dung văn bản",
}


@dataclass
class SignatureReport:
    field: str
    role: str | None
    signer: str | None = None
    title: str | None = None  # the signer's position, from the certificate
    organisation: str | None = None
    time: str | None = None  # ISO 8601, +07:00
    time_source: str = "máy người ký tự ghi"
    algorithm: str | None = None
    algorithm_allowed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    chain: list[str] = field(default_factory=list)
    coverage: str = "unknown"  # whole-file | revision | unknown
    changes_after: str | None = None
    filled_after: dict[str, str] = field(default_factory=dict)  # the draft's number/day filled in later
    changes_permitted: bool = True
    revocation_checked: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.changes_permitted and self.algorithm_allowed


@dataclass
class FileReport:
    path: str
    signatures: list[SignatureReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (bool(self.signatures) and not self.problems and all(s.ok for s in self.signatures)
                and self.signatures[-1].coverage == "whole-file")

    def as_dict(self) -> dict:
        return {"path": self.path, "ok": self.ok, "problems": self.problems,
                "signatures": [{**asdict(s), "ok": s.ok} for s in self.signatures]}

    def as_text(self) -> str:
        out = [f"Tệp: {self.path}", f"Số chữ ký: {len(self.signatures)}"]
        for k, s in enumerate(self.signatures, 1):
            role = ROLE_NAMES.get(s.role or "", "không rõ vai trò")
            out.append(f"Chữ ký {k} (ô {s.field}, {role}):")
            who = s.signer or "không rõ"
            out.append(f"  Người ký: {who}" + (f" ({s.title})" if s.title else "")
                       + (f" — {s.organisation}" if s.organisation and s.organisation != who else ""))
            if s.time:
                out.append(f"  Thời điểm ký: {display_time(_dt.datetime.fromisoformat(s.time))} ({s.time_source})")
            if s.algorithm:
                law = "đúng" if s.algorithm_allowed else "KHÔNG đúng"
                out.append(f"  Thuật toán: {s.algorithm} ({law} Thông tư 15/2025/TT-BKHCN)")
            out.append("  Nội dung đã ký: " + ("còn nguyên vẹn" if s.intact and s.valid else "ĐÃ BỊ THAY ĐỔI hoặc "
                                                "chữ ký hỏng"))
            if s.coverage == "whole-file":
                out.append("  Phạm vi: toàn bộ tệp (không có gì thêm sau chữ ký này)")
            elif s.coverage == "revision":
                allowed = "được phép" if s.changes_permitted else "KHÔNG được phép"
                out.append(f"  Phạm vi: một phiên bản trước của tệp; thay đổi sau đó: {s.changes_after} ({allowed})")
                if s.filled_after:
                    from .fields import FIELD_LABELS

                    out.append("  Đã điền sau chữ ký này: " + "; ".join(f"{FIELD_LABELS.get(k, k)} {v}"
                                                                          for k, v in s.filled_after.items()))
            else:
                out.append("  Phạm vi: không xác định")
            if s.trusted:
                out.append("  Chứng thư số: tới gốc tin cậy (" + " → ".join(s.chain) + ")")
            else:
                out.append("  Chứng thư số: KHÔNG tới được gốc tin cậy nào đã cho (--trust)")
            if not s.revocation_checked:
                out.append("  Thu hồi: chưa kiểm tra (kiểm tra ngoại tuyến, không truy vấn CRL/OCSP)")
            out += [f"  Vấn đề: {p}" for p in s.problems]
        out += [f"Vấn đề: {p}" for p in self.problems]
        if self.ok:
            out.append("Kết luận: HỢP LỆ — mọi chữ ký còn nguyên vẹn, tin cậy, không có gì thay đổi sau chữ ký cuối.")
        else:
            out.append("Kết luận: KHÔNG HỢP LỆ.")
        return "\n".join(out)


def load_trust(paths: list[Path] | tuple[Path, ...]) -> list:
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    for p in paths:
        try:
            roots += list(load_certs_from_pemder([str(p)]))
        except (OSError, ValueError) as exc:
            raise input_error("Không đọc được chứng thư gốc tin cậy.", [Problem(str(p), str(exc))]) from None
    return roots


def _role(field_name: str, reason: str | None) -> str | None:
    for role, text in REASONS.items():
        if reason == text:
            return role
    for role, prefix in FIELD_PREFIX.items():
        if field_name.startswith(prefix):
            return role
    return None


def _chain(status) -> list[str]:
    path = getattr(status, "validation_path", None)
    if path is None:
        return []
    try:
        return [subject_name(c) for c in reversed(list(path.iter_certs(include_root=True)))]
    except Exception:  # noqa: BLE001 - a partial path says nothing useful
        return []


def _field_values(root) -> dict[str, str]:
    from .fields import FIELD_LABELS

    if "/AcroForm" not in root or "/Fields" not in root["/AcroForm"]:
        return {}
    values = {}
    for ref in root["/AcroForm"]["/Fields"]:
        f = ref.get_object()
        if str(f.get("/T", "")) in FIELD_LABELS:
            values[str(f["/T"])] = str(f.get("/V", ""))
    return values


def _filled_after(sig) -> dict[str, str]:
    """The number/day fields given a value after ``sig`` was made."""
    try:
        before = _field_values(sig.reader.get_historical_root(sig.signed_revision))
        after = _field_values(sig.reader.root)
    except Exception:  # noqa: BLE001 - an odd revision history: say nothing rather than guess
        return {}
    return {k: v for k, v in after.items() if v and before.get(k) != v}


def _report_one(sig, roots) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    reason = sig.sig_object.get("/Reason")
    rep = SignatureReport(field=sig.field_name, role=_role(sig.field_name, str(reason) if reason else None))
    try:
        cert = sig.signer_cert
        rep.signer, rep.organisation = subject_name(cert), subject_organisation(cert)
        rep.title = subject_title(cert)
    except Exception:  # noqa: BLE001
        rep.problems.append("không đọc được chứng thư số của người ký")
    vc = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(
            sig, vc, ts_validation_context=ValidationContext(trust_roots=list(roots), allow_fetching=False,
                                                             revocation_mode="soft-fail"),
            key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                                   match_all_key_usages=False))
    except Exception as exc:  # noqa: BLE001 - a damaged signature makes pyHanko raise many kinds
        rep.problems.append(f"không kiểm tra được chữ ký: {type(exc).__name__}: {exc}")
        return rep
    rep.intact, rep.valid, rep.trusted = bool(status.intact), bool(status.valid), bool(status.trusted)
    mech = status.pkcs7_signature_mechanism or ""
    family = "ecdsa" if "ecdsa" in mech else mech
    rep.algorithm = f"{MECHANISMS.get(family, mech)}, {DIGEST_NAMES.get(status.md_algorithm, status.md_algorithm)}"
    rep.algorithm_allowed = mechanism_allowed(family, status.md_algorithm)
    if not rep.algorithm_allowed:
        rep.problems.append("thuật toán ký không thuộc danh mục Thông tư 15/2025/TT-BKHCN cho phép")
    ts = status.timestamp_validity
    when = ts.timestamp if ts is not None else status.signer_reported_dt
    if ts is not None:
        rep.time_source = "dấu thời gian " + ("hợp lệ" if ts.valid and ts.intact and ts.trusted
                                               else "KHÔNG hợp lệ hoặc không tin cậy")
        if not (ts.valid and ts.intact):
            rep.problems.append("dấu thời gian không hợp lệ")
    rep.time = iso_vn(when) if when else None
    rep.chain = _chain(status) if rep.trusted else []
    coverage = status.coverage.name if status.coverage is not None else ""
    rep.coverage = {"ENTIRE_FILE": "whole-file", "ENTIRE_REVISION": "revision"}.get(coverage, "unknown")
    if rep.coverage == "revision":
        level = status.modification_level
        rep.changes_after = CHANGES.get(level.name if level is not None else "OTHER", CHANGES["OTHER"])
        rep.changes_permitted = bool(status.docmdp_ok) and level is not None and level.name != "OTHER"
        rep.filled_after = _filled_after(sig)
    elif rep.coverage == "unknown":
        rep.changes_permitted = False
        rep.problems.append("chữ ký không phủ trọn một phiên bản của tệp")
    if not rep.intact:
        rep.problems.append("nội dung đã ký bị thay đổi (mã băm không khớp)")
    elif not rep.valid:
        rep.problems.append("chữ ký không hợp lệ về mật mã hoặc chứng thư không dùng để ký được")
    if not rep.trusted:
        rep.problems.append("chứng thư số không tới được gốc tin cậy đã cho")
    return rep


def verify_bytes(data: bytes, source: str, roots) -> FileReport:
    from pyhanko.pdf_utils.reader import PdfFileReader

    report = FileReport(source)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - a damaged file makes the parser raise many kinds
        report.problems.append(f"tệp PDF hỏng, không đọc được chữ ký ({type(exc).__name__})")
        return report
    if not signatures:
        report.problems.append("tệp không có chữ ký số")
    for sig in signatures:
        report.signatures.append(_report_one(sig, roots))
    return report


def verify_file(path: Path, roots) -> FileReport:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise input_error("Không tìm thấy tệp cần kiểm tra.", [Problem(str(path), "tệp không tồn tại")]) from None
    return verify_bytes(data, str(path), roots)


def _signed_in_manifest(folder: Path) -> list[Path]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = [s["file"] for s in data.get("signatures", []) if isinstance(s, dict) and s.get("file")]
    return [folder / n for n in dict.fromkeys(names)]


def dossier_files(folder: Path) -> list[Path]:
    """The signed files of a dossier folder: the parts its manifest lists, then ``ho-so.pdf``, then
    those of the dossiers nested in it (a district's communes); without a manifest, every PDF."""
    own = _signed_in_manifest(folder)
    if not own:
        return sorted(folder.glob("*.pdf"))
    nested = [f for m in sorted(folder.rglob("manifest.json")) if m.parent != folder
              for f in _signed_in_manifest(m.parent)]
    return own + nested


def verify_path(path: Path, roots) -> list[FileReport]:
    """One report per file: ``path`` itself, or each signed file of a dossier folder."""
    path = Path(path)
    if path.is_dir():
        files = dossier_files(path)
        if not files:
            raise input_error("Thư mục không có tệp PDF nào để kiểm tra.", [Problem(str(path), "")])
        return [verify_file(f, roots) for f in files]
    return [verify_file(path, roots)]
