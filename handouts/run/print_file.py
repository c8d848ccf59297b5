"""The combined print file of a batch: written as rows finish, named only once complete, never over a foreign file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import OutputError, OutputExistsError
from handouts.render.pdf.combined import CREATOR, CombinedWriter
from handouts.run.output import BATCH_TEMP_PREFIX, TEMP_SUFFIX


def made_here(path: Path) -> bool:
    """True when ``path`` is a print file this module wrote (its trailer's info says so)."""
    try:
        with path.open("rb") as stream:
            stream.seek(max(0, path.stat().st_size - 4096))
            return CREATOR in stream.read()
    except OSError:
        return False


def refuse_foreign(target: Path, *, force: bool = False) -> None:
    """Refuse to replace a file under ``target`` that is not a print file made here, unless ``force``."""
    if target.exists() and not force and not made_here(target):
        raise OutputExistsError("the file exists and is not a print file made by handouts; pass --force "
                                "to replace it", path=target)


@contextlib.contextmanager
def combined_file(target: Path, *, duplex: bool = False, force: bool = False,
                  title: str = "Handouts for printing") -> Iterator[CombinedWriter]:
    """A CombinedWriter whose file takes the name ``target`` only once it is complete.

    When nothing was appended no file is made (a PDF without pages is not a PDF a printer takes).
    """
    refuse_foreign(target, force=force)
    temp = target.with_name(f"{BATCH_TEMP_PREFIX}{os.getpid()}-combined{TEMP_SUFFIX}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as out:
            writer = CombinedWriter(out, duplex=duplex)
            yield writer
            if not writer.pages:
                return
            writer.finish(title)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write the combined file: {exc.strerror or exc}", path=target) from None
    finally:
        temp.unlink(missing_ok=True)
