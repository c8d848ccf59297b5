"""Reading a file the user names (a patients CSV, a cover PDF, a YAML file): a regular file only, never
more than a limit.

A device such as /dev/zero, a named pipe or a socket would make a reader wait forever or read without
end, so each is refused before a byte is read (a pipe is opened without waiting for a writer). A link
to a regular file is followed: inputs may live anywhere.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class Unreadable(ValueError):
    """A file that cannot be read as asked; the message says why, the caller adds the place."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (or a link to one)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, a pipe or a socket)"
        raise Unreadable(f"this is {kind}; give the path of a saved file")
    return os.fdopen(descriptor, "rb")


def size_of(stream: BinaryIO) -> int:
    """The size of an open file, as the file system reports it."""
    return os.fstat(stream.fileno()).st_size


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``: a caller given more than ``limit``
    knows the file is too large without it having been read whole."""
    with open_regular(path) as stream:
        return stream.read(limit + 1)
