from __future__ import annotations

import os
from pathlib import Path

import pytest

from handouts.errors import FolderFullError, OutputError, OutputExistsError
from handouts.run import output
from handouts.run.output import write_atomic, write_together


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
    def refuse(folder: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output, "_locked_temp", refuse)
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
def test_files_written_together_are_all_synced_before_any_is_named_and_the_folder_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [(tmp_path / "a.plan.json", b"{}"), (tmp_path / "a.layout.json", b"[]"), (tmp_path / "a.pdf", b"%PDF-1")]
    seen = _recording_fsyncs(monkeypatch, [path for path, _ in files])
    write_together(files)
    assert seen == [("file", []), ("file", []), ("file", []), ("folder", ["a.plan.json", "a.layout.json", "a.pdf"])]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.layout.json", "a.pdf", "a.plan.json"]
    assert [path.read_bytes() for path, _ in files] == [data for _, data in files]


def test_files_written_together_replace_the_last_only_with_force(tmp_path: Path) -> None:
    (tmp_path / "a.plan.json").write_bytes(b"old plan")
    (tmp_path / "a.pdf").write_bytes(b"old pdf")
    files = [(tmp_path / "a.plan.json", b"new plan"), (tmp_path / "a.pdf", b"new pdf")]
    with pytest.raises(OutputExistsError):
        write_together(files)
    assert (tmp_path / "a.pdf").read_bytes() == b"old pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "a.plan.json"]  # no temporary file left
    write_together(files, force_last=True)
    assert [(tmp_path / n).read_bytes() for n in ("a.plan.json", "a.pdf")] == [b"new plan", b"new pdf"]


def test_a_failed_sync_of_files_written_together_names_none_of_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync
    calls: list[int] = []

    def second_fails(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(descriptor)

    monkeypatch.setattr(os, "fsync", second_fails)
    with pytest.raises(FolderFullError, match="No space left on device"):
        write_together([(tmp_path / "a.plan.json", b"{}"), (tmp_path / "a.pdf", b"%PDF-1")])
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_name_already_taken_is_never_written_through(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary file is created exclusively: a name already there (a file, or a link an attacker
    planted) is passed over for another, and what is there is left as it was."""
    names = iter(["taken", "free", "taken", "taken", "free2"])
    monkeypatch.setattr(output.secrets, "token_hex", lambda size: next(names))
    planted = tmp_path / f"{output.TEMP_PREFIX}taken{output.TEMP_SUFFIX}"
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep")
    planted.symlink_to(outside)
    write_together([(tmp_path / "a.json", b"{}"), (tmp_path / "a.pdf", b"%PDF")])
    assert outside.read_bytes() == b"keep" and planted.is_symlink()
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF" and (tmp_path / "a.json").read_bytes() == b"{}"
