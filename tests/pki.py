"""A throw-away PKI for signing tests and benchmarks, made at run time with
``cryptography``: root → intermediate → signer and organisation certificates with
Vietnamese subjects, a TSA certificate, and faulty certificates for the error
cases. Also the signature and seal pictures (Pillow). Nothing here is a real key."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mat-khau-thu"
NOW = dt.datetime.now(dt.timezone.utc)


def _name(cn: str, org: str | None = None, title: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    return x509.Name(attrs)


def _usage(**flags) -> x509.KeyUsage:
    names = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"]
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


def _cert(subject, issuer_name, issuer_key, public_key, *, ca=False, usage=None, eku=None,
          not_before=None, not_after=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(public_key)
         .serial_number(x509.random_serial_number())
         .not_valid_before(not_before or NOW - dt.timedelta(days=1))
         .not_valid_after(not_after or NOW + dt.timedelta(days=365))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if usage is not None:
        b = b.add_extension(usage, critical=True)
    if eku is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


@dataclass
class Identity:
    key: object
    cert: x509.Certificate
    p12: Path

    def pem(self, path: Path) -> Path:
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path

    def key_pem(self, path: Path) -> Path:
        path.write_bytes(self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
        return path


@dataclass
class PKI:
    folder: Path
    root: Identity
    intermediate: Identity
    signer: Identity  # Nguyễn Văn A, Chủ tịch UBND xã Bình Lư
    organisation: Identity  # UBND xã Bình Lư
    tsa: Identity
    root_pem: Path

    def issue(self, name: str, cn: str, org: str | None = None, *, key=None, usage=None, not_before=None,
              not_after=None, title=None) -> Identity:
        key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = _cert(_name(cn, org, title), self.intermediate.cert.subject, self.intermediate.key, key.public_key(),
                     usage=usage if usage is not None else _usage(digital_signature=True, content_commitment=True),
                     not_before=not_before, not_after=not_after)
        return _identity(self.folder / f"{name}.p12", key, cert, [self.intermediate.cert, self.root.cert])


def _identity(path: Path, key, cert, chain) -> Identity:
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"test", key, cert, chain, serialization.BestAvailableEncryption(PASSWORD.encode())))
    return Identity(key, cert, path)


def make_pki(folder: Path) -> PKI:
    folder.mkdir(parents=True, exist_ok=True)
    rkey = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rname = _name("Test Root CA (không phải thật)", "Dossier test")
    root_cert = _cert(rname, rname, rkey, rkey.public_key(), ca=True, usage=_usage(key_cert_sign=True, crl_sign=True),
                      not_after=NOW + dt.timedelta(days=3650))
    root = _identity(folder / "root.p12", rkey, root_cert, [])
    ikey = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    icert = _cert(_name("Test Intermediate CA", "Dossier test"), rname, rkey, ikey.public_key(), ca=True,
                  usage=_usage(key_cert_sign=True, crl_sign=True), not_after=NOW + dt.timedelta(days=3000))
    inter = _identity(folder / "intermediate.p12", ikey, icert, [root_cert])
    pki = PKI(folder, root, inter, None, None, None, folder / "root.pem")  # type: ignore[arg-type]
    root.pem(pki.root_pem)
    pki.signer = pki.issue("nguyen-van-a", "Nguyễn Văn A", "UBND xã Bình Lư", title="Chủ tịch")
    pki.organisation = pki.issue("ubnd-xa-binh-lu", "UBND xã Bình Lư", "UBND xã Bình Lư")
    tkey = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tcert = _cert(_name("Test TSA", "Dossier test"), icert.subject, ikey, tkey.public_key(),
                  usage=_usage(digital_signature=True), eku=[ExtendedKeyUsageOID.TIME_STAMPING])
    pki.tsa = Identity(tkey, tcert, folder / "tsa.p12")
    return pki


def faulty(pki: PKI) -> dict[str, Identity]:
    """Certificates Circular 15/2025 (or plain validity) refuses."""
    return {
        "expired": pki.issue("het-han", "Lê Văn Cũ", "UBND xã Bình Lư", not_before=NOW - dt.timedelta(days=400),
                             not_after=NOW - dt.timedelta(days=30)),
        "not-yet": pki.issue("chua-hieu-luc", "Trần Văn Mới", "UBND xã Bình Lư",
                             not_before=NOW + dt.timedelta(days=10), not_after=NOW + dt.timedelta(days=400)),
        "no-usage": pki.issue("khong-ky", "Phạm Thị Mã", "UBND xã Bình Lư", usage=_usage(key_encipherment=True)),
        "weak": pki.issue("khoa-yeu", "Hoàng Văn Yếu", "UBND xã Bình Lư",
                          key=rsa.generate_private_key(public_exponent=65537, key_size=1024)),
        "ec": pki.issue("ecdsa", "Vũ Thị Ec", "UBND xã Bình Lư", key=ec.generate_private_key(ec.SECP256R1())),
    }


def tsa_stamper(pki: PKI):
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.timestamps import DummyTimeStamper

    return DummyTimeStamper(tsa_cert=translate_pyca_cryptography_cert_to_asn1(pki.tsa.cert),
                            tsa_key=translate_pyca_cryptography_key_to_asn1(pki.tsa.key),
                            certs_to_embed=[translate_pyca_cryptography_cert_to_asn1(pki.intermediate.cert)])


# --- pictures ------------------------------------------------------------------------------------------------

def signature_png(path: Path, colour=(20, 40, 200)) -> Path:
    """A blue handwritten-looking stroke on a transparent background."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = [(30 + x, 120 + 60 * math.sin(x / 35) * math.exp(-x / 500)) for x in range(0, 540, 4)]
    d.line(pts, fill=(*colour, 255), width=9, joint="curve")
    d.line([(120, 200), (480, 60)], fill=(*colour, 255), width=7)
    img.save(path)
    return path


