"""LibreOffice UNO helper, run by the *system* Python (the one with ``uno``).

This file is a standalone script: it never imports ``dossier`` (the venv's
packages are not visible to the system interpreter). The parent
(:mod:`dossier.convert.uno_worker`) starts it in a new process group::

    /usr/bin/python3 uno_helper.py SOFFICE PROFILE_URL PIPE_NAME START_TIMEOUT PDF_OPTIONS_JSON

It starts one headless ``soffice`` listening on a private named pipe, connects
to it, then answers one JSON request per line on stdin::

    {"src": "/abs/in.docx", "dst": "/abs/out.pdf", "filter": "MS Word 2007 XML"}
    -> {"ok": true}  |  {"ok": false, "error": "...", "fatal": false}

``fatal`` means the connection to LibreOffice is gone (crash): the parent must
restart the whole group. Hangs are the parent's business: it kills the process
group (this script and soffice) when an answer does not come in time.
stdout carries only protocol lines; everything else goes to stderr.
"""

import json
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

def props(**values):
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def reply(**obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def start_office(soffice, profile_url, pipe):
    cmd = [
        soffice,
        "-env:UserInstallation=" + profile_url,
        "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
        "--nolockcheck", "--nofirststartwizard",
        "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe,
    ]
    # Same process group as this script: the parent kills both at once.
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sys.stderr)


def connect(pipe, office, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if office.poll() is not None:
                raise RuntimeError("soffice exited with code %s before accepting connections" % office.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not accept connections in time")
            time.sleep(0.1)


def convert(desktop, src, dst, in_filter, pdf_options):
    load = dict(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0)
    if in_filter:
        load["FilterName"] = in_filter
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, props(**load))
    except Exception as exc:  # IllegalArgumentException, IOException...
        if is_disconnect(exc):
            raise
        return "cannot open: %s" % (getattr(exc, "Message", "") or type(exc).__name__)
    if doc is None:
        return "cannot open: LibreOffice returned no document"
    try:
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", props(**pdf_options))
        doc.storeToURL(uno.systemPathToFileUrl(dst), props(FilterName="writer_pdf_Export", FilterData=filter_data))
    except Exception as exc:
        if is_disconnect(exc):
            raise
        return "cannot export: %s" % (getattr(exc, "Message", "") or type(exc).__name__)
    finally:
        try:
            doc.close(True)
        except Exception:
            try:
                doc.dispose()
            except Exception:
                pass
    return None


OFFICE = None  # the soffice Popen, to tell a crash from a bad document


def is_disconnect(exc):
    """True when the exception means LibreOffice itself is gone."""
    if type(exc).__name__ == "DisposedException" or "URP bridge" in str(exc):
        return True
    return OFFICE is not None and OFFICE.poll() is not None


def main():
    soffice, profile_url, pipe = sys.argv[1:4]
    start_timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    pdf_options = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    global OFFICE
    office = OFFICE = start_office(soffice, profile_url, pipe)
    try:
        desktop = connect(pipe, office, time.monotonic() + start_timeout)
    except Exception as exc:
        reply(ready=False, error=str(exc))
        office.kill()
        return 1
    reply(ready=True, soffice_pid=office.pid)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            error = convert(desktop, req["src"], req["dst"], req.get("filter") or "", pdf_options)
        except Exception as exc:
            reply(ok=False, error="%s: %s" % (type(exc).__name__, exc), fatal=True)
            break
        if error:
            reply(ok=False, error=error, fatal=False)
        else:
            reply(ok=True)
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=10)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
