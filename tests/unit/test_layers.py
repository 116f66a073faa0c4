"""The layers show in the imports: inventory <- facts, inventory <- drift, report <- drift records
only; facts and drift never import each other; no module imports itself back through others;
no area or policy is looked up by a string."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "drverify"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """drverify modules a file imports (``from pkg import submodule`` counts as the submodule),
    TYPE_CHECKING imports included: a cycle there is still a cycle for a reader."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("drverify"):
            submodules = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES]
            found.update(submodules if len(submodules) == len(node.names) else [node.module, *submodules])
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("drverify"))
    return {name for name in found if name in MODULES}


GRAPH = {name: imports(path) - {name} for name, path in MODULES.items()}


def in_layer(name: str, layer: str) -> bool:
    return name == f"drverify.{layer}" or name.startswith(f"drverify.{layer}.")


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("facts", ("drift", "report", "areas", "session", "plugin")),
    ("drift", ("facts", "report", "areas", "session", "plugin")),
    ("inventory", ("facts", "drift", "report", "areas", "session", "plugin")),
])
def test_a_layer_imports_nothing_above_or_beside_it(layer, forbidden):
    wrong = {name: sorted(d for d in deps if any(in_layer(d, f) for f in forbidden))
             for name, deps in GRAPH.items() if in_layer(name, layer)}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_the_report_renders_drift_records_only():
    allowed = ("drverify.report", "drverify.drift.records", "drverify.drift.units", "drverify.inventory")
    wrong = {name: sorted(d for d in deps if not d.startswith(allowed))
             for name, deps in GRAPH.items() if in_layer(name, "report")}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_no_import_cycles():
    """Tarjan's strongly connected components: any with two modules or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = stack[stack.index(node):]
            del stack[stack.index(node):]
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert cycles == []


LOOKUP_BY_STRING = re.compile(r"\b(?:getattr|hasattr)\(\s*(?:pair|area|ctx|policies|[a-z_]*policy|"
                              r"self\.pair|[a-z_]*spec)\b")


def test_no_area_or_policy_is_looked_up_by_a_string():
    found = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
             for path in PACKAGE.rglob("*.py")
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if LOOKUP_BY_STRING.search(line)]
    assert found == []


def test_a_module_is_imported_by_its_name_in_the_one_resolver_only():
    """drverify.deferred.resolve imports what the area registry names; nothing else imports a
    module from a string (an IDE, a type checker and a reader follow every other import)."""
    found = sorted(str(path.relative_to(PACKAGE.parent)) for path in PACKAGE.rglob("*.py")
                   if re.search(r"\bimport_module\(|__import__\(", path.read_text()))
    assert found == ["drverify/deferred.py"]
