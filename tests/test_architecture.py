"""The layout shows the architecture: small modules, no import cycle, one module per concept,
and nothing in the wheel that only the tests use."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "ipbes_kg"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The project modules ``name`` imports, at any level (functions included)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative imports are not used, but resolve them anyway
                base = ".".join([*name.split(".")[: -node.level], node.module])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_the_size_limit(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]}: {lines} lines; split it by concern"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_why_it_exists(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    if name.endswith("__main__"):
        return
    assert ast.get_docstring(tree), f"{MODULES[name]}: add a module docstring that says why"


def _strip_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ re-exporting its modules is not a cycle with them."""
    return {name: {m for m in deps if not name.startswith(m + ".")} for name, deps in graph.items()}


def test_no_import_cycle() -> None:
    graph = _strip_packages(GRAPH)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_every_module_is_reachable_from_the_api_or_the_cli() -> None:
    """No test-only code in the wheel: each module is used by the library or a command."""
    roots = ["ipbes_kg", "ipbes_kg.cli", "ipbes_kg.__main__"]
    roots += [n for n in MODULES if n.startswith("ipbes_kg.cli.")]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(GRAPH[name])
        parent = name.rpartition(".")[0]
        if parent in MODULES:
            todo.append(parent)
    # the CLI loads its commands by name (a dict of module paths)
    text = MODULES["ipbes_kg.cli"].read_text(encoding="utf-8")
    for name in MODULES:
        if f'"{name}"' in text:
            seen.add(name)
            todo.append(name)
    while todo:
        name = todo.pop()
        parent = name.rpartition(".")[0]  # importing a module imports its package
        for dep in (GRAPH[name] | ({parent} if parent in MODULES else set())) - seen:
            seen.add(dep)
            todo.append(dep)
    assert sorted(set(MODULES) - seen) == []


FORBIDDEN = {
    "http.client": "use ipbes_kg.http (httpx)",
    "urllib.request": "use ipbes_kg.http (httpx)",
    "requests": "use ipbes_kg.http (httpx)",
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_one_http_layer(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for imported in names:
            assert imported not in FORBIDDEN, f"{name} imports {imported}: {FORBIDDEN[imported]}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_rdf_is_read_only_by_the_reader(name: str) -> None:
    """One strict reader: no other module parses RDF (rdflib's parse, pyoxigraph's parse/load)."""
    if name == "ipbes_kg.rdf.reader":
        return
    source = MODULES[name].read_text(encoding="utf-8")
    for call in (".parse(", "ox.parse(", ".bulk_load(", "pyoxigraph.parse("):
        hits = [
            line.strip()
            for line in source.splitlines()
            if call in line and "parse_query" not in line and "parse_params" not in line
        ]
        assert not hits, f"{name} reads RDF itself: {hits}; use ipbes_kg.rdf.reader"
