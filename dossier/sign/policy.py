"""What Circular 15/2025/TT-BKHCN asks of a signing key and certificate, checked
before anything is signed: RSASSA-PSS with RSA ≥ 2048 bits or ECDSA ≥ 256 bits,
SHA-2/SHA-3 digests, a certificate valid now whose key usage allows signing
documents (digitalSignature or nonRepudiation)."""

from __future__ import annotations

import datetime as _dt

from asn1crypto import x509 as asn1_x509
from asn1crypto.algos import SignedDigestAlgorithm

from ..errors import Problem, input_error

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
DIGESTS = ("sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512")
DEFAULT_DIGEST = "sha256"
VN_TZ = _dt.timezone(_dt.timedelta(hours=7), "ICT")


def vn_time(when: _dt.datetime) -> _dt.datetime:
    """``when`` in Vietnam time (UTC+07:00); naive times are taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return when.astimezone(VN_TZ)


def iso_vn(when: _dt.datetime) -> str:
    """ISO 8601 in Vietnam time with the offset written ``+07:00`` (Decree 30)."""
    return vn_time(when).replace(microsecond=0).isoformat()


def display_time(when: _dt.datetime) -> str:
    """``09:30:15 ngày 04/11/2024 (+07:00)``: what a clerk reads."""
    t = vn_time(when)
    return f"{t:%H:%M:%S} ngày {t:%d/%m/%Y} (+07:00)"


def subject_name(cert: asn1_x509.Certificate) -> str:
    """The holder's name: the subject's common name."""
    attrs = cert.subject.native
    return str(attrs.get("common_name") or cert.subject.human_friendly)


def subject_organisation(cert: asn1_x509.Certificate) -> str | None:
    attrs = cert.subject.native
    org = attrs.get("organization_name")
    if isinstance(org, list):
        org = ", ".join(org)
    return str(org) if org else None


def subject_title(cert: asn1_x509.Certificate) -> str | None:
    """The holder's position (the subject's title attribute, e.g. "Chủ tịch"), when the CA wrote one."""
    title = cert.subject.native.get("title")
    return str(title) if title else None


def key_description(cert: asn1_x509.Certificate) -> tuple[str, int]:
    """(algorithm family 'rsa' | 'ec' | other, key size in bits)."""
    pub = cert.public_key
    return pub.algorithm, pub.bit_size


def check_certificate(cert: asn1_x509.Certificate, where: str, now: _dt.datetime | None = None) -> None:
    """Refuse a certificate Circular 15/2025 does not allow to sign with, saying why."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    who = subject_name(cert)
    problems: list[Problem] = []
    not_before = cert["tbs_certificate"]["validity"]["not_before"].native
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    if now < not_before:
        problems.append(Problem(where, f"chứng thư số của {who} chưa có hiệu lực (có hiệu lực từ "
                                       f"{display_time(not_before)})"))
    if now > not_after:
        problems.append(Problem(where, f"chứng thư số của {who} đã hết hạn ngày {display_time(not_after)}"))
    usage = set(cert.key_usage_value.native) if cert.key_usage_value is not None else set()
    if not usage & {"digital_signature", "non_repudiation"}:
        problems.append(Problem(where, f"chứng thư số của {who} không cho phép ký văn bản (thiếu mục đích sử "
                                       "dụng khóa digitalSignature/nonRepudiation)"))
    family, bits = key_description(cert)
    if family == "rsa" and bits < MIN_RSA_BITS:
        problems.append(Problem(where, f"khóa RSA {bits} bit quá yếu: Thông tư 15/2025/TT-BKHCN yêu cầu RSA "
                                       f"từ {MIN_RSA_BITS} bit"))
    elif family == "ec" and bits < MIN_EC_BITS:
        problems.append(Problem(where, f"khóa ECDSA {bits} bit quá yếu: Thông tư 15/2025/TT-BKHCN yêu cầu ECDSA "
                                       f"từ {MIN_EC_BITS} bit"))
    elif family not in ("rsa", "ec"):
        problems.append(Problem(where, f"loại khóa {family} không được Thông tư 15/2025/TT-BKHCN cho phép "
                                       "(chỉ RSA hoặc ECDSA)"))
    if problems:
        raise input_error("Không ký được: chứng thư số không đáp ứng yêu cầu.", problems,
                          hint="Dùng chứng thư số còn hiệu lực, cấp cho việc ký văn bản, khóa RSA ≥ 2048 bit "
                               "hoặc ECDSA ≥ 256 bit.")


def signature_mechanism(cert: asn1_x509.Certificate, digest: str = DEFAULT_DIGEST) -> SignedDigestAlgorithm:
    """RSASSA-PSS (salt = digest length, MGF1 with the same digest) for RSA keys, ECDSA for EC keys."""
    if digest not in DIGESTS:
        raise input_error(f"Hàm băm '{digest}' không được phép; chỉ dùng: {', '.join(DIGESTS)}.")
    family, _bits = key_description(cert)
    if family == "ec":
        return SignedDigestAlgorithm({"algorithm": f"{digest}_ecdsa"})
    from pyhanko.sign.general import optimal_pss_params

    return SignedDigestAlgorithm({"algorithm": "rsassa_pss",
                                  "parameters": optimal_pss_params(cert, digest)})


# How a CMS signature mechanism reads to a clerk (verify reports).
MECHANISMS = {
    "rsassa_pss": "RSASSA-PSS",
    "rsassa_pkcs1v15": "RSA PKCS#1 v1.5",
    "ecdsa": "ECDSA",
}


def mechanism_allowed(mechanism: str, digest: str) -> bool:
    """Whether Circular 15/2025 allows a signature made with ``mechanism`` and ``digest``."""
    return (mechanism == "rsassa_pss" or mechanism.endswith("ecdsa") or mechanism == "ecdsa") and digest in DIGESTS
