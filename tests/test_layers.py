"""The house in layers, read from the source with ast (imports inside functions counted too):
the core and the tools import no interface; the web app never imports the command line, which
only starts it (`digitnet serve`) and writes its page (`digitnet export-html`); no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "digitnet"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The digitnet modules a file imports (``from . import x`` names module x when it is one)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (
                (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            )
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules}
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, modules) for p in files}


def is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_is_read_from_the_source():
    g = graph()
    assert "digitnet.training" in g["digitnet.cli.train"]  # a function-level import counts
    assert "digitnet.network" in g["digitnet.training"]


# interface → the modules besides its own that may import it
ALLOWED = {
    "digitnet.cli": ("digitnet.__main__",),  # `python -m digitnet` is the command line
    "digitnet.web": ("digitnet.cli.models",),
    "digitnet.widgets": (),  # the Jupyter widgets: on the tools, never on web (nor web on them)
}


@pytest.mark.parametrize("interface", list(ALLOWED))
def test_nothing_below_an_interface_imports_it(interface):
    offenders = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if not is_in(module, interface) and module not in ALLOWED[interface]
        for target in targets
        if is_in(target, interface)
    ]
    assert offenders == []


def test_no_import_cycles():
    g = graph()
    # A package's __init__ re-exporting its own modules is the package, not a cycle.
    edges = {m: {t for t in ts if not is_in(m, t)} for m, ts in g.items()}
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []
