"""The journal of an output folder: every file a batch wrote there, so any later batch knows its own.

A front desk runs each day's export into one folder, and the exports are often all called
``export.csv``: a CSV's name cannot say which files are whose. The folder keeps one journal
instead, shared by every batch run into it: running A.csv, then B.csv, then A.csv again
skips A's finished rows, because the journal vouches for them (each file with the checksum
of its bytes and of the row and settings it was made from).

* A line is appended before its file takes its name: a line without its file is
  harmless (the row is made again); a file without its line would be foreign forever.
  A batch row appends the lines of all its files (plan record, layout JSON, PDF) in one
  write before the first of them is written. The lines are not synced on their own (as
  ever): a kill loses nothing the kernel has, and on a file system that commits in order
  (ext4's default, data=ordered) an appended line is durable no later than a file name
  given after it, which the folder sync after each row's PDF makes durable.
* The journal is created with its header in one atomic write: it is complete or absent,
  never empty. A line cut short by a full disk is skipped when read.
* It is opened without following links, so a link planted under its name cannot send a
  batch's lines into another file.
* At the end of a batch it is compacted: entries of files that are gone are dropped.
* Resuming needs nothing but the journal: a skipped row's pages come from it, so an
  encrypted handout is never opened.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from handouts.errors import OutputError
from handouts.run.output import append, file_sha256, open_own, write_atomic

JOURNAL = ".handouts-journal.csv"
COLUMNS = ("file", "sha256", "pages", "bytes", "input_sha256")
_HEADER = (",".join(COLUMNS) + "\r\n").encode()
_KEPT_PER_FILE = 3  # a file replaced again and again keeps only its latest entries
_ENTRY = 32 + 32 + 4 + 8  # packed: sha256, input sha256, pages, bytes


@dataclass(frozen=True)
class Entry:
    """One file a batch wrote: its checksum, pages and size, and what it was made from
    (the row and settings of a handout; empty for a manifest)."""

    file: str
    sha256: str
    pages: int
    bytes: int
    input_sha256: str = ""

    def line(self) -> bytes:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerow(
            (self.file, self.sha256, self.pages, self.bytes, self.input_sha256))
        return buffer.getvalue().encode("utf-8")


class Journal:
    """The journal of one folder, read into memory compactly (some 200 bytes a file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL
        self._entries: dict[str, bytes] = {}  # file -> packed entries, oldest first

    @classmethod
    def read(cls, folder: Path) -> Journal:
        """The folder's journal as it is (empty when there is none); nothing is written."""
        journal = cls(folder)
        with open_own(journal.path) as stream:
            if stream is None:
                if journal.path.is_symlink():
                    raise OutputError("this is a link, not a file handouts made; handouts writes only plain "
                                      "files here: remove it", path=journal.path)
                return journal
            if stream.readline() != _HEADER:
                return journal  # not a journal of this version: it vouches for nothing
            text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
            for cells in csv.reader(text):
                journal._take(cells)
        return journal

    @classmethod
    def open(cls, folder: Path) -> Journal:
        """The folder's journal, created with its header when there is none (or none readable)."""
        journal = cls.read(folder)
        with open_own(journal.path) as stream:
            ours = stream is not None and stream.readline() == _HEADER
        if not ours:
            write_atomic(journal.path, _HEADER, force=True)
        return journal

    def _take(self, cells: list[str]) -> None:
        if len(cells) != len(COLUMNS):
            return  # a line cut short (the disk filled up while it was written)
        file, sha, pages, size, made_from = cells
        try:
            packed = (bytes.fromhex(sha) + bytes.fromhex(made_from or "0" * 64)
                      + int(pages).to_bytes(4, "big") + int(size).to_bytes(8, "big"))
        except (ValueError, OverflowError):
            return
        if len(packed) != _ENTRY or not file:
            return
        known = self._entries.get(file, b"")
        if packed not in _split(known):
            self._entries[file] = (known + packed)[-_ENTRY * _KEPT_PER_FILE:]

    def add(self, entry: Entry) -> None:
        """Record ``entry`` before its file takes its name (workers call ``record`` instead)."""
        record(self.folder, entry)
        self._take([entry.file, entry.sha256, str(entry.pages), str(entry.bytes), entry.input_sha256])

    def vouches(self, file: str, sha256: str, made_from: str = "") -> Entry | None:
        """The entry that says ``file`` with these bytes was made here from ``made_from``, or None."""
        wanted = bytes.fromhex(sha256) + bytes.fromhex(made_from or "0" * 64)
        for packed in _split(self._entries.get(file, b"")):
            if packed[:64] == wanted:
                return _unpack(file, packed)
        return None

    def knows(self, file: str) -> bool:
        """True when the journal has any entry for ``file``."""
        return file in self._entries

    def made_here(self, file: str) -> bool:
        """True when ``file`` in the folder has the bytes of a file the journal lists."""
        found = file_sha256(self.folder / file)
        if found is None or file not in self._entries:
            return False
        sha = bytes.fromhex(found[0])
        return any(packed[:32] == sha for packed in _split(self._entries[file]))

    def compact(self, *, latest_only: tuple[str, ...] = ()) -> None:
        """Rewrite the journal as it is on disk (workers append to it too) without the entries of
        files that are gone, and with only the latest entry of ``latest_only`` (files just written
        under their name), in one atomic write."""
        self._entries = Journal.read(self.folder)._entries
        lines = [_HEADER]
        for file, packed in self._entries.items():
            if file in latest_only:
                packed = packed[-_ENTRY:]
                self._entries[file] = packed
            if os.path.lexists(self.folder / file):
                lines.extend(_unpack(file, one).line() for one in _split(packed))
        write_atomic(self.path, b"".join(lines), force=True)

    def __len__(self) -> int:
        return len(self._entries)


def record(folder: Path, *entries: Entry) -> None:
    """Append ``entries`` to the journal of ``folder`` in one write (safe from parallel workers)."""
    append(folder / JOURNAL, b"".join(entry.line() for entry in entries))


def _split(packed: bytes) -> Iterator[bytes]:
    return (packed[i:i + _ENTRY] for i in range(0, len(packed), _ENTRY))


def _unpack(file: str, packed: bytes) -> Entry:
    made_from = packed[32:64].hex()
    return Entry(file, packed[:32].hex(), int.from_bytes(packed[64:68], "big"), int.from_bytes(packed[68:76], "big"),
                 "" if made_from == "0" * 64 else made_from)
