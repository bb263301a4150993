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
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from ..files import write_bytes

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
