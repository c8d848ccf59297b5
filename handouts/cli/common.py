"""What every command shares: the group's options as a context object, and turning errors into exit codes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

import click

from handouts.errors import EXIT_USAGE, HandoutError, flatten

EXIT_INTERNAL = 4
EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 some rows failed, the others were written; 2 usage or input error, "
    "nothing written; 3 nothing could be written (output folder or disk); 4 internal error."
)


@contextlib.contextmanager
def reporting(debug: bool) -> Iterator[None]:
    """Turn user errors into 'error: ...' lines and an exit code; keep tracebacks for bugs."""
    from handouts.wording import COMMAND_LINE

    try:
        yield
    except HandoutError as exc:
        errors = flatten(exc)
        for error in errors:
            click.echo(f"error: {COMMAND_LINE.error(error)}", err=True)
        sys.exit(max((e.exit_code for e in errors), default=EXIT_USAGE))
    except (click.exceptions.Abort, click.ClickException):
        raise  # Ctrl-C at a prompt, or a usage error: click reports those itself
    except Exception as exc:
        if debug:
            raise
        click.echo(f"internal error: {type(exc).__name__}. This is a bug in handouts; "
                   "run the same command with --debug and report what it prints.", err=True)
        sys.exit(EXIT_INTERNAL)


class Context:
    """What the group options choose: where data and templates are, and --debug."""

    def __init__(self, data: str | None, templates: str | None, debug: bool) -> None:
        self.data, self.templates, self.debug = data, templates, debug

    def library(self) -> Any:
        from handouts.run.library import open_library

        return open_library(self.data, self.templates)


def sample_notice(clinic: Any, *, cover: object = None) -> str | None:
    """One line telling the user the fictional sample clinic is printed, or None for a real clinic."""
    if not getattr(clinic, "sample", False):
        return None
    if cover is not None:
        return (f"note: --cover replaces the cover only; every page still names the sample clinic "
                f"({clinic.name}, {clinic.phone}); run 'handouts clinic init' to set up yours")
    return "note: using the sample clinic; run 'handouts clinic init' to set up yours"
