"""Where a signing key lives: a PKCS#12 file (.p12/.pfx) or a PKCS#11 token (the
USB tokens Vietnamese CAs issue), opened with pyHanko. Passwords and PINs come
from an environment variable or a prompt, never from the command line, and are
asked once per key for a whole batch (:class:`Secrets`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509

from ..errors import Problem, input_error

PASSWORD_ENV = "DOSSIER_KEY_PASSWORD"
PIN_ENV = "DOSSIER_TOKEN_PIN"


@dataclass(frozen=True)
class KeyRef:
    """A signing key: ``pkcs12`` names a file; ``pkcs11_lib`` a token's module."""

    pkcs12: Path | None = None
    pkcs11_lib: str | None = None
    token_label: str | None = None
    key_label: str | None = None
    cert_label: str | None = None
    chain: tuple[Path, ...] = ()  # extra CA certificates (PEM/DER) to embed

    @property
    def label(self) -> str:
        if self.pkcs12 is not None:
            return str(self.pkcs12)
        return f"token {self.token_label or ''}:{self.key_label or self.cert_label or ''} ({self.pkcs11_lib})"

    def validate(self) -> None:
        if (self.pkcs12 is None) == (self.pkcs11_lib is None):
            raise input_error("Cần chỉ rõ một nơi lấy khóa ký: tệp PKCS#12 (--key) hoặc thiết bị ký "
                              "PKCS#11 (--pkcs11-lib).")
        if self.pkcs12 is not None and not self.pkcs12.is_file():
            raise input_error("Không tìm thấy tệp khóa ký.", [Problem(str(self.pkcs12), "tệp không tồn tại")])
        if self.pkcs11_lib is not None and not (self.key_label or self.cert_label):
            raise input_error("Cần nhãn khóa (--key-label) hoặc nhãn chứng thư (--cert-label) trên thiết bị ký.")


Ask = Callable[[str], str]


@dataclass
class Secrets:
    """Passwords by key, asked once: from ``DOSSIER_KEY_PASSWORD`` (``DOSSIER_TOKEN_PIN``
    for tokens) or ``ask`` (a prompt), then remembered for the batch. A wrong one is
    forgotten (and, for a token, never retried by itself: tokens lock after a few)."""

    ask: Ask | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _known: dict[str, str] = field(default_factory=dict)

    def get(self, ref: KeyRef) -> str:
        if ref.label in self._known:
            return self._known[ref.label]
        # a token's PIN only from its own variable: a file's password tried as a PIN counts towards locking it
        names = (PIN_ENV,) if ref.pkcs11_lib else (PASSWORD_ENV,)
        value = next((self.env[n] for n in names if self.env.get(n)), None)
        if value is None:
            if self.ask is None:
                raise input_error(f"Chưa có mật khẩu cho khóa ký {ref.label}.",
                                  hint=f"Đặt biến môi trường {PASSWORD_ENV} hoặc chạy lệnh ở chế độ hỏi mật khẩu.")
            what = "mã PIN của thiết bị ký" if ref.pkcs11_lib else "mật khẩu tệp khóa"
            value = self.ask(f"Nhập {what} {ref.label}")
        self._known[ref.label] = value
        return value

    def forget(self, ref: KeyRef) -> None:
        self._known.pop(ref.label, None)


@dataclass
class OpenedKey:
    """A pyHanko signer, its certificate and how to let go of the key."""

    signer: object  # pyhanko.sign.signers.Signer
    cert: asn1_x509.Certificate
    ref: KeyRef
    _close: Callable[[], None] | None = None

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def _load_chain(paths: tuple[Path, ...]) -> list[asn1_x509.Certificate]:
    from pyhanko.keys import load_certs_from_pemder

    try:
        return list(load_certs_from_pemder([str(p) for p in paths]))
    except (OSError, ValueError) as exc:
        raise input_error("Không đọc được chứng thư số của chuỗi chứng thực.",
                          [Problem(", ".join(map(str, paths)), str(exc))]) from None


def _loaded_key_signer(pyca_key, **kwargs):
    """A pyHanko SimpleSigner that keeps the private key loaded: pyHanko's re-parses it for every
    signature (with RSA consistency checks, ~80 ms each, twice per signature)."""
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

    class LoadedKeySigner(SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            name = mechanism["algorithm"].native
            if name == "rsassa_pss":
                padding, hash_algo = process_pss_params(mechanism["parameters"])
                return pyca_key.sign(data, padding, hash_algo)
            if name.endswith("ecdsa"):
                return pyca_key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner(**kwargs)


def _open_pkcs12(ref: KeyRef, secrets: Secrets) -> OpenedKey:
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    data = ref.pkcs12.read_bytes()
    password = secrets.get(ref)
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except ValueError:
        secrets.forget(ref)
        raise input_error("Sai mật khẩu tệp khóa ký, hoặc tệp không phải PKCS#12 (.p12/.pfx).",
                          [Problem(str(ref.pkcs12), "không mở được bằng mật khẩu đã nhập")]) from None
    if key is None or cert is None:
        raise input_error("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số.", [Problem(str(ref.pkcs12), "")])
    asn1_cert = translate_pyca_cryptography_cert_to_asn1(cert)
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in others or ()])
    store.register_multiple(_load_chain(ref.chain) if ref.chain else [])
    from .policy import signature_mechanism

    signer = _loaded_key_signer(key, signing_cert=asn1_cert, signing_key=translate_pyca_cryptography_key_to_asn1(key),
                                cert_registry=store, signature_mechanism=signature_mechanism(asn1_cert))
    return OpenedKey(signer, asn1_cert, ref)


def _open_pkcs11(ref: KeyRef, secrets: Secrets) -> OpenedKey:
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session

    pin = secrets.get(ref)
    try:
        session = open_pkcs11_session(ref.pkcs11_lib, token_criteria=TokenCriteria(label=ref.token_label),
                                      user_pin=pin)
    except pkcs11.exceptions.PinIncorrect:
        secrets.forget(ref)
        raise input_error("Sai mã PIN của thiết bị ký.", [Problem(ref.label, "thiết bị từ chối mã PIN")]) from None
    except Exception as exc:  # noqa: BLE001 - python-pkcs11 and pyHanko raise many kinds
        secrets.forget(ref)
        raise input_error("Không mở được thiết bị ký (PKCS#11).",
                          [Problem(ref.label, f"{type(exc).__name__}: {exc}".rstrip(": "))],
                          hint="Kiểm tra thiết bị đã cắm, đường dẫn thư viện PKCS#11 và nhãn thiết bị.") from None
    try:
        signer = PKCS11Signer(session, cert_label=ref.cert_label, key_label=ref.key_label, prefer_pss=True,
                              ca_chain=_load_chain(ref.chain) if ref.chain else None)
        cert = signer.signing_cert
    except Exception as exc:  # noqa: BLE001
        session.close()
        raise input_error("Không tìm thấy khóa hoặc chứng thư số trên thiết bị ký.",
                          [Problem(ref.label, str(exc))]) from None
    return OpenedKey(signer, cert, ref, session.close)


def open_key(ref: KeyRef, secrets: Secrets) -> OpenedKey:
    """Open the key ``ref`` names (asking ``secrets`` for its password or PIN)."""
    ref.validate()
    return _open_pkcs12(ref, secrets) if ref.pkcs12 is not None else _open_pkcs11(ref, secrets)
