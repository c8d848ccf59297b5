"""Shared fixtures: the bundled library, a request factory and PDF readers."""

from __future__ import annotations

import atexit
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import settings

from handouts.load import locations as resources
from handouts.model import HandoutRequest, Patient
from handouts.render.pdf import assemble as assemble_module
from handouts.render.pdf import build as build_module
from handouts.run import batch as batch_module
from handouts.run import print_file as printfile_module
from handouts.run.library import Library, open_library

# The user data folder (where `handouts clinic init` writes) is an empty one of the tests' own, so a
# clinic set up on this machine never changes what the tests see; batch workers inherit it.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="handouts-tests-")
# The fast path's disk cache too: the tests never read or fill the user's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="handouts-tests-cache-")
# One day for every test, whatever the calendar says: the handouts' dates (START is five days after it)
# are checked against it (a start date long past is warned about), and their footers print it.
os.environ["HANDOUTS_TODAY"] = "2026-12-02"


def _remove_own_folders(owner: int, *folders: str) -> None:
    """Remove this test process's data and cache folders as it exits (each run left two, some 7 MB each).
    Only in the process that made them: a child forked from it that exits normally runs this too."""
    if os.getpid() == owner:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_own_folders, os.getpid(), os.environ["XDG_DATA_HOME"], os.environ["XDG_CACHE_HOME"])

# No time limit per example: on a busy shared machine one slow example is not a failure.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

START = date(2026, 12, 7)  # a Monday
UNICODE_NAME = "Zoë Łukasz Nguyễn Ñandú"


@pytest.fixture(scope="session")
def library() -> Library:
    return open_library()


@pytest.fixture
def request_for() -> Callable[..., HandoutRequest]:
    """Build a request with sensible defaults; keyword arguments override them."""

    def build(**changes: Any) -> HandoutRequest:
        values: dict[str, Any] = {
            "patient": Patient("p-001", UNICODE_NAME), "diagnosis": "nonspecific", "phase": "maintenance",
            "start_date": START, "clinician": "Ana Ruiz",
        }
        values.update(changes)
        return HandoutRequest(**values)

    return build


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled dataset, for tests that break one file."""
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(resources.templates_dir(), target)
    return target


def _syntax_problems(pdf: bytes | Path) -> list[str]:
    """What qpdf finds wrong with a PDF (an empty list for a sound one)."""
    try:
        with pikepdf.open(BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
            return [str(p) for p in document.check_pdf_syntax()]
    except pikepdf.PasswordError:
        return []  # encrypted: its own test opens it with the password
    except pikepdf.PdfError as exc:
        return [str(exc)]


@pytest.fixture(autouse=True)
def every_pdf_is_well_formed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """qpdf's syntax check (through pikepdf) on every PDF a test makes, in memory or on disk."""
    made: list[bytes] = []
    real = assemble_module.assemble

    def recording(*args: Any, **kwargs: Any) -> tuple[bytes, int]:
        pdf, pages = real(*args, **kwargs)
        made.append(pdf)
        return pdf, pages

    combined: list[Path] = []
    real_combined = printfile_module.combined_file

    def recording_combined(target: Path, **kwargs: Any) -> Any:
        combined.append(target)
        return real_combined(target, **kwargs)

    real_build = build_module._build

    def recording_build(*args: Any, **kwargs: Any) -> Any:  # the fast path's file is final here
        built = real_build(*args, **kwargs)
        made.append(built[0])
        return built

    monkeypatch.setattr(build_module, "_build", recording_build)
    monkeypatch.setattr(assemble_module, "assemble", recording)
    monkeypatch.setattr(build_module, "assemble", recording)
    monkeypatch.setattr(batch_module, "combined_file", recording_combined)
    yield
    # Handouts made in other processes (batch workers) are the ones their manifest lists.
    folder = request.node.funcargs.get("tmp_path")
    listed = [manifest.parent / row["file"] for manifest in (folder.rglob("manifest.csv") if folder else [])
              for row in csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8-sig")))
              if row["status"] in ("written", "skipped") and (manifest.parent / row["file"]).exists()]
    for pdf in [*made, *listed, *(p for p in combined if p.exists())]:
        if isinstance(pdf, bytes) and b"/Encrypt" in pdf:
            continue  # checked with its password where a test makes one
        problems = _syntax_problems(pdf)
        assert not problems, (pdf if isinstance(pdf, Path) else "a handout", problems)
