"""Run the web app on this machine: bind, print the address, open a browser, stop on Ctrl+C."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import webbrowser
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server

from handouts.errors import InputError
from handouts.web import LOCAL_HOSTS, create_app
from handouts.web.security import MIN_TOKEN_LENGTH


class QuietRequestHandler(WSGIRequestHandler):
    """Logs method, path and status only: query strings (a token) never reach the log.

    Patient data travels in POST bodies, which are never logged.
    """

    server_version = "handouts"
    sys_version = ""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = urlsplit(self.path).path
        self.log("info", "%s %s %s", self.command, path, getattr(code, "value", code))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and 'localhost': addresses other machines cannot reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def _bound(host: str, port: int) -> Iterator[socket.socket]:
    """A listening socket, or an InputError (werkzeug's own bind would exit the process instead)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                         "pass another --port", key="--port") from None
    with sock:  # the server keeps its own copy of the socket
        yield sock


def serve(*, host: str, port: int, token: str | None, open_browser: bool, data: str | None,
          templates: str | None, echo: Callable[[str], object]) -> None:
    """Serve until Ctrl+C; raise InputError for an unsafe or unusable address."""
    local = is_loopback(host)
    if not local and not token:
        raise InputError(f"listening on {host} lets other machines reach the form; also pass --token "
                         "(or set HANDOUTS_TOKEN), or leave out --host to stay on this machine", key="--host")
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise InputError(f"the token is shorter than {MIN_TOKEN_LENGTH} characters; make one with: "
                         "python3 -c 'import secrets; print(secrets.token_urlsafe())'", key="--token")
    # Host names are checked only on this machine (against DNS rebinding); a LAN address is reached by IP.
    trusted = LOCAL_HOSTS if local and ":" not in host else None
    app = create_app(data=data, templates=templates, token=token, trusted_hosts=trusted)
    with _bound(host, port) as sock:
        server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler,
                             fd=sock.fileno())
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.port}/"
    address = f"{url}?token={quote(token)}" if token else url
    echo(f"handouts is running at {address}")
    echo("Open that address in your browser; press Ctrl+C here to stop.")
    if open_browser:
        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.server_close()
