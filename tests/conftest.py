"""Shared fixtures: the bundled library, a request factory and PDF readers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from handouts import resources
from handouts.library import Library, open_library
from handouts.models import HandoutRequest, Patient

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
