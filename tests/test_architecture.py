"""Imports flow one way: cli -> study -> {sizing, economics, templates} (docs/architecture.md).

Read from the source with :mod:`ast`, so a forbidden import fails here even when it sits in
a function body that no other test reaches.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("cli", "study", "sizing", "economics", "templates")

#: layer -> layers it may import (besides itself)
ALLOWED = {
    "cli": {"study", "sizing", "economics", "templates"},
    "study": {"sizing", "economics", "templates"},
    "sizing": {"economics"},          # only sizing/search -> economics.cashflow, checked below
    "economics": {"sizing"},          # only sizing.calendar, checked below
    "templates": {"sizing"},          # only sizing.calendar, checked below
}
#: (importing folder, imported module) pairs the narrow exceptions above stand for
NARROW = {
    ("sizing", "economics"): ("sizing/search/", "economics.cashflow"),
    ("templates", "sizing"): ("templates/", "sizing.calendar"),
    ("economics", "sizing"): ("economics/", "sizing.calendar"),
}
FORBIDDEN_LIBRARIES = {"sizing": {"typer", "rich", "jinja2"}, "economics": {"typer", "rich", "jinja2"}}


def _imports(path: Path):
    """Every (absolute module name, line) a module imports, relative imports resolved."""
    package = ["p2p_size", *path.relative_to(ROOT).with_suffix("").parts[:-1]]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            yield module, node.lineno


def _sources():
    return sorted(p for layer in LAYERS for p in (ROOT / layer).rglob("*.py"))


def test_the_layers_are_there():
    assert len(_sources()) > 40


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path):
    layer = path.relative_to(ROOT).parts[0]
    where = str(path.relative_to(ROOT))
    for module, line in _imports(path):
        parts = module.split(".")
        if parts[0] in FORBIDDEN_LIBRARIES.get(layer, ()):
            pytest.fail(f"{where}:{line} imports {module}: {layer} is pure computation")
        if parts[0] != "p2p_size" or len(parts) < 2 or parts[1] == layer:
            continue
        target = parts[1]
        assert target in ALLOWED[layer], f"{where}:{line} imports {module}: {layer} may not import {target}"
        if (layer, target) in NARROW:
            folder, allowed = NARROW[layer, target]
            assert where.startswith(folder) and ".".join(parts[1:]).startswith(allowed), (
                f"{where}:{line} imports {module}: only {folder} may import {allowed}")
