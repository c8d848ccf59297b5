"""The combined print file of a batch: written as rows finish, named only once complete, never over a
foreign file, never over a handout, and left as it was when it already holds exactly these pages.

A print file made here is known by its first bytes: the document information, with the
creator 'handouts print file', is the first object after the PDF header (not somewhere
near the end, where a tail scan would have to guess how far to look).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import InputError, OutputExistsError
from handouts.render.pdf.combined import CREATOR, HEADER, CombinedWriter
from handouts.run.output import open_own, staged
from handouts.run.results import Made

_MARK = re.compile(re.escape(HEADER) + rb"4 0 obj\n<< /Title \([^\n]{0,200}\) " + re.escape(CREATOR) + rb" >>\nendobj\n")


def made_here(path: Path) -> bool:
    """True when ``path`` is a print file this module wrote (its first object says so)."""
    with open_own(path) as stream:
        return stream is not None and _MARK.match(stream.read(512)) is not None


def refuse_foreign(target: Path, *, force: bool = False) -> None:
    """Refuse to replace a file under ``target`` that is not a print file made here, unless ``force``."""
    if os.path.lexists(target) and not force and not made_here(target):
        raise OutputExistsError("the file exists and is not a print file made by handouts; pass --force "
                                "to replace it", path=target)


def name_in_folder(target: Path, folder: Path) -> str | None:
    """The name (lower case) ``target`` has inside ``folder``, or None when it lies elsewhere."""
    resolved = target.resolve()
    return resolved.name.lower() if resolved.parent == folder.resolve() else None


def clash(target: Path, what: str) -> InputError:
    """The error for a print file that would take the place of another output."""
    return InputError(f"the print file would replace {what}; choose another name for --combined", path=target)


@dataclass
class PrintFile:
    """A print file being written: append handouts, then it takes its name."""

    writer: CombinedWriter
    unchanged: bool = False  # it already held exactly these pages and was left as it was

    def append(self, path: Path, title: str, *, made: Made | None = None) -> None:
        """The handout at ``path``, with the bookmark ``title``; ``made``: the bytes just written there, with
        the objects the render knows are alike in other handouts (then the file is not read again)."""
        if made is None:
            self.writer.append(path.read_bytes(), title)
        else:
            self.writer.append(made.pdf, title, alike=made.alike)

    @property
    def pages(self) -> list[int]:
        return self.writer.pages


@contextlib.contextmanager
def combined_file(target: Path, *, duplex: bool = False, force: bool = False,
                  title: str = "Handouts for printing") -> Iterator[PrintFile]:
    """A print file that takes the name ``target`` only once it is complete.

    When nothing was appended no file is made (a PDF without pages is not a PDF a printer
    takes); when the file there already has exactly the same bytes it is left untouched.
    """
    refuse_foreign(target, force=force)
    with staged(target, force=True, keep_identical=True) as file:
        printing = PrintFile(CombinedWriter(file, duplex=duplex, title=title))  # type: ignore[arg-type]
        yield printing
        if not printing.pages:
            file.abandon()
            return
        printing.writer.finish()
    printing.unchanged = file.unchanged
