"""The layer rule, checked by reading the imports: ground <- programmes <- companies <- matching <- site.

`portal` is the ground every app may use; `web` is the site above the apps. A module may import from its own
layer or a lower one. The one upward call, "this changed, rescore it", goes through matching.dispatch, which
companies and programmes import at module top. No two modules may import each other, directly or in a ring.
docs/architecture.md draws the layers.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "portal": 0,
    "programmes": 1,
    "companies": 2,
    "matching": 3,
    "partners": 4,
    "sources": 4,
    "notices": 4,
    "workspace": 4,
    "alerts": 4,
    "web": 5,
}
HOOK = "matching.dispatch"
# Known debts: upward reads that still have to move (docs/architecture.md). All paid; do not add to it.
DEBTS: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, Path]:
    modules = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _parse(source: str) -> ast.Module:
    """ast.parse, tried again on CPython 3.11's spurious "AST constructor recursion depth mismatch" (gh-106905): the
    AST builder's depth counter is shared by threads, and 3.11's traceback module parses source lines to place its
    carets, so a thread left running by another test that formats a traceback can trip this parse. The counter is
    reset on every call, so a second try sees a clean one."""
    for attempt in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules PATH imports, anywhere in the file (imports inside functions count too)."""
    found = set()
    for node in ast.walk(_parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
    return {name for name in found if name.split(".")[0] in LAYERS}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) & set(modules) for name, path in modules.items()}


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(importer, imported) pairs where a lower layer imports a higher one, the hook aside."""
    return {
        (name, target)
        for name, targets in graph.items()
        for target in targets
        if _layer(target) > _layer(name) and target != HOOK
    }


def import_rings(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or in a ring (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    rings = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            ring = []
            while True:
                member = stack.pop()
                ring.append(member)
                if member == node:
                    break
            if len(ring) > 1:
                rings.append(sorted(ring))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return rings


def test_no_lower_layer_imports_a_higher_one_but_through_the_rescore_hook():
    assert upward_imports(_graph()) - set(DEBTS) == set()


def test_the_known_debts_are_still_real():
    assert set(DEBTS) <= upward_imports(_graph())  # a paid debt leaves the list


def test_no_two_modules_import_each_other():
    assert import_rings(_graph()) == []


def test_the_check_catches_an_upward_import_and_a_ring():
    graph = {"programmes.a": {"web.b"}, "web.b": {"programmes.a"}, "companies.c": {HOOK}, HOOK: set()}
    assert upward_imports(graph) == {("programmes.a", "web.b")}
    assert import_rings(graph) == [["programmes.a", "web.b"]]


def test_no_template_tag_module_imports_a_views_module():
    """Tags load with every template (and web.calendar imports them): a views module pulled in with them loads a
    page's whole import tree and invites rings. What a tag shares with a view lives in a plain module."""
    graph = _graph()
    assert {
        (name, target)
        for name, targets in graph.items()
        if ".templatetags." in name
        for target in targets
        if target.split(".")[-1] == "views" or ".views." in target
    } == set()
