"""What keeps the local web form private: access token, CSRF token, response headers.

- **Host names** (a server on this machine): the Host header must name this
  machine — ``localhost`` or a loopback address such as 127.0.0.2 or [::1] —
  so a web page whose name was re-pointed at 127.0.0.1 (DNS rebinding) cannot
  use the form. Any other Host gets one plain 400 answer, to any method, before
  anything else runs.
- **Access token** (when the server has one; required for any address but
  127.0.0.1): every request carries it, as ``Authorization: Bearer TOKEN``, as
  the ``handouts_token`` cookie, or once as ``?token=TOKEN`` in the address the
  ``serve`` command prints. A GET with the query token is answered with the
  cookie and a redirect to the same address without it, so the token does not
  stay in the address bar or the browser's history.
- **CSRF**: each browser session gets a random token (kept in Flask's signed
  session cookie, ``SameSite=Strict``); every POST must send it back as the
  ``csrf_token`` form field or the ``X-CSRF-Token`` header, else 400.
- **Headers** on every response: a strict Content-Security-Policy (scripts and
  styles only from this server, no inline code, framing only by itself),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, and
  ``Cache-Control: no-store`` on everything that may hold patient data.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Flask, Response, abort, redirect, request, session
from werkzeug.wrappers import Response as BaseResponse

TOKEN_COOKIE = "handouts_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MIN_TOKEN_LENGTH = 16

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    # The preview is a PDF from this server, shown from a blob: address made by app.js.
    "frame-src 'self' blob:",
    "object-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def csrf_token() -> str:
    """This session's CSRF token (made on first use); put it in every form."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return str(token)


class HostList:
    """The Host header values a server accepts: names, addresses and networks such as 127.0.0.0/8."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.names: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip("[]")))
            except ValueError:
                self.names.add(entry.lower().rstrip("."))

    def accepts(self, host_header: str) -> bool:
        """True when ``host_header`` (``name``, ``name:port``, ``[v6]:port``) names an entry."""
        host = _host_name(host_header)
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return bool(host) and host.rstrip(".") in self.names
        return any(address in network for network in self.networks)

    def describe(self) -> str:
        parts = sorted(self.names) + [str(n.network_address) if n.num_addresses == 1 else
                                      f"{n.network_address}/{n.prefixlen}" for n in self.networks]
        return ", ".join(parts)


def _host_name(host_header: str) -> str:
    """The host part of a Host header, lower case, without brackets or port; '' when malformed."""
    host = host_header.strip().lower()
    if host.startswith("["):
        inside, bracket, rest = host[1:].partition("]")
        return inside if bracket and (not rest or (rest[0] == ":" and rest[1:].isdigit())) else ""
    name, colon, port = host.partition(":")
    if colon and not port.isdigit():
        return ""
    return name


def install(app: Flask, *, token: str | None, hosts: HostList | None = None) -> None:
    """Check the Host name, the access token and the CSRF token before each request; add the headers after.

    ``hosts``: the Host names accepted (None: any, for a server reached by address with a token).
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    refusal = (f"Bad request: this server answers only to {hosts.describe()}. Open the address that "
               "'handouts serve' printed.\n") if hosts is not None else ""

    @app.before_request
    def _check_access() -> BaseResponse | None:
        # First, before the token, the CSRF check or any page is built: the same answer for every method.
        if hosts is not None and not hosts.accepts(request.headers.get("Host", "")):
            return Response(refusal, status=400, mimetype="text/plain")
        if token:
            answer = _check_token(token)
            if answer is not None:
                return answer
        if request.method == "POST":
            _check_csrf()
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint not in ("static", "web.picture"):  # only these hold no patient data
            response.headers["Cache-Control"] = "no-store"
        return response


def _check_token(token: str) -> BaseResponse | None:
    """None when the request carries the token; a redirect that stores it; else 401."""
    query = request.args.get("token", "")
    if query and _same(query, token) and request.method in ("GET", "HEAD"):
        rest = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
        response = redirect(request.path + (f"?{rest}" if rest else ""), code=303)
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response
    header = request.headers.get("Authorization", "")
    bearer = header[7:] if header.startswith("Bearer ") else ""
    if any(_same(given, token) for given in (bearer, request.cookies.get(TOKEN_COOKIE, ""), query)):
        return None
    abort(401)


def _check_csrf() -> None:
    expected = session.get(CSRF_FIELD, "")
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not expected or not given or not _same(given, expected):
        abort(400, description="csrf")


def _same(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())
