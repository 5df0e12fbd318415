"""The package knows nothing of the sample suite, and its layers import one way.

Read from the source (the import statements), so that a lazy import inside a function
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.suite.behave_run import ROOT

PACKAGE = ROOT / "handoff"
SAMPLE_SUITE = ("shop", "support", "steps", "environment", "tests", "bench", "tools")
# Lower layers must not import higher ones: the command line > steps > behave adapter (hooks, the
# parallel runner) > the rest (run, config, http, database, email, report, ...).
LAYERS = {"__main__": 3, "cli": 3, "steps": 2, "adapter": 1, "parallel": 1}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path


def test_the_package_imports_nothing_of_the_sample_suite_or_the_shop():
    offending = [
        f"{name}:{line} imports {module}"
        for name, path in _modules()
        for line, module in _imports(path)
        if module.split(".")[0] in SAMPLE_SUITE
    ]
    assert offending == []


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if parts[0] == "handoff" and len(parts) > 1 else 0


def test_imports_go_one_way_steps_then_adapter_then_support_code():
    offending = []
    for name, path in _modules():
        own = _layer(name.removesuffix(".py").replace("/", "."))
        for line, module in _imports(path):
            if module.startswith("handoff.") and _layer(module) > own:
                offending.append(f"{name}:{line} imports {module}")
    assert offending == []


def test_the_boundary_check_sees_a_forbidden_import(tmp_path):
    """The checks above read real import statements (a check that cannot fail proves nothing)."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from support.shop import workflows\n    import shop.orders\n")
    assert [module for _, module in _imports(probe)] == ["support.shop", "shop.orders"]
    assert _layer("handoff.steps.http_steps") > _layer("handoff.adapter.hooks") > _layer("handoff.http.client")
