"""The package's shape: the layers are its folders, and no module imports itself back.

`lint-imports` (CI, configured in pyproject.toml) checks the order of the layers; these
tests check what it cannot say in one line: which folders there are, and that the module
graph (imports inside functions counted, as grimp sees them) has no cycle at all.
"""

from __future__ import annotations

from pathlib import Path

import grimp

import budget

LAYERS = {"cli", "testing", "render", "reports", "uncertainty", "engine", "load", "kinds", "core"}


def test_the_folders_of_the_package_are_the_layers():
    root = Path(budget.__file__).parent
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.name for p in root.glob("*.py")}
    assert packages == LAYERS
    # The package's entry points only: the public API, `python -m budget`, and the public
    # name of the strategies (PRODUCT.md: `budget.strategies`).
    assert modules == {"__init__.py", "__main__.py", "strategies.py"}


def cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append(
                    (child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules)))
                )
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_module_of_the_package_imports_itself_back():
    graph = grimp.build_graph("budget")
    modules = set(graph.modules)
    assert len(modules) > 100
    assert cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "b", "c", "d"):
        graph.add_module(name)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="c")
    graph.add_import(importer="c", imported="a")
    graph.add_import(importer="c", imported="d")
    assert cycles(graph, set(graph.modules)) == [["a", "b", "c"]]
