"""Dependency floors stay above the releases that fixed known advisories, and what is installed meets them."""

from __future__ import annotations

from importlib.metadata import requires, version

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

#: package -> (first fixed release, the advisory it fixed)
ADVISORIES = {
    "reportlab": ("3.6.13", "CVE-2023-33733: code execution through paragraph markup colours"),
    "pypdf": ("6.1.3", "CVE-2025-62707/62708: crafted files exhaust memory or loop"),
    "jinja2": ("3.1.6", "CVE-2025-27516 and CVE-2024-56326: sandbox escapes"),
    "pyyaml": ("5.4", "CVE-2020-14343: code execution through full_load"),
}


def floors() -> dict[str, str]:
    """The '>=' floors of the installed handouts package's runtime dependencies."""
    found = {}
    for line in requires("handouts") or []:
        requirement = Requirement(line)
        if requirement.marker is None:  # not an extra
            for spec in requirement.specifier:
                if spec.operator == ">=":
                    found[requirement.name.lower()] = spec.version
    return found


@pytest.mark.parametrize("package", sorted(ADVISORIES))
def test_floor_is_above_the_fixed_release(package: str) -> None:
    fixed, advisory = ADVISORIES[package]
    floor = floors().get(package)
    assert floor is not None, f"{package} has no '>=' floor in pyproject.toml"
    assert Version(floor) >= Version(fixed), f"{package} floor {floor} allows {advisory}"


@pytest.mark.parametrize("package", sorted(ADVISORIES))
def test_installed_version_meets_the_floor(package: str) -> None:
    assert Version(version(package)) >= Version(floors()[package])
