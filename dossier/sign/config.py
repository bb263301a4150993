"""The signing file of a dossier (``dossier build … --sign ky-so.yaml``): who signs
each document and which organisation key issues them and signs the whole.

.. code-block:: yaml

    organisation:            # the commune (or district): issues every document, signs ho-so.pdf
      key: ubnd-xa.p12       # or pkcs11: {lib: /usr/lib/…so, token: …, key_label: …}
      seal: con-dau.png
    signers:
      default: {key: chu-tich.p12, image: chu-ky-chu-tich.png}
      bao_cao_ket_qua: {key: pho-chu-tich.p12, image: chu-ky-pct.png}  # by part, or by file (02-…)
      bien_ban_hop:                          # several signers, in order: each in the block bearing
        - {key: thu-ky.p12, image: chu-ky-thu-ky.png}   # their certificate's name (the secretary's,
        - {key: chu-tich.p12, image: chu-ky-chu-tich.png}  # then the chair's)
    tsa: http://tsa.example.vn   # optional: PAdES B-T
    copy_form: Sao y             # how the whole is marked as an electronic copy

Paths are relative to the signing file's folder. Passwords are never in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from ..errors import Problem, input_error
from ..load.files import load_mapping
from ..load.paths import resolve_data_path
from ..models.validation import Schema, validate
from .keys import KeyRef


class Pkcs11Input(Schema):
    lib: str
    token: str | None = None
    key_label: str | None = None
    cert_label: str | None = None


class KeyInput(Schema):
    key: str | None = None
    pkcs11: Pkcs11Input | None = None
    chain: list[str] = Field(default_factory=list)
    image: str | None = None
    seal: str | None = None


class SigningInput(Schema):
    organisation: KeyInput
    signers: dict[str, KeyInput | list[KeyInput]] = Field(default_factory=dict)
    tsa: str | None = None
    copy_form: str = "Sao y"


@dataclass(frozen=True)
class Party:
    key: KeyRef
    picture: Path | None  # the signer's signature image, or the organisation's seal


@dataclass(frozen=True)
class SigningConfig:
    source: Path
    organisation: Party
    signers: dict[str, list[Party]]
    tsa: str | None
    copy_form: str

    def signers_for(self, part: str, stem: str) -> list[Party]:
        return self.signers.get(stem) or self.signers.get(part) or self.signers.get("default") or []

    def parties(self) -> list[Party]:
        """The organisation, then every signer (a key may appear more than once)."""
        return [self.organisation, *(p for ps in self.signers.values() for p in ps)]

    def files(self) -> list[Path]:
        """Every file a signed build depends on: this signing file, key files, chains and pictures."""
        found = [self.source]
        for party in self.parties():
            found += [*([party.key.pkcs12] if party.key.pkcs12 else []), *party.key.chain,
                      *([party.picture] if party.picture else [])]
        return list(dict.fromkeys(found))


def _party(item: KeyInput, where: str, base: Path, source: str, picture_field: str) -> Party:
    def path(name: str, field: str) -> Path:
        return resolve_data_path(base, name, field=f"{where}.{field}", source=source, allow_outside=True)

    if (item.key is None) == (item.pkcs11 is None):
        raise input_error("Cần đúng một nơi lấy khóa ký.", [Problem(f"{source}, trường {where}",
                                                                  "ghi key (tệp .p12) hoặc pkcs11, không cả hai")])
    picture = getattr(item, picture_field)
    if picture is None:
        what = "ảnh con dấu (seal)" if picture_field == "seal" else "ảnh chữ ký (image)"
        raise input_error(f"Thiếu {what}.", [Problem(f"{source}, trường {where}.{picture_field}",
                                                     "thiếu trường bắt buộc")])
    chain = tuple(path(c, f"chain[{i}]") for i, c in enumerate(item.chain, 1))
    if item.key is not None:
        ref = KeyRef(pkcs12=path(item.key, "key"), chain=chain)
    else:
        p = item.pkcs11
        ref = KeyRef(pkcs11_lib=p.lib, token_label=p.token, key_label=p.key_label, cert_label=p.cert_label,
                     chain=chain)
    return Party(ref, path(picture, picture_field))


def load_signing(path: Path) -> SigningConfig:
    """Read and check the signing file; every path must exist (Vietnamese errors naming the field)."""
    path = Path(path)
    data = validate(SigningInput, load_mapping(path), str(path))
    base, source = path.parent, str(path)
    org = _party(data.organisation, "organisation", base, source, "seal")
    signers = {
        name: [_party(one, f"signers.{name}" + (f"[{k}]" if isinstance(item, list) else ""), base, source, "image")
               for k, one in enumerate(item if isinstance(item, list) else [item], 1)]
        for name, item in data.signers.items()
    }
    empty = [name for name, parties in signers.items() if not parties]
    if empty:
        raise input_error("Danh sách người ký trống.", [Problem(f"{source}, trường signers.{n}", "cần ít nhất một "
                                                                "người ký") for n in empty])
    if not signers:
        raise input_error("Tệp ký số chưa ghi người ký.", [Problem(f"{source}, trường signers",
                                                                  "cần ít nhất signers.default")])
    return SigningConfig(path, org, signers, data.tsa, data.copy_form)
