"""One exception root for everything a user can fix.

Policy: *raise* a ``HandoutError`` when the user must act (bad data, bad input,
an output that cannot be written); *warn* the clinician through the plan's
warnings when the handout can still be made. Anything else that escapes is a
bug and keeps its traceback.

Each error renders as one line that points at the place and the fix::

    patients.csv:14: column 'phase': 'accute' is not one of acute, subacute, maintenance
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: Exit codes of the command line, documented in the README.
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3

_TRIM = 60


def shown(value: object) -> str:
    """A user's value quoted for a message, trimmed so one line stays one line."""
    text = str(value).replace("\n", " ").replace("\r", " ")
    if len(text) > _TRIM:
        text = text[: _TRIM - 1] + "…"
    return repr(text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def one_of(value: object, choices: Iterable[str], what: str = "") -> str:
    """Message for a value outside a fixed set, with a 'did you mean' hint."""
    options = sorted(choices) if not isinstance(choices, (list, tuple)) else list(choices)
    prefix = f"{what} " if what else ""
    return f"{prefix}{shown(value)} is not one of {', '.join(options)}{did_you_mean(str(value), options)}"


@dataclass(frozen=True)
class Fix:
    """What would resolve a problem, named for every interface to word in its own terms.

    ``kind`` is 'override' (a rule the clinician may set aside, e.g. allow_strengthening),
    'option' (a setting such as date_format, with its ``choices``), 'field' (a request field
    to fill in, e.g. exercises) or 'listing' (where the known values are listed, e.g. exercises).
    """

    kind: str
    name: str
    choices: tuple[str, ...] = ()


class HandoutError(Exception):
    """Something the user can fix; renders as one line naming place and fix.

    ``field`` is the request field a problem is about ('phase', 'dose', ...): the
    command line shows it as ``--phase``, a patients CSV as its column, the web
    form beside its input. ``fix`` says what else would resolve it. Each
    interface words both (``handouts.wording``); ``str()`` is the plain form.
    ``code`` names the kind of problem where an interface may word it its own way:
    'required' (an empty required field) and 'too-long' (a message that is the rest
    of a sentence whose subject is the field, e.g. 'is 7000 characters long').
    """

    exit_code = EXIT_USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        field: str | None = None,
        fix: Fix | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.key = key
        self.field = field
        self.fix = fix
        self.code = code  # what kind of problem, for an interface that words some kinds its own way

    def where(self) -> str:
        """The file, line, column and key the problem is at, e.g. 'patients.csv:14: column 'phase': '."""
        where = ""
        if self.path:
            where = self.path
            if self.row is not None:
                where += f":{self.row}"
            where += ": "
        elif self.row is not None:
            where = f"row {self.row}: "
        if self.column:
            where += f"column {self.column!r}: "
        if self.key:
            where += f"{self.key}: "
        return where

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field and not self.column else ""
        return self.where() + field + self.message


class DataError(HandoutError):
    """The dataset, a clinic or a template file is invalid."""


class InputError(HandoutError):
    """A request (command-line option or CSV cell) is invalid."""


class CoverError(HandoutError):
    """A cover PDF cannot be used."""


class OutputError(HandoutError):
    """An output file cannot be written."""

    exit_code = EXIT_OUTPUT


class ScanError(HandoutError):
    """A scan or photo of a checklist cannot be read (a 1-bit scan, a damaged or unknown file)."""


class FolderFullError(OutputError):
    """The disk or the output folder takes no more (no space left, a quota, a file size limit)."""


class OutputExistsError(HandoutError):
    """The output file exists and overwriting was not asked for."""


class ErrorList(HandoutError):
    """Several problems found at once, each reported on its own line."""

    def __init__(self, errors: list[HandoutError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __str__(self) -> str:
        return self.message


def flatten(error: HandoutError) -> list[HandoutError]:
    """The single problems inside ``error``: the list of an ErrorList, else the error itself."""
    return list(error.errors) if isinstance(error, ErrorList) else [error]
