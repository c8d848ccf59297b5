"""What every command shares: the group's options as a context object, and turning errors into exit codes."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

import click

from handouts.errors import EXIT_USAGE, HandoutError, flatten

EXIT_INTERNAL = 4
EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 some rows failed, the others were written; 2 usage or input error, "
    "nothing written (also a CSV with no good row, or a bad row with --strict); 3 nothing could be "
    "written (output folder or disk full, or no good row could be made); 4 internal error; "
    "130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP (128 + the signal's number)."
)
#: Signals that stop a command: Ctrl-C, a stop request (kill, shutdown), a closed terminal.
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class Stopped(KeyboardInterrupt):
    """A stop signal arrived: unwind like Ctrl-C, so temporary files, workers and locks are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    # Once: a second signal must not cut short the clean-up the first one started.
    for name in STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Stopped(signum)


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """While a command writes files, a stop signal unwinds it like Ctrl-C, once: temporary files,
    workers and the folder lock are cleaned up (then the handlers are restored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stop_code(exc: BaseException) -> int:
    """The exit code of a command stopped by ``exc``: 128 + the signal's number (130 for Ctrl-C)."""
    cause = exc.__cause__ or exc.__context__
    return 128 + (cause.signum if isinstance(cause, Stopped) else int(signal.SIGINT))


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
