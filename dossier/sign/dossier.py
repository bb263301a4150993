"""Signed dossiers and batch signing.

``dossier build … --sign ky-so.yaml`` wraps the assembly (:data:`dossier.assemble.build.ASSEMBLY_HOOK`):
each document the build made is signed as it stands — page numbers and
everything else already on it — by its signer (``nguoi-ky``) then issued by the
organisation (``van-thu``), and kept in the output folder as
``<name>.ky-so.pdf``; the dossier is assembled from those signed documents
(their signature and seal images drawn into the pages, since signatures cannot
survive a merge), and the assembled ``ho-so.pdf`` is signed last by the
organisation as its electronic copy (``ban-sao``). The manifest lists every
signature. Keys are opened once per build and each password asked once; a batch
(:mod:`.batch`) opens them once for all its dossiers."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import Problem, input_error
from .config import Party, SigningConfig
from .keys import OpenedKey, Secrets, open_key
from .sign import SignRequest, SignResult, sign_bytes

SIGNED_SUFFIX = ".ky-so.pdf"


def flatten(data: bytes, target: Path) -> Path:
    """``data`` with its annotations (signature and seal images, filled fields) drawn into the pages
    and its form removed: what a merged dossier shows of a signed document."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.flatten_annotations(mode="all")
        if "/AcroForm" in pdf.Root:
            del pdf.Root["/AcroForm"]
        if "/Perms" in pdf.Root:
            del pdf.Root["/Perms"]
        pdf.save(target)
    return target


def has_signatures(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"/ByteRange" in fh.read()
    except OSError:
        return False


class KeyRing:
    """Keys opened once for a whole batch; each password asked once."""

    def __init__(self, secrets: Secrets):
        self.secrets = secrets
        self._open: dict[str, OpenedKey] = {}

    def get(self, party: Party) -> OpenedKey:
        label = party.key.label
        if label not in self._open:
            self._open[label] = open_key(party.key, self.secrets)
        return self._open[label]

    def opened(self, label: str) -> OpenedKey:
        return self._open[label]

    def items(self):
        return self._open.items()

    def shared(self) -> KeyRing:
        """The same open keys, for a user that must not close them (a batch task run in this process)."""
        ring = KeyRing(self.secrets)
        ring._open = self._open
        ring.close = lambda: None
        return ring

    def close(self) -> None:
        for key in self._open.values():
            key.close()
        self._open.clear()


class DossierSigning:
    """The assembly hook of a signed build (see the module docstring)."""

    def __init__(self, config: SigningConfig, secrets: Secrets | None = None, keys: KeyRing | None = None):
        self.config = config
        self.keys = keys if keys is not None else KeyRing(secrets or Secrets())
        self.records: list[dict] = []  # of the dossier being assembled
        self.signed: list[dict] = []  # every signature made, for the command's summary
        self._tmp: Path | None = None

    def open_all(self) -> None:
        """Open every key now, so a wrong password stops the build before anything is made."""
        for party in self.config.parties():
            self.keys.get(party)

    def close(self) -> None:
        self.keys.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _record(self, file: str, part: str | None, result: SignResult) -> None:
        self.records.append({"file": file, "part": part, **result.as_dict()})
        self.signed.append(self.records[-1])

    def sign_document(self, part: str, path: Path) -> bytes:
        parties = self.config.signers_for(part, path.stem)
        if not parties:
            raise input_error("Chưa ghi người ký cho văn bản.",
                              [Problem(f"{self.config.source}, trường signers", f"thiếu '{part}' hoặc 'default'")])
        org = self.config.organisation
        data = path.read_bytes()
        results = []
        for party in parties:  # each in the block bearing their name (else the recognised one)
            data, result = sign_bytes(data, path.name, SignRequest("nguoi-ky", image=party.picture,
                                                                   tsa_url=self.config.tsa), self.keys.get(party))
            results.append(result)
        data, result = sign_bytes(data, path.name, SignRequest("van-thu", seal=org.picture, tsa_url=self.config.tsa),
                                  self.keys.get(org))
        results.append(result)
        from ..files import write_bytes

        target = path.with_name(path.stem + SIGNED_SUFFIX)
        write_bytes(target, data)
        for result in results:
            self._record(target.name, part, result)
        return data

    # --- the assembly hook -----------------------------------------------------------------------------------
    def before(self, spec):
        from ..assemble.spec import Source

        if spec.draft:
            raise input_error("Không ký số bản dự thảo.", hint="Bỏ --draft, hoặc bỏ --sign.")
        stage = Path(spec.output).parent.resolve()
        if self._tmp is None:  # one folder for every assembly of the build (a district nests communes)
            self._tmp = Path(tempfile.mkdtemp(prefix="dossier-ky-so-"))
        sources = {}
        for part, items in spec.sources.items():
            out = []
            for k, item in enumerate(items):
                src = Source.of(item)
                path = Path(src.path)
                made_here = path.suffix.lower() == ".pdf" and path.parent.resolve() == stage \
                    and path.with_suffix(".docx").is_file()
                if made_here and path.is_file():
                    data = self.sign_document(part, path)
                elif path.suffix.lower() == ".pdf" and has_signatures(path):
                    data = path.read_bytes()  # a nested signed dossier: keep what its signatures show
                else:
                    out.append(item)
                    continue
                folder = Path(tempfile.mkdtemp(prefix=f"{part}-{k}-", dir=self._tmp))
                out.append(dataclasses.replace(src, path=flatten(data, folder / path.name)))
            sources[part] = out
        return dataclasses.replace(spec, sources=sources)

    def after(self, spec, pdf_bytes: bytes) -> tuple[bytes, dict]:
        org = self.config.organisation
        signed, result = sign_bytes(pdf_bytes, Path(spec.output).name,
                                    SignRequest("ban-sao", copy_form=self.config.copy_form,
                                                tsa_url=self.config.tsa), self.keys.get(org))
        self._record(Path(spec.output).name, None, result)
        records, self.records = self.records, []
        return signed, {"signatures": records}


@contextlib.contextmanager
def signing(config: SigningConfig, secrets: Secrets | None = None, *,
            keys: KeyRing | None = None) -> Iterator[DossierSigning]:
    """Every dossier assembled inside the block is signed (see the module docstring); ``keys``:
    keys opened elsewhere (a batch's, :mod:`.batch`) instead of opening them with ``secrets``."""
    from ..assemble.build import ASSEMBLY_HOOK

    hook = DossierSigning(config, secrets, keys)
    token = ASSEMBLY_HOOK.set(hook)
    try:
        hook.open_all()
        yield hook
    finally:
        ASSEMBLY_HOOK.reset(token)
        hook.close()


def sign_many(sources: list[Path], out_dir: Path, request: SignRequest, key: OpenedKey) -> list[SignResult]:
    """Sign each file of ``sources`` into ``out_dir`` (same name) with one opened key: a district's
    documents signed in one go, the password asked once. Every file is checked and signed before any is
    written; one failure writes nothing."""
    from ..files import write_bytes

    names = [Path(s).name for s in sources]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise input_error("Hai tệp cần ký trùng tên; kết quả sẽ ghi đè nhau.", [Problem(n, "trùng tên") for n in dupes])
    done = []
    for src in sources:
        try:
            data = Path(src).read_bytes()
        except FileNotFoundError:
            raise input_error("Không tìm thấy tệp cần ký.", [Problem(str(src), "tệp không tồn tại")]) from None
        done.append((Path(out_dir) / Path(src).name, *sign_bytes(data, str(src), request, key)))
    for target, signed, _result in done:
        write_bytes(target, signed)
    return [r for _t, _s, r in done]