def seal_png(path: Path, dpi: int = 300, diameter_mm: float = 36.0) -> Path:
    """A red round seal of the given real size (its DPI says how big it prints)."""
    from PIL import Image, ImageDraw

    px = round(diameter_mm / 25.4 * dpi)
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (220, 20, 30, 255)
    d.ellipse([4, 4, px - 5, px - 5], outline=red, width=max(6, px // 40))
    d.ellipse([px * 0.12, px * 0.12, px * 0.88, px * 0.88], outline=red, width=max(3, px // 90))
    c = px / 2
    for k in range(5):  # a star
        a1, a2 = math.pi / 2 + k * 2 * math.pi / 5, math.pi / 2 + (k + 2) * 2 * math.pi / 5
        d.line([(c + px * 0.2 * math.cos(a1), c - px * 0.2 * math.sin(a1)),
                (c + px * 0.2 * math.cos(a2), c - px * 0.2 * math.sin(a2))], fill=red, width=max(3, px // 80))
    img.save(path, dpi=(dpi, dpi))
    return path


def opaque_png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (300, 120), (255, 255, 255)).save(path)
    return path


def jpeg(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (300, 120), (20, 40, 200)).save(path, format="JPEG")
    return path


# --- a local RFC 3161 time-stamping server (pyHanko's dummy TSA behind http.server) ------------------------

class TSAServer:
    """``with TSAServer(pki) as url:`` serves time stamps on 127.0.0.1 until the block ends."""

    def __init__(self, pki: PKI):
        self.stamper = tsa_stamper(pki)
        self.server = None

    def __enter__(self) -> str:
        import http.server
        import threading

        from asn1crypto import tsp

        stamper = self.stamper

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                resp = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(resp)))
                self.end_headers()
                self.wfile.write(resp)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsa"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def dossier_signing(folder: Path) -> tuple[PKI, Path]:
    """A PKI and a signing file (ky-so.yaml) for the sample Sơn Bình dossier: the chairman signs by
    default, the biên bản's secretary and chair each in their block, the commune issues."""
    pki = make_pki(folder / "pki")
    signature_png(folder / "chu-ky.png")
    seal_png(folder / "con-dau.png")
    pki.issue("thu-ky", "Tẩn Thị Mai", "UBND xã Sơn Bình")  # the names the sample biên bản bears
    pki.issue("chu-tri", "Lò Văn Thắng", "UBND xã Sơn Bình")
    config = folder / "ky-so.yaml"
    config.write_text(
        "organisation: {key: pki/ubnd-xa-binh-lu.p12, seal: con-dau.png}\n"
        "signers:\n  default: {key: pki/nguyen-van-a.p12, image: chu-ky.png}\n"
        "  bien_ban_hop:\n    - {key: pki/thu-ky.p12, image: chu-ky.png}\n"
        "    - {key: pki/chu-tri.p12, image: chu-ky.png}\n", encoding="utf-8")
    return pki, config
