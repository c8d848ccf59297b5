"""Every response body is closed, even when the server never calls its ``close``.

A static file and a batch's zip are sent from open files. Werkzeug's server (``handouts serve``)
closes a body after sending it, but when the browser drops the connection mid-send (it often
cancels a favicon or a page it is leaving), the server's clean-up first reads the dropped socket,
which raises, and ``close`` is never called: the file stayed open until the garbage collector
found it, with a ResourceWarning. Here each body is wrapped so that letting go of it closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ClosedBody:
    """A WSGI response body that is closed once: by the server, or else when it is let go of."""

    __slots__ = ("body", "closed")

    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.body, "close", None)
            if close is not None:
                close()

    def __del__(self) -> None:
        self.close()


def closing_bodies(app: WSGIApp) -> WSGIApp:
    """``app`` with each body it returns closed even when the server does not close it."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return ClosedBody(app(environ, start_response))

    return wrapped
