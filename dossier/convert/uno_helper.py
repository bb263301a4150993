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

Resident mode (:mod:`dossier.convert.resident`) adds three arguments::

    ... --serve SOCKET_PATH IDLE_SECONDS MAX_CONVERSIONS

The script then detaches (forks once, so the caller's child exits at once and
the server lives on in the caller's new session), starts LibreOffice, binds
a Unix socket at SOCKET_PATH (mode 0600, inside a 0700 folder the caller
checked), writes one ready line on stdout and closes it. Each connection is
one client at a time speaking the same JSON lines; ``{"ping": true}`` answers
who is serving, ``{"quit": true}`` stops the server. The server exits after
IDLE_SECONDS without a connection, after MAX_CONVERSIONS conversions (the
answer to the last one carries ``"retire": true``) or when LibreOffice dies.
"""

import json
import os
import socket
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
            time.sleep(0.02)  # a start takes 0.1-0.3 s: a coarser poll would add up to its own length


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


def handle(desktop, req, pdf_options):
    """The answer to one request (a dict), and whether LibreOffice is gone."""
    try:
        error = convert(desktop, req["src"], req["dst"], req.get("filter") or "", pdf_options)
    except Exception as exc:
        return dict(ok=False, error="%s: %s" % (type(exc).__name__, exc), fatal=True), True
    if error:
        return dict(ok=False, error=error, fatal=False), False
    return dict(ok=True), False


def shutdown(desktop, office):
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=10)
    except subprocess.TimeoutExpired:
        office.kill()


def serve(desktop, office, sock_path, idle, max_conversions, pdf_options):
    """Answer clients on a Unix socket until idle, retired, told to quit or LibreOffice dies."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = "%s.%d.tmp" % (sock_path, os.getpid())
    if os.path.lexists(tmp):
        os.unlink(tmp)
    server.bind(tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, sock_path)  # atomic: a client sees the old socket or ours, never none half-made
    inode = os.stat(sock_path).st_ino
    server.listen(8)
    reply(ready=True, soffice_pid=office.pid, pid=os.getpid())
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # the caller reads until end of file: it must not wait for the server's life
    done, stop = 0, False
    server.settimeout(idle)
    while not stop and office.poll() is None:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            break
        conn.settimeout(None)
        stream = conn.makefile("rwb")
        try:
            for line in stream:
                line = line.strip()
                if not line:
                    continue
                req = json.loads(line)
                if req.get("ping"):  # not ok when LibreOffice died while we waited: the client starts anew
                    alive = office.poll() is None
                    answer, gone = dict(ok=alive, pid=os.getpid(), soffice_pid=office.pid, done=done), not alive
                elif req.get("quit"):
                    answer, gone, stop = dict(ok=True), False, True
                else:
                    answer, gone = handle(desktop, req, pdf_options)
                    done += 1
                    if done >= max_conversions and not gone:
                        answer["retire"] = True
                        stop = True
                stream.write((json.dumps(answer, ensure_ascii=False) + "\n").encode("utf-8"))
                stream.flush()
                if gone or stop:
                    stop = True
                    break
        except (OSError, ValueError):
            pass  # the client went away or spoke garbage: drop the connection, keep serving
        finally:
            try:
                stream.close()
                conn.close()
            except OSError:
                pass
    try:
        if os.stat(sock_path).st_ino == inode:
            os.unlink(sock_path)  # only our own socket: a successor may have replaced it
    except OSError:
        pass
    server.close()
    shutdown(desktop, office)
    return 0


def main():
    soffice, profile_url, pipe = sys.argv[1:4]
    start_timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    pdf_options = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    resident = sys.argv[6:7] == ["--serve"]
    if resident:
        sock_path, idle, max_conversions = sys.argv[7], float(sys.argv[8]), int(sys.argv[9])
        if os.fork():
            os._exit(0)  # before any thread exists; the caller's child is done, the server lives on
    global OFFICE
    office = OFFICE = start_office(soffice, profile_url, pipe)
    try:
        desktop = connect(pipe, office, time.monotonic() + start_timeout)
    except Exception as exc:
        reply(ready=False, error=str(exc))
        office.kill()
        return 1
    if resident:
        return serve(desktop, office, sock_path, idle, max_conversions, pdf_options)
    reply(ready=True, soffice_pid=office.pid)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        answer, gone = handle(desktop, json.loads(line), pdf_options)
        reply(**answer)
        if gone:
            break
    shutdown(desktop, office)
    return 0


if __name__ == "__main__":
    sys.exit(main())
