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


def lan_addresses(*, ipv6: bool) -> list[str]:
    """This machine's addresses that other machines on the network may reach (IPv4 or IPv6), best first.

    Loopback, link-local and unspecified addresses are left out. Nothing is sent anywhere.
    """
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    found: list[str] = []
    # The address the system would send from to reach another network: connecting a UDP
    # socket only looks up the route. The target is a documentation address, never contacted.
    with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.connect(("2001:db8::1" if ipv6 else "192.0.2.1", 9))
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, family,
                                                                  socket.SOCK_STREAM)]
    addresses: list[str] = []
    for text in found:
        try:
            address = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if not (address.is_loopback or address.is_link_local or address.is_unspecified) \
                and str(address) not in addresses:
            addresses.append(str(address))
    return addresses


def addresses(host: str, port: int, token: str | None) -> list[tuple[str, str]]:
    """The addresses to open, each with who it is for ('' when there is one): what ``serve`` prints.

    A server on every address (0.0.0.0, ::) is opened as 127.0.0.1 here and by its network
    addresses elsewhere; its own address would not work.
    """
    def url(address: str) -> str:
        shown = f"[{address}]" if ":" in address else address
        return f"http://{shown}:{port}/" + (f"?token={quote(token)}" if token else "")

    bare = host.strip("[]")
    try:
        everywhere = ipaddress.ip_address(bare).is_unspecified
    except ValueError:
        everywhere = False
    if not everywhere:
        return [(url(bare), "")]
    ipv6 = ":" in bare
    others = lan_addresses(ipv6=False) + (lan_addresses(ipv6=True) if ipv6 else [])
    return [(url("::1" if ipv6 else "127.0.0.1"), "this computer")] + [
        (url(a), "other computers on the network") for a in others]


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
    # On this machine, Host names are checked (against DNS rebinding); from the network the
    # server is reached by address, and the token guards it.
    app = create_app(data=data, templates=templates, token=token, trusted_hosts=LOCAL_HOSTS if local else None)
    with _bound(host, port) as sock:
        server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler,
                             fd=sock.fileno())
    found = addresses(host, server.port, token)
    if not found[0][1]:
        echo(f"handouts is running at {found[0][0]}")
        echo("Open that address in your browser; press Ctrl+C here to stop.")
    else:
        echo("handouts is running at:")
        for address, audience in found:
            echo(f"  {address} ({audience})")
        if len(found) == 1:
            echo("  (no network address found: is this computer connected to a network?)")
        echo("Open one of these addresses in a browser; press Ctrl+C here to stop.")
    if open_browser:
        webbrowser.open(found[0][0])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        server.server_close()
