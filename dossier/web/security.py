"""Request-level safety of the web application, in one place:

* a CSRF token (kept in the signed session cookie) required on every POST,
  from a form field or the ``X-CSRF-Token`` header htmx sends;
* POSTs from another origin refused (``Origin`` / ``Referer`` must be ours);
* the ``Host`` header checked, so a web page on the internet cannot reach the
  clerk's server through DNS rebinding;
* a password (a login page) when the server listens on another address than
  the loopback;
* response headers: no sniffing, no framing by others, a strict CSP (scripts
  only from our own static folder).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
OPEN_ENDPOINTS = {"static", "security.login"}


def csrf_token() -> str:
    """This browser session's token (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


def _check_host() -> None:
    allowed = current_app.config["DOSSIER_HOSTS"]
    if allowed is None:
        return
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in allowed:
        abort(400, "Địa chỉ máy chủ không hợp lệ.")


def _check_csrf() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    if origin and origin != "null" and not _same_origin(origin):
        abort(403, "Yêu cầu đến từ trang web khác, đã bị từ chối.")
    if not origin and referer and not _same_origin(referer):
        abort(403, "Yêu cầu đến từ trang web khác, đã bị từ chối.")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
        abort(403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (mã chống giả mạo sai). "
                   "Hãy tải lại trang rồi làm lại.")


def _check_login():
    if current_app.config.get("DOSSIER_PASSWORD") is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if session.get("logged_in"):
        return None
    if request.method == "GET":
        return redirect(url_for("security.login", next=request.path))
    abort(401, "Cần đăng nhập.")


def _headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-src 'self'; object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def install(app: Flask) -> None:
    """Hook the checks into ``app`` (before every request, after every response)."""
    from flask import Blueprint

    bp = Blueprint("security", __name__)

    @bp.route("/dang-nhap", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            _check_csrf()
            given = request.form.get("password", "")
            if hmac.compare_digest(given.encode(), current_app.config["DOSSIER_PASSWORD"].encode()):
                session["logged_in"] = True
                target = request.args.get("next", "/")
                local = target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
                return redirect(target if local else "/")
            error = "Mật khẩu không đúng."
        return render_template("web/login.html", error=error), (401 if error else 200)

    app.register_blueprint(bp)

    @app.before_request
    def _guard():
        _check_host()
        response = _check_login()
        if response is not None:
            return response
        _check_csrf()
        return None

    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
