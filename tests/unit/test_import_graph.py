"""The package's modules never import each other in a circle, read from the source with `ast`.

Every import counts, at module level or inside a function: a lazy import hides a cycle from the
interpreter, not from the design. An import of `polars_redis.a.b` also depends on the subpackage
`polars_redis.a` (its `__init__` runs first); the root package is a dependency only where it is
named (`import polars_redis as pr`), since every module lies below it and it only re-exports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "polars_redis"
SOURCE = Path(__file__).resolve().parents[2] / "src" / PACKAGE


def _modules(source: Path) -> dict[str, Path]:
    modules = {}
    for path in sorted(source.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(source).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
    base = node.module or ""
    if node.level:  # relative: resolved against the importing module's package
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    if base.split(".")[0] != PACKAGE:
        return set()
    # `from pkg import name` names a submodule when one exists, else an attribute of pkg.
    return {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}


def import_graph(source: Path = SOURCE) -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in its body)."""
    modules = _modules(source)
    known = set(modules) | {f"{PACKAGE}._core"}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, module, path.name == "__init__.py", known):
                    parts = target.split(".")
                    # the target and each enclosing subpackage (not the root) that runs before it
                    edges |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
                    if target == PACKAGE:
                        edges.add(PACKAGE)
        graph[module] = {t for t in edges if t in modules and t != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None when the graph is acyclic (depth-first, colouring)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_package_imports_form_no_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 20 and sum(len(e) for e in graph.values()) > 50  # the source was found and read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_subpackages_import_each_other_in_one_direction() -> None:
    # engine below cluster below pushdown below readers/writers below cli: a subpackage (or a
    # top-level module) taken as one node, the graph stays acyclic.
    def node(module: str) -> str:
        return ".".join(module.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        graph.setdefault(node(module), set()).update(node(t) for t in targets if node(t) != node(module))
    assert {"polars_redis.engine", "polars_redis.readers", "polars_redis.writers"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "subpackages import each other in a circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_names_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from polars_redis.a import f\n")
    (package / "a.py").write_text("from polars_redis.sub.b import g\ndef f():\n    return g()\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def g():\n    from ..c import h\n    return h()\n")
    (package / "c.py").write_text("import polars_redis as pr\ndef h():\n    from polars_redis import a\n")
    graph = import_graph(package)
    assert graph["polars_redis.a"] == {"polars_redis.sub", "polars_redis.sub.b"}
    assert graph["polars_redis.sub.b"] == {"polars_redis.c"}
    assert graph["polars_redis.c"] == {"polars_redis", "polars_redis.a"}
    assert find_cycle(graph) == ["polars_redis", "polars_redis.a", "polars_redis.sub.b", "polars_redis.c",
                                 "polars_redis"]
    (package / "c.py").write_text("def h():\n    return 1\n")
    assert find_cycle(import_graph(package)) is None
