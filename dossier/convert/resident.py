"""A LibreOffice that outlives one command: resident conversion servers.

Starting LibreOffice and its UNO helper, then its first document (which
loads the DOCX filter), cost about 0.5 s of wall time (1.7 s before the
profile seed of :mod:`.profile`), more than converting a commune's report.
When ``DOSSIER_OFFICE_IDLE`` is a number of seconds (the Makefile sets it),
each converter worker attaches to a *resident server*: the UNO helper in ``--serve`` mode (see ``uno_helper.py``), which
keeps one LibreOffice open and answers on a Unix socket until it has been
idle that long. The next ``dossier`` command (``make son-binh`` after one
number changed) finds it warm. Unset or 0: every command starts and stops its
own LibreOffice, as before.

Supervision is the same as for a private worker (the deadline, the kill of
the whole process group on a hang, the retry in a fresh profile), because
:class:`ResidentWorker` is a :class:`~.uno_worker.UnoWorker` that only
changes where the helper lives and how it is reached.

The runtime folder (``DOSSIER_RUNTIME_DIR``, else ``$XDG_RUNTIME_DIR/dossier``,
else ``/tmp/dossier-<uid>``) must be a real folder owned by the user with no
access for others; otherwise resident servers are not used at all. Inside it,
one folder per *server key* (a hash of what makes a server fit: the helper
script, soffice, the UNO Python, the PDF options, the fonts), and per slot::

    slot-<k>.lock      flock held by the one process using the slot
    slot-<k>.sock      the server's socket (mode 0600)
    slot-<k>.json      the server's pid and process group (to kill a hung one)
    slot-<k>.profile/  its LibreOffice profile (kept: later starts are faster)
    slot-<k>.log       its stderr
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import build_error
from ..paths import FONTS_DIR
from ..proc import rss_mb
from ..signals import checkpoint
from .failures import START, ConversionFailure
from .options import PDF_OPTIONS
from .profile import prepare, remember
from .soffice import group_pids, office_env, profile_url, remove_tree, unique_name
from .uno_worker import HELPER, UnoWorker, _with_log

ENV_IDLE = "DOSSIER_OFFICE_IDLE"
ENV_RUNTIME = "DOSSIER_RUNTIME_DIR"
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux, less on macOS
ATTACH_TIMEOUT = 5.0  # seconds for a live server to answer a ping


def idle_seconds(value: str | None = None) -> float:
    """How long resident servers stay up when idle (``DOSSIER_OFFICE_IDLE``); 0 = not used."""
    raw = (os.environ.get(ENV_IDLE, "") if value is None else value).strip()
    if not raw:
        return 0.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not (0 <= seconds <= 7 * 24 * 3600):
        raise build_error(f"Biến {ENV_IDLE}={raw!r} không hợp lệ: cần số giây từ 0 đến 604800 "
                          "(0 = không giữ LibreOffice chạy nền).")
    return seconds


def slot_count() -> int:
    return max(4, os.cpu_count() or 1)


def runtime_root() -> Path | None:
    """The private runtime folder, created if needed; None when it is not safe to use."""
    override = os.environ.get(ENV_RUNTIME, "").strip()
    if override:
        root = Path(override)
    elif os.environ.get("XDG_RUNTIME_DIR", "").strip():
        root = Path(os.environ["XDG_RUNTIME_DIR"]) / "dossier"
    else:
        root = Path(tempfile.gettempdir()) / f"dossier-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return root if private_dir(root) else None


def private_dir(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def server_key(soffice: str, python: str) -> str:
    """Servers are shared only between callers that would start the very same one."""
    h = hashlib.sha256()
    env = office_env()
    for part in (HELPER.read_bytes(), os.path.realpath(soffice).encode(), os.path.realpath(python).encode(),
                 json.dumps(PDF_OPTIONS, sort_keys=True).encode(), str(FONTS_DIR.resolve()).encode(),
                 env.get("FONTCONFIG_FILE", "").encode(), env.get("LD_PRELOAD", "").encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:12]


def server_folder(soffice: str, python: str) -> Path | None:
    root = runtime_root()
    if root is None:
        return None
    folder = root / server_key(soffice, python)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not private_dir(folder) or len(str(folder / "slot-00.sock")) > SOCKET_PATH_MAX:
        return None
    return folder


@dataclass
class ServerInfo:
    """What ``dossier office status`` shows about one slot."""

    slot: int
    pid: int | None
    running: bool
    in_use: bool
    memory_mb: float


class ResidentWorker(UnoWorker):
    """A worker whose helper + LibreOffice outlive this process (see the module docstring)."""

    def __init__(self, soffice: str, python: str, tag: str, start_timeout: float, *, folder: Path, slot: int,
                 lock_fd: int, idle: float, max_conversions: int):
        super().__init__(soffice, python, tag, start_timeout)
        self.folder = folder
        self.slot = slot
        self.idle = idle
        self.max_conversions = max_conversions
        self.profile = folder / f"slot-{slot}.profile"
        self.sock: socket.socket | None = None
        self.spawned = 0  # servers this worker started (0: it found one warm)
        self._lock_fd: int | None = lock_fd
        self._retiring = False

    @classmethod
    def claim(cls, soffice: str, python: str, tag: str, start_timeout: float, *, idle: float,
              max_conversions: int) -> ResidentWorker | None:
        """A worker on the first free slot, or None (no safe runtime folder, every slot busy)."""
        folder = server_folder(soffice, python)
        if folder is None:
            return None
        for slot in range(slot_count()):
            fd = _try_lock(folder / f"slot-{slot}.lock")
            if fd is not None:
                return cls(soffice, python, tag, start_timeout, folder=folder, slot=slot, lock_fd=fd, idle=idle,
                           max_conversions=max_conversions)
        return None

    # -- paths --------------------------------------------------------------
    def _path(self, suffix: str) -> Path:
        return self.folder / f"slot-{self.slot}{suffix}"

    # -- life cycle -----------------------------------------------------------
    def start(self, fresh_profile: bool = False) -> bool:
        """Attach to the slot's server, or start one; True when LibreOffice was started."""
        if self._lock_fd is None:
            raise ConversionFailure(START, "resident worker already closed")
        self.stop()
        if self._retiring:
            self._retiring = False
            _wait_gone(read_state(self._path(".json")), 10)
        if not fresh_profile and self._attach():
            return False
        kill_server(self._path(".json"))
        if fresh_profile:
            remove_tree(self.profile)
        copied = self._spawn(template=not fresh_profile)
        if not self._attach():
            kill_server(self._path(".json"))
            raise ConversionFailure(START, _with_log("resident server did not answer", self._path(".log")))
        if not copied:
            remember(self.profile, self.soffice)
        return True

    def _spawn(self, template: bool = True) -> bool:
        """Start the slot's server; True when its profile got the template (see :mod:`.profile`)."""
        self.profile.mkdir(mode=0o700, exist_ok=True)
        copied = prepare(self.profile, self.soffice, template=template)  # kept profiles get the seed too
        sock, log = self._path(".sock"), self._path(".log")
        cmd = [self.python, str(HELPER), self.soffice, profile_url(self.profile), unique_name(self.tag),
               str(self.start_timeout), json.dumps(PDF_OPTIONS), "--serve", str(sock), f"{self.idle:g}",
               str(self.max_conversions)]
        try:
            with open(log, "wb") as err:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                                        env=office_env(), start_new_session=True, cwd=self.profile)
        except OSError as exc:
            raise ConversionFailure(START, str(exc)) from exc
        write_state(self._path(".json"), {"pgid": proc.pid})  # known before anything can hang
        try:
            proc.wait(timeout=30)  # the helper forks at once; its first process only leaves
            line = read_line(proc.stdout.fileno(), self.start_timeout + 10)
        except (subprocess.TimeoutExpired, ConversionFailure) as exc:
            _kill_group(proc.pid)
            raise ConversionFailure(START, _with_log(f"no ready line: {exc}", log)) from exc
        finally:
            proc.stdout.close()
        try:
            ready = json.loads(line)
        except ValueError:
            ready = {}
        if not ready.get("ready"):
            _kill_group(proc.pid)
            raise ConversionFailure(START, _with_log(str(ready.get("error", line[:200])), log))
        write_state(self._path(".json"), {"pgid": proc.pid, "pid": ready.get("pid"),
                                           "soffice_pid": ready.get("soffice_pid")})
        self.spawned += 1
        return copied

    def _attach(self) -> bool:
        """Connect to the slot's server and check it answers; False when there is none (or it is hung)."""
        sock = connect_socket(self._path(".sock"), ATTACH_TIMEOUT)
        if sock is None:
            return False
        try:
            sock.sendall(b'{"ping": true}\n')
            answer = json.loads(read_line(sock.fileno(), ATTACH_TIMEOUT, sock=sock))
            if not answer.get("ok"):
                raise OSError("bad ping answer")
        except (OSError, ValueError, ConversionFailure):
            sock.close()
            return False
        sock.settimeout(None)
        self.sock, self._buf, self.done = sock, b"", 0
        return True

    def stop(self) -> None:
        """Detach: the server stays for the next command."""
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()
        self._buf = b""

    def kill(self) -> None:
        """The server is hung or broken: kill its whole process group."""
        self.stop()
        kill_server(self._path(".json"))

    def abort(self) -> None:
        state = read_state(self._path(".json"))
        if state.get("pgid"):
            _signal_group(int(state["pgid"]))

    def close(self) -> None:
        self.stop()
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # releases the slot

    @property
    def running(self) -> bool:
        return self.sock is not None and not self._retiring

    def pids(self) -> list[int]:
        state = read_state(self._path(".json"))
        return group_pids(int(state["pgid"])) if self.running and state.get("pgid") else []

    # -- transport --------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fd(self) -> int:
        return self.sock.fileno()

    def _exit_code(self) -> int | None:
        return None

    def _abandon(self) -> None:
        self.stop()  # detach: the server finishes the document for nobody and stays for the next command

    def _answered(self, answer: dict) -> None:
        if answer.get("retire"):
            self._retiring = True  # it exits after this answer; the next start waits for it, then starts anew


