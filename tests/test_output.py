from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from handouts.errors import OutputError, OutputExistsError
from handouts.run.output import write_atomic


def test_writes_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"%PDF-1")
    assert target.read_bytes() == b"%PDF-1"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0600


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_read_only_folder_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod cannot make a folder read-only: refuse like the OS would.
    def refuse(**kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write in this folder: Permission denied") as caught:
        write_atomic(tmp_path / "a.pdf", b"x")
    assert caught.value.exit_code == 3
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_leaves_nothing_under_the_final_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_folder_in_place_of_a_file_parent(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / "blocker" / "a.pdf", b"x")
    assert caught.value.exit_code == 3


def test_the_suites_syntax_check_catches_a_broken_pdf() -> None:
    from conftest import _syntax_problems

    assert _syntax_problems(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n")


def _recording_fsyncs(monkeypatch: pytest.MonkeyPatch, watched: list[Path]) -> list[tuple[str, list[str]]]:
    """Every real fsync, as ('folder' or 'file', the watched names that exist at that moment)."""
    real = os.fsync
    seen: list[tuple[str, list[str]]] = []

    def recording(descriptor: int) -> None:
        kind = "folder" if os.path.isdir(f"/proc/self/fd/{descriptor}") else "file"
        seen.append((kind, [p.name for p in watched if p.exists()]))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", recording)
    return seen


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to tell a folder's descriptor")
def test_a_file_is_synced_before_its_name_and_the_folder_after_the_last_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, last = tmp_path / "a.plan.json", tmp_path / "a.pdf"
    seen = _recording_fsyncs(monkeypatch, [first, last])
    write_atomic(first, b"{}", sync_folder=False)
    write_atomic(last, b"%PDF-1")
    assert seen == [("file", []), ("file", ["a.plan.json"]), ("folder", ["a.plan.json", "a.pdf"])]
