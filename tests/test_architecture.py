"""The package shows the pipeline: each stage imports only the stages before it, and none loads more than it needs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "handouts"

#: The stages in pipeline order; a module may import its own stage and those above it in this list.
STAGES = [
    ("handouts.errors", "handouts.model", "handouts.fast_path", "handouts.clock"),
    ("handouts.load", "handouts.wording"),
    ("handouts.rules",),
    ("handouts.compose",),
    ("handouts.render",),
    ("handouts.run",),
    ("handouts.report", "handouts.readback"),
    ("handouts.cli", "handouts.web"),
]


def _stage(module: str) -> int:
    for index, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no stage; add it to STAGES")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``path`` imports, at load time or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("handouts"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("handouts"))
    return {name for name in names if name in modules}


GRAPH = {module: _imports(path, _modules()) for module, path in _modules().items()}


def test_no_import_runs_back_up_the_pipeline() -> None:
    backwards = [f"{module} imports {target}" for module, targets in GRAPH.items() if module != "handouts"
                 for target in targets if target != "handouts" and _stage(target) > _stage(module)]
    assert backwards == []


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles = []

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if target in ("handouts", module) or target.startswith(module + "."):
                continue  # a package importing its own parts is how a package exposes them
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                walk(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            walk(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", ["handouts.rules", "handouts.compose.document", "handouts.load.dataset",
                                    "handouts.wording"])
def test_stages_before_the_renderer_load_no_reportlab(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'pypdf'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_command_line_loads_no_reportlab_for_help() -> None:
    code = "import sys; from handouts.cli import main; main(['--help']); print(any(m.startswith('reportlab') for m in sys.modules))"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip().endswith("False")
