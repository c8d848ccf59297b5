"""Writing files safely: never a partial file under the final name, never a silent overwrite,
never through a link, and no temporary file outliving the process that made it.

* Every file is written to a temporary file in its own folder (``.handouts-XXXX.tmp``,
  created exclusively, so never through a link planted under its name), synced, then
  given its name in one step.
* The folder is synced after the name is given, so the name survives a power loss too.
  Several files into one folder (a batch row: plan record, layout JSON, then the PDF) go
  through ``write_together``: every file written and synced, then named in order, then one
  folder sync. Syncing a folder makes every name given in it so far durable, so the last
  file's sync covers the earlier names, and before it the row is simply not finished (the
  rerun makes it again). Every file's bytes are synced before any of them takes its name,
  so no name ever points at bytes a power loss could lose. A killed process needs no sync
  at all: the kernel already holds every completed write and rename.
* Each temporary file is locked while its writer lives. A temporary file nobody holds
  the lock of belongs to a process that was stopped or killed: ``sweep_stale`` removes it,
  whoever made it (a single handout, a batch worker, a print file, a manifest).
* Files appended to or read back (a batch's journal, its earlier outputs) are opened
  without following links and must be regular files.
* The folder lock of a batch is closed in every process forked while it is held, so a
  worker never keeps it after its batch has gone.
* A write that fails because the disk or folder takes no more raises FolderFullError.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from handouts.errors import FolderFullError, OutputError, OutputExistsError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a batch there trusts the user not to run two at once
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".handouts-"
TEMP_SUFFIX = ".tmp"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | getattr(os, "O_BINARY", 0)
#: Bytes a staged file gathers before each write to its temporary file. A print file comes a few
#: kilobytes an object, tens of objects a handout: with io's 8 KiB default each object was a write
#: call of its own.
STAGED_BUFFER = 1 << 20
#: errno values that mean no file will fit, whichever is written next.
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_error(exc: OSError, path: Path, what: str = "cannot write the file") -> OutputError:
    """The OutputError for a failed write: FolderFullError when nothing more will fit."""
    kind = FolderFullError if exc.errno in _FULL else OutputError
    return kind(f"{what}: {exc.strerror or exc}", path=path)


def refuse_overwrite(path: Path, *, force: bool = False) -> None:
    """Raise OutputExistsError when ``path`` exists and replacing it was not asked for."""
    if os.path.lexists(path) and not force:
        raise OutputExistsError("the file already exists; pass --force to replace it", path=path)


class Staged:
    """A file being written under a temporary name, hashed as it goes (see ``staged``)."""

    def __init__(self, stream: BinaryIO, temp: Path) -> None:
        self.stream, self.temp = stream, temp
        self.size = 0
        self.unchanged = False  # set when an identical file was already there and was left as it was
        self._hash = hashlib.sha256()
        self._abandoned = False

    def write(self, data: bytes) -> int:
        self.stream.write(data)
        self._hash.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def sha256(self) -> str:
        return self._hash.hexdigest()

    def abandon(self) -> None:
        """Give up the file: the temporary file is removed and the final name left as it is."""
        self._abandoned = True


@contextlib.contextmanager
def staged(path: Path, *, force: bool = False, keep_identical: bool = False) -> Iterator[Staged]:
    """A file written through a temporary one: it takes the name ``path`` only when the block ends
    normally and was not abandoned. Without ``force`` an existing file is left alone
    (OutputExistsError); with ``keep_identical`` an existing file with the same bytes is left
    as it was (its time included) and ``unchanged`` is set."""
    refuse_overwrite(path, force=force)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temp = _locked_temp(folder)
    except OSError as exc:
        raise write_error(exc, folder, "cannot write in this folder") from None
    try:
        with os.fdopen(descriptor, "wb", buffering=STAGED_BUFFER) as stream:
            file = Staged(stream, temp)
            yield file
            if file._abandoned:
                return
            stream.flush()
            os.fsync(stream.fileno())
            if keep_identical and file_sha256(path) == (file.sha256(), file.size):
                file.unchanged = True
                return
            if force:
                os.replace(temp, path)
            else:
                _link_without_overwrite(temp, path)
        _sync_folder(folder)
    except OutputExistsError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Without ``force`` an existing file is left alone and OutputExistsError is
    raised. The temporary file has a neutral name and is removed on any failure.
    """
    with staged(path, force=force) as file:
        file.write(data)


def write_together(files: Sequence[tuple[Path, bytes]], *, force_last: bool = False) -> None:
    """Write ``files`` (all in one folder) each through its own temporary file: every file is written
    and synced first, then each takes its name in the order given, then the folder is synced once.

    Every file but the last replaces what is under its name (the caller has checked it may); the last
    does so only with ``force_last`` (else OutputExistsError, the earlier ones already named). Syncing
    the files one after another lets the file system commit them together, where a file synced, named
    and its folder synced before the next is written costs a commit each (see the module docstring).
    """
    if not files:
        return
    folder = files[0][0].parent
    refuse_overwrite(files[-1][0], force=force_last)
    temps: list[tuple[int, Path]] = []
    renamed: set[int] = set()
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for _ in files:
                temps.append(_locked_temp(folder))
        except OSError as exc:
            raise write_error(exc, folder, "cannot write in this folder") from None
        for (path, data), (descriptor, _) in zip(files, temps):
            _write_all(descriptor, data, path)
        for (path, _), (descriptor, _) in zip(files, temps):
            try:
                os.fsync(descriptor)
            except OSError as exc:
                raise write_error(exc, path) from None
        for index, ((path, _), (_, temp)) in enumerate(zip(files, temps)):
            try:
                if index < len(files) - 1 or force_last:
                    os.replace(temp, path)
                    renamed.add(index)  # its temporary name is gone: nothing to remove below
                else:
                    _link_without_overwrite(temp, path)
            except OutputExistsError:
                raise
            except OSError as exc:
                raise write_error(exc, path) from None
        _sync_folder(folder)
    finally:
        for index, (descriptor, temp) in enumerate(temps):
            os.close(descriptor)
            if index not in renamed:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()