# -- slots, state files, process groups --------------------------------------------

def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def read_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(path: Path, state: dict) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def _signal_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    if pgid > 1 and pgid != os.getpgid(0):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _kill_group(pgid: int) -> None:
    _signal_group(pgid)
    _wait_gone({"pgid": pgid}, 5)


def _wait_gone(state: dict, seconds: float) -> None:
    """Wait until the server's process group is empty; kill it when it is not by then."""
    pgid = int(state.get("pgid") or 0)
    if pgid <= 1:
        return
    deadline = time.monotonic() + seconds
    pause = 0.005  # a killed group is gone in a few ms, a quitting LibreOffice in a few tenths
    while group_pids(pgid) and time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    if group_pids(pgid):
        _signal_group(pgid)
        deadline = time.monotonic() + 5
        while group_pids(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)


def kill_server(state_file: Path) -> None:
    """Kill the server recorded in ``state_file`` (if any) and forget it."""
    state = read_state(state_file)
    if state.get("pgid"):
        _kill_group(int(state["pgid"]))
    sock = state_file.with_suffix(".sock")
    sock.unlink(missing_ok=True)
    state_file.unlink(missing_ok=True)


def connect_socket(path: Path, timeout: float) -> socket.socket | None:
    """A connection to the Unix socket at ``path`` (``timeout`` seconds to connect and for
    later calls), or None when nothing listens there."""
    if not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    return sock


