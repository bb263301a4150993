"""The LibreOffice user profile a conversion starts with.

LibreOffice 7.2 and later run their graphics render tests (about sixty
drawings into large off-screen bitmaps, logged in the profile's
``GraphicsRenderTests.log``) whenever the profile's ``ooSetupLastVersion``
is older than the running version. Only the "What's new" bar of a document
window records that version, and a headless conversion never opens one, so
a headless LibreOffice runs the tests at *every* start, even in a profile
it used before: measured here (LibreOffice 7.4), 0.6 of the 1.0 CPU-s a
start costs. The tests decide nothing a PDF export uses.

:func:`seed` writes, before LibreOffice starts, the one setting LibreOffice
itself would have written: ``ooSetupLastVersion`` = the installation's own
version (read from its ``main.xcd``). A profile that already has a value is
left as it is; an installation whose version cannot be read gets no seed
(LibreOffice then starts as before).

A new profile also makes LibreOffice register its bundled extensions and then
restart itself once: a start in an empty profile took 0.31 s (0.25-0.30 CPU-s),
one in a profile it had used before 0.11-0.21 s (0.13-0.15 CPU-s). So the
first LibreOffice that starts in an empty profile leaves a copy of the
``user/extensions`` folder it made (:func:`remember`) as this installation's
*template*, and every new profile starts with that copy (:func:`prepare`).
Templates live in the user's cache folder (``$XDG_CACHE_HOME/dossier/office``
or ``~/.cache/dossier/office``, private to the user; none with
``DOSSIER_CACHE_DIR=off``), one per installation and version; a fresh profile
asked for after a failed start gets no copy.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..files import write_bytes
from .cache import caches_off, user_cache_folder

MODIFICATIONS = Path("user") / "registrymodifications.xcu"
KEY = "ooSetupLastVersion"
ITEM = ('<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="' + KEY + '" oor:op="fuse">'
        "<value>{version}</value></prop></item>\n")
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
          'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n')
FOOTER = "</oor:items>\n"
# where main.xcd sits relative to the folder of the real soffice binary (Linux and Windows
# builds: program/../share/registry; macOS: MacOS/../Resources/registry)
_REGISTRY = (Path("..") / "share" / "registry" / "main.xcd", Path("..") / "Resources" / "registry" / "main.xcd")
_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion">\s*<value>(\d+\.\d+)</value>')


@functools.cache
def office_version(soffice: str) -> str | None:
    """``major.minor`` of the LibreOffice that ``soffice`` starts (``7.4``), or None."""
    program = Path(os.path.realpath(soffice)).parent
    for relative in _REGISTRY:
        try:
            data = (program / relative).read_bytes()
        except OSError:
            continue
        found = _VERSION.search(data)
        if found:
            return found.group(1).decode("ascii")
    return None


def seed(profile: Path, soffice: str) -> None:
    """Record the running version in ``profile`` (see the module docstring); never raises
    for a profile it cannot write (LibreOffice then only starts more slowly)."""
    version = office_version(soffice)
    if version is None:
        return
    path = Path(profile) / MODIFICATIONS
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError):
        return
    if text is None:
        new = HEADER + ITEM.format(version=version) + FOOTER
    elif f'oor:name="{KEY}"' in text or FOOTER.strip() not in text:
        return  # LibreOffice's own value, or a file we do not understand: left alone
    else:
        at = text.rindex(FOOTER.strip())
        new = text[:at] + ITEM.format(version=version) + text[at:]
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_bytes(path, new.encode("utf-8"))
    except OSError:
        return


EXTENSIONS = Path("user") / "extensions"


def prepare(profile: Path, soffice: str, *, template: bool = True) -> bool:
    """Ready ``profile`` for a start: the installation's template copied into it (when
    ``template`` and there is one, and the profile has none yet), then :func:`seed`.
    True when it got the copy (then there is nothing for :func:`remember` to keep)."""
    copied = False
    source = _template(soffice) if template else None
    target = Path(profile) / EXTENSIONS
    if source is not None and source.is_dir() and not target.exists():
        try:
            shutil.copytree(source, target, symlinks=True)
            copied = True
        except OSError:
            shutil.rmtree(target, ignore_errors=True)  # half a copy: LibreOffice makes its own
    seed(profile, soffice)
    return copied


def remember(profile: Path, soffice: str) -> None:
    """Keep what a LibreOffice that is now up made in the empty ``profile`` as the
    template, unless there is one (never raises: it only costs the next start time)."""
    target = _template(soffice)
    made = Path(profile) / EXTENSIONS
    if target is None or target.exists() or not (made / "buildid").is_file():
        return
    try:
        staging = Path(tempfile.mkdtemp(prefix=".new-", dir=target.parent))
    except OSError:
        return
    try:
        shutil.copytree(made, staging / "extensions", symlinks=True)
        os.rename(staging / "extensions", target)  # atomic: another process's copy may win
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _template(soffice: str) -> Path | None:
    """Where this installation's template is (or would be); None when there is no private
    cache folder for it."""
    root = None if caches_off() else user_cache_folder("office")
    return root / _installation_key(soffice) if root is not None else None


@functools.cache
def _installation_key(soffice: str) -> str:
    """The installation (its folder) and its build (``versionrc``, which names the build id)."""
    program = Path(os.path.realpath(soffice)).parent
    h = hashlib.sha256(str(program).encode())
    for name in ("versionrc", "version.ini"):
        try:
            h.update((program / name).read_bytes())
        except OSError:
            continue
    return f"{office_version(soffice) or 'unknown'}-{h.hexdigest()[:16]}"