def _write_all(descriptor: int, data: bytes, path: Path) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(descriptor, view):]
    except OSError as exc:
        raise write_error(exc, path) from None


def _locked_temp(folder: Path) -> tuple[int, Path]:
    """A new, empty temporary file in ``folder``, locked for as long as this process keeps it open.

    Created exclusively under a random name (never through a link planted there), with the mode of an
    ordinary file (0666 less the umask, as the kernel applies it)."""
    while True:
        name = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            descriptor = os.open(name, _CREATE, 0o666)
        except FileExistsError:
            continue  # a name taken: draw another
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(descriptor).st_nlink:
            return descriptor, name
        os.close(descriptor)  # swept between its creation and its lock: take another


def sweep_stale(folder: Path) -> int:
    """Remove the temporary files in ``folder`` whose writer has gone (nobody holds their lock);
    return how many. Files still being written are left alone."""
    if fcntl is None:
        return 0
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        try:
            descriptor = os.open(entry.path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
        except OSError:
            continue  # a link or gone: not a temporary file of ours
        try:
            if stat.S_ISREG(os.fstat(descriptor).st_mode):
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass  # locked: its writer is alive
        finally:
            os.close(descriptor)
    return removed


def folder_names(folder: Path) -> dict[str, str]:
    """The names in ``folder``, by their lower case ({} when it is not there or cannot be read)."""
    try:
        return {name.lower(): name for name in os.listdir(folder)}
    except OSError:
        return {}


def case_twin(path: Path, names: dict[str, str]) -> str | None:
    """The name of a file in ``path``'s folder that differs from ``path``'s only in capitals (``names``: the
    folder's, as ``folder_names`` gives them), or None. On Windows, macOS or a USB stick the two are one file."""
    other = names.get(path.name.lower())
    return other if other is not None and other != path.name else None


def twin_message(path: Path, other: str) -> str:
    return (f"the folder has {other}, a name that differs from {path.name} only in capitals; on Windows, macOS or "
            "a USB stick they are one file: write the id as before or choose another")


def is_folder(path: Path) -> bool:
    """True when ``path`` is a folder; False too when it cannot be looked at (a folder on the way that may
    not be entered), which the write after it then reports with the reason."""
    try:
        return path.is_dir()
    except OSError:
        return False


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and make sure a file can be made in it (OutputError if not)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = _locked_temp(folder)
        os.close(descriptor)
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder: {exc.strerror or exc}", path=folder) from None


def open_to_append(path: Path) -> int:
    """A descriptor appending to the regular file ``path`` (never through a link)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        raise _link_error(exc, path) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OutputError("this is not a plain file; handouts writes only plain files here: remove it", path=path)
    return descriptor


def append(path: Path, data: bytes) -> None:
    """Append ``data`` in a single write, so lines from parallel processes never interleave."""
    descriptor = open_to_append(path)
    try:
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError as exc:
        raise write_error(exc, path) from None
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def open_own(path: Path) -> Iterator[BinaryIO | None]:
    """``path`` opened for reading when it is a regular file reached without a link, else None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        yield None
        return
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        yield None
        return
    with os.fdopen(descriptor, "rb") as stream:
        yield stream


def file_sha256(path: Path) -> tuple[str, int] | None:
    """(SHA-256, size) of the regular file ``path``, or None when it is missing, a link or not a file."""
    with open_own(path) as stream:
        if stream is None:
            return None
        hasher = hashlib.sha256()
        size = 0
        while chunk := stream.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
        return hasher.hexdigest(), size


_held_locks: set[int] = set()


def _forget_locks_in_child() -> None:
    """In a forked process, let go of the folder locks the parent holds (the parent keeps them)."""
    for descriptor in _held_locks:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _held_locks.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for one batch.

    The lock is taken on the folder itself, so no lock file is left behind or raced over.
    A second batch writing into the same folder at the same time gets an OutputError. The
    lock lives exactly as long as this process holds it: processes forked meanwhile (the
    batch's workers) do not share it, so it is gone the moment this process is.
    """
    try:
        descriptor = os.open(folder, os.O_RDONLY | _CLOEXEC)
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder: {exc.strerror or exc}", path=folder) from None
    _held_locks.add(descriptor)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError("another batch is writing into this folder; wait for it to finish",
                                  path=folder) from None
        yield
    finally:
        _held_locks.discard(descriptor)
        os.close(descriptor)


def _link_error(exc: OSError, path: Path) -> OutputError:
    if exc.errno == errno.ELOOP:
        return OutputError("this is a link, not a file handouts made; handouts writes only plain files here: "
                           "remove it", path=path)
    return write_error(exc, path)


def _link_without_overwrite(temp: Path, path: Path) -> None:
    """Give ``temp`` the final name unless something took that name meanwhile."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise OutputExistsError("the file already exists; pass --force to replace it", path=path) from None
    except OSError as exc:
        if exc.errno in _FULL:
            raise
        os.replace(temp, path)  # a file system without hard links: the check before writing must do


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
