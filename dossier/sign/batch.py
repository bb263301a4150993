"""Signing every dossier of ``dossier batch … --sign ky-so.yaml``, each key's password asked once.

The batch builds its dossiers in worker processes (ordinary ones, or warm ones forked by the
resident zygote, :mod:`dossier.pipeline.warm`), while a key is opened once, in the command's own
process: a PKCS#12 password typed once, a PKCS#11 token logged in once (a token's session
cannot be shared between processes, and a password must never reach a child's environment,
command line or disk). So the keys stay where they were opened and only the private-key
operation travels:

* the parent opens every key of the signing file before any work (:func:`batch_signing`; a
  wrong password is one Vietnamese error, exit 2, nothing written), takes the password
  variables out of its environment while the workers run (so no worker, nor the LibreOffice
  they start, inherits them), and serves signatures on a Unix socket in a private (0700)
  temporary folder (:class:`KeyServer`). A worker must prove it knows a random key of this
  run (``multiprocessing.connection``'s HMAC challenge); the key travels only inside the
  task's arguments, in memory;
* a worker signs each document exactly as ``dossier build --sign`` does — the same
  :class:`~dossier.sign.dossier.DossierSigning` assembly hook and
  :func:`~dossier.sign.sign.sign_bytes` — with a pyHanko signer (:class:`RemoteSigner`) that
  has the certificate, the chain and the mechanism, and sends only the bytes to be signed
  (the signed attributes, a few hundred bytes) to the parent, which signs them with the open
  key (one at a time: a token does one operation at once) and answers the raw signature.

The heavy work (filling, converting, assembling, PDF revisions, appearances) stays parallel;
the parent does a few milliseconds of RSA or ECDSA per signature. Ordinary workers are
started with ``forkserver`` while signing, so not even a copy of the parent's memory, which
holds the open keys, reaches them. A task run in the parent itself (one job) uses the open
keys directly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets as _secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Client, Listener
from pathlib import Path

from ..errors import input_error
from .config import SigningConfig, load_signing
from .dossier import DossierSigning, KeyRing
from .keys import PASSWORD_ENV, PIN_ENV, OpenedKey, Secrets
from .policy import DEFAULT_DIGEST

SOCKET_NAME = "ky-so.sock"


@dataclass(frozen=True)
class PublicKey:
    """What a worker needs of an open key to build its signatures: everything but the key."""

    cert: bytes  # DER of the signing certificate
    registry: tuple[bytes, ...]  # DER of the other certificates the signature embeds
    mechanism: bytes  # DER of the SignedDigestAlgorithm the parent's signer uses
    prefer_pss: bool
    embed_roots: bool


@dataclass(frozen=True)
class BatchSigning:
    """The signing of one batch, as handed to each task (picklable; no secret but the run's key)."""

    config: SigningConfig
    address: str
    authkey: bytes
    keys: dict[str, PublicKey]  # by KeyRef.label
    owner: int  # pid of the process holding the open keys

    def dependencies(self) -> list[Path]:
        return self.config.files()


def _public(key: OpenedKey) -> PublicKey:
    signer = key.signer
    try:
        registry = tuple(c.dump() for c in signer.cert_registry if c.dump() != key.cert.dump())
    except Exception:  # noqa: BLE001 - a token without extra certificates
        registry = ()
    mechanism = signer.get_signature_mechanism_for_digest(DEFAULT_DIGEST)
    return PublicKey(key.cert.dump(), registry, mechanism.dump(), bool(getattr(signer, "prefer_pss", False)),
                     bool(getattr(signer, "embed_roots", True)))


class KeyServer:
    """The parent's side: the open keys, serving raw signatures to the run's workers."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self.authkey = _secrets.token_bytes(32)
        self.folder = Path(tempfile.mkdtemp(prefix="dossier-ky-so-"))  # 0700
        self.address = str(self.folder / SOCKET_NAME)
        self.listener = Listener(self.address, family="AF_UNIX", authkey=self.authkey)
        os.chmod(self.address, 0o600)
        self._sign_lock = threading.Lock()
        self._closing = False
        self._thread = threading.Thread(target=self._accept, name="dossier-ky-so", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn = self.listener.accept()
            except Exception:  # noqa: BLE001 - a client that failed the challenge (AuthenticationError), or closed
                if self._closing:
                    return
                continue
            if self._closing:
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), name="dossier-ky-so-conn", daemon=True).start()

    def _serve(self, conn) -> None:
        with contextlib.closing(conn):
            while True:
                try:
                    label, data, digest, dry_run = conn.recv()
                except (EOFError, OSError):
                    return
                try:
                    answer = ("ok", self.sign_raw(label, data, digest, dry_run))
                except Exception as exc:  # noqa: BLE001 - the worker's signing reports it
                    answer = ("error", f"{type(exc).__name__}: {exc}")
                try:
                    conn.send(answer)
                except OSError:
                    return

    def sign_raw(self, label: str, data: bytes, digest: str, dry_run: bool) -> bytes:
        key = self.ring.opened(label)
        with self._sign_lock:
            return asyncio.run(key.signer.async_sign_raw(data, digest, dry_run=dry_run))

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):  # wake the accepting thread
            Client(self.address, family="AF_UNIX", authkey=self.authkey).close()
        self._thread.join(timeout=5)
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_SERVERS: dict[str, KeyServer] = {}  # by address: the servers of this process


class _Channel:
    """A worker's connection to the parent's key server (one per process, opened on first use)."""

    _open: dict[str, object] = {}
    _lock = threading.Lock()

    @classmethod
    def call(cls, plan: BatchSigning, label: str, data: bytes, digest: str, dry_run: bool) -> bytes:
        with cls._lock:
            conn = cls._open.get(plan.address)
            if conn is None or getattr(conn, "closed", False):
                conn = cls._open[plan.address] = Client(plan.address, family="AF_UNIX", authkey=plan.authkey)
            conn.send((label, data, digest, dry_run))
            status, value = conn.recv()
        if status != "ok":
            raise RuntimeError(value)
        return value


def remote_signer(plan: BatchSigning, label: str):
    """A pyHanko signer whose raw signature is made by the parent's open key ``label``."""
    from asn1crypto import algos, x509
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    public = plan.keys[label]

    class RemoteSigner(Signer):
        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
            return _Channel.call(plan, label, data, digest_algorithm, dry_run)

    store = SimpleCertificateStore()
    store.register_multiple([x509.Certificate.load(c) for c in public.registry])
    return RemoteSigner(signing_cert=x509.Certificate.load(public.cert), cert_registry=store,
                        signature_mechanism=algos.SignedDigestAlgorithm.load(public.mechanism),
                        prefer_pss=public.prefer_pss, embed_roots=public.embed_roots)


class RemoteKeyRing(KeyRing):
    """The keys of a worker: the parent's, used through its key server."""

    def __init__(self, plan: BatchSigning) -> None:
        super().__init__(Secrets())
        self.plan = plan

    def get(self, party):
        label = party.key.label
        if label not in self._open:
            from asn1crypto import x509

            self._open[label] = OpenedKey(remote_signer(self.plan, label),
                                          x509.Certificate.load(self.plan.keys[label].cert), party.key)
        return self._open[label]


def task_keys(plan: BatchSigning) -> KeyRing:
    """The keys a task signs with: the open ones when it runs in the parent, else the parent's remotely."""
    server = _SERVERS.get(plan.address)
    if server is not None and plan.owner == os.getpid():
        return server.ring.shared()
    return RemoteKeyRing(plan)


@contextlib.contextmanager
def signing_task(plan: BatchSigning | None) -> Iterator[DossierSigning | None]:
    """Inside the block, every dossier this task assembles is signed as ``plan`` says."""
    if plan is None:
        yield None
        return
    from .dossier import signing

    with signing(plan.config, keys=task_keys(plan)) as hook:
        yield hook


@contextlib.contextmanager
def without_secret_variables() -> Iterator[None]:
    """The password variables out of this process's environment for the block (so children do not
    inherit them), put back afterwards."""
    saved = {n: os.environ.pop(n) for n in (PASSWORD_ENV, PIN_ENV) if n in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


@contextlib.contextmanager
def batch_signing(config_path: Path, secrets: Secrets, *, draft: bool = False) -> Iterator[BatchSigning]:
    """Open every key of the signing file ``config_path`` (asking ``secrets`` once per key) and serve
    them to the batch's workers for the block (see the module docstring)."""
    if draft:
        raise input_error("Không ký số bản dự thảo.", hint="Bỏ --draft, hoặc bỏ --sign.")
    config = load_signing(config_path)
    ring = KeyRing(secrets)
    try:
        for party in config.parties():
            ring.get(party)
        server = KeyServer(ring)
    except BaseException:
        ring.close()
        raise
    plan = BatchSigning(config, server.address, server.authkey,
                        {label: _public(key) for label, key in ring.items()}, os.getpid())
    _SERVERS[server.address] = server
    try:
        with without_secret_variables():
            yield plan
    finally:
        _SERVERS.pop(server.address, None)
        server.close()
        ring.close()