def read_line(fd: int, timeout: float, sock: socket.socket | None = None) -> str:
    """One line from ``fd`` within ``timeout`` seconds (raises ConversionFailure(START) otherwise)."""
    deadline = time.monotonic() + timeout
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ConversionFailure(START, f"no answer in {timeout:g} s")
        checkpoint()
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = sock.recv(65536) if sock is not None else os.read(fd, 65536)
        if not chunk:
            raise ConversionFailure(START, "closed before answering")
        buf += chunk
    return buf.split(b"\n", 1)[0].decode("utf-8", "replace")


# -- what `dossier office` shows and stops ----------------------------------------------

def _folders() -> list[Path]:
    root = runtime_root()
    if root is None:
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and private_dir(p))


def servers() -> list[ServerInfo]:
    """Every resident server of this user (all keys), running or not, in slot order."""
    out = []
    for folder in _folders():
        for state_file in sorted(folder.glob("slot-*.json")):
            slot = int(state_file.stem.split("-", 1)[1])
            state = read_state(state_file)
            pgid = int(state.get("pgid") or 0)
            pids = group_pids(pgid) if pgid > 1 else []
            fd = _try_lock(folder / f"slot-{slot}.lock")
            if fd is not None:
                os.close(fd)
            out.append(ServerInfo(slot, state.get("pid"), bool(pids), fd is None, rss_mb(pids)))
    return out


def stop_servers() -> int:
    """Stop every resident server of this user; return how many were running."""
    stopped = 0
    for folder in _folders():
        for state_file in sorted(folder.glob("slot-*.json")):
            state = read_state(state_file)
            pgid = int(state.get("pgid") or 0)
            if pgid > 1 and group_pids(pgid):
                stopped += 1
                _quit(state_file.with_suffix(".sock"))
                _wait_gone(state, 10)
            kill_server(state_file)
    return stopped


def kill_servers() -> None:
    """Kill every resident server of the runtime folder at once (their profiles are thrown
    away with the folder: nothing to close cleanly)."""
    states = [(f, read_state(f)) for folder in _folders() for f in sorted(folder.glob("slot-*.json"))]
    for _, state in states:
        _signal_group(int(state.get("pgid") or 0))
    for state_file, state in states:
        _wait_gone(state, 5)
        state_file.with_suffix(".sock").unlink(missing_ok=True)
        state_file.unlink(missing_ok=True)


def _quit(path: Path) -> None:
    """Ask politely first (LibreOffice closes its profile cleanly)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(str(path))
            sock.sendall(b'{"quit": true}\n')
            sock.recv(1024)
    except OSError:
        pass
