"""What the form adds to a PDF beyond the handout request: an uploaded cover and a password.

The cover is checked exactly as ``--cover`` is (``cover.load_cover``: size and page
caps, read first in a child process under a time limit, only its drawing kept), from
a temporary folder that lives as long as one request. The password is typed twice,
as ``--password`` asks for it, and is never written back into a page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.datastructures import FileStorage

from handouts.errors import HandoutError
from handouts.render.pdf.cover import MAX_COVER_BYTES, load_cover
from handouts.web.forms import sentence

COVER_FIELD = "cover_file"
PASSWORD_FIELDS = ("password", "password_again")
#: The largest request the handout form takes: a cover at its limit and the fields around it.
MAX_REQUEST_BYTES = MAX_COVER_BYTES + 1_000_000
RETYPE_PASSWORD = "Type the password again: it is never sent back to the page."
PASSWORDS_DIFFER = "The two passwords are not the same: type it again in both boxes."


@dataclass(frozen=True)
class PdfOptions:
    """The uploaded cover (None: the clinic's, if the kind of PDF has one) and the password (None: none)."""

    cover: Path | None = None
    password: str | None = None


@contextmanager
def pdf_options(files: Mapping[str, FileStorage], form: Mapping[str, str],
                errors: dict[str, str]) -> Iterator[PdfOptions]:
    """The options sent with the form, valid while the block runs; a message in ``errors`` for each problem."""
    with tempfile.TemporaryDirectory(prefix="handouts-web-") as folder:
        yield PdfOptions(_cover(files.get(COVER_FIELD), Path(folder), errors), _password(form, errors))


def _cover(upload: FileStorage | None, folder: Path, errors: dict[str, str]) -> Path | None:
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MAX_COVER_BYTES + 1)
    if len(data) > MAX_COVER_BYTES:
        errors[COVER_FIELD] = f"The cover is larger than {MAX_COVER_BYTES // 1_000_000} MB, the limit for a cover."
        return None
    path = folder / "cover.pdf"
    path.write_bytes(data)
    try:
        load_cover(path)
    except HandoutError as exc:
        errors[COVER_FIELD] = sentence(exc.message)
        return None
    return path


def _password(form: Mapping[str, str], errors: dict[str, str]) -> str | None:
    first, again = (form.get(name, "") for name in PASSWORD_FIELDS)
    if not first and not again:
        return None
    if first != again:
        errors["password_again"] = PASSWORDS_DIFFER
        return None
    return first


def typed_password(form: Mapping[str, str]) -> bool:
    """True when the form came with a password (a page sent back must ask for it again)."""
    return any(form.get(name) for name in PASSWORD_FIELDS)
