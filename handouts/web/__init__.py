"""The local web form: ``handouts serve`` makes, previews and prints handouts in a browser.

``create_app`` returns a Flask app over the same library the command line
uses; ``server.serve`` runs it on this machine. Security design (access token, CSRF,
headers) is described in ``handouts.web.security``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from flask import Flask

from handouts.run.library import open_library
from handouts.web import next_page, reading, security, views
from handouts.web.bodies import closing_bodies
from handouts.web.settings import Settings
from handouts.web.uploads import MAX_UPLOAD_BYTES

#: Host names a browser may use for a server bound to this machine (a guard against DNS rebinding):
#: the name localhost and every loopback address, whichever of them the server listens on.
LOCAL_HOSTS = ("localhost", "127.0.0.0/8", "::1")


def create_app(*, data: str | Path | None = None, templates: str | Path | None = None, token: str | None = None,
               trusted_hosts: Iterable[str] | None = LOCAL_HOSTS) -> Flask:
    """The web app over the dataset and templates in force; raises HandoutError if they are broken.

    ``token``: every request must carry it (see ``security``). ``trusted_hosts``:
    the Host names, addresses and networks (``127.0.0.0/8``) accepted; None accepts any,
    for a server reached from other machines by address (it needs a token).
    """
    library = open_library(data, templates)
    app = Flask(__name__)
    app.config.update(
        # A new key per process: sessions (and their CSRF tokens) end when the server stops.
        SECRET_KEY=secrets.token_bytes(32),
        SESSION_COOKIE_NAME="handouts_session",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        # Room for the CSV (sent back base64-encoded after the check) and the form around it.
        MAX_CONTENT_LENGTH=2 * MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=2 * MAX_UPLOAD_BYTES,
    )
    app.extensions["handouts"] = Settings(
        library, Path(data) if data else None, Path(templates) if templates else None)
    # Before the CSRF check reads the form: the handout pages may carry a cover PDF.
    app.before_request(views.room_for_a_cover)
    app.before_request(reading.room_for_scans)
    security.install(app, token=token,
                     hosts=security.HostList(trusted_hosts) if trusted_hosts is not None else None)
    app.register_blueprint(views.bp)
    app.register_blueprint(next_page.bp)
    app.register_blueprint(reading.bp)
    app.wsgi_app = closing_bodies(app.wsgi_app)  # type: ignore[method-assign]
    return app

