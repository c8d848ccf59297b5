"""Writing files safely: never a partial file under the final name, never a silent overwrite."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import OutputError, OutputExistsError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a batch there trusts the user not to run two at once
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".handouts-"
BATCH_TEMP_PREFIX = ".handouts-batch-"
TEMP_SUFFIX = ".tmp"


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def refuse_overwrite(path: Path, *, force: bool = False) -> None:
    """Raise OutputExistsError when ``path`` exists and replacing it was not asked for."""
    if path.exists() and not force:
        raise OutputExistsError("the file already exists; pass --force to replace it", path=path)


def write_atomic(path: Path, data: bytes, *, force: bool = False, prefix: str = TEMP_PREFIX) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Without ``force`` an existing file is left alone and OutputExistsError is
    raised. The temporary file has a neutral name and is removed on any failure.
    """
    refuse_overwrite(path, force=force)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise OutputError(f"cannot write in this folder: {exc.strerror or exc}", path=folder) from None
    temp = Path(temp_name)
    try:
        os.chmod(temp, _FILE_MODE)  # mkstemp makes 0600; a handout is an ordinary file
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(temp, path)
        else:
            _link_without_overwrite(temp, path)
        _sync_folder(folder)
    except OutputExistsError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the file: {exc.strerror or exc}", path=path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for one batch, and clear temporary files a killed batch left.

    The lock is taken on the folder itself, so no lock file is left behind or raced over.
    A second batch writing into the same folder at the same time gets an OutputError.
    """
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder: {exc.strerror or exc}", path=folder) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError("another batch is writing into this folder; wait for it to finish",
                                  path=folder) from None
        # Holding the lock, every batch temporary file here belongs to a batch that was stopped
        # (a single 'handouts make' uses another prefix, so its file is never taken for one).
        for stale in folder.glob(f"{BATCH_TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                stale.unlink()
        yield
    finally:
        os.close(descriptor)


def _link_without_overwrite(temp: Path, path: Path) -> None:
    """Give ``temp`` the final name unless something took that name meanwhile."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise OutputExistsError("the file already exists; pass --force to replace it", path=path) from None
    except OSError:  # a file system without hard links: the exists() check above must do
        os.replace(temp, path)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
