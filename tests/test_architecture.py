"""The import structure the README describes, checked: layers only look down, and no cycles.

Every import counts, wherever it stands: at the top, inside a function, or under
`if TYPE_CHECKING:`. A cycle hidden in a function is still a cycle a reader must untangle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "content", "storage")

# The wiring: may use everything below it.
WIRING = {
    "bot.app",
    "bot.lifecycle",
    "bot.routing",
    "bot.runner",
    "bot.processing",
    "bot.health",
    "bot.demo",
    "bot.backups",
    "bot.posters",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Our modules that `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from bot.ui import callbacks` imports the module bot.ui.callbacks.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    if module in WIRING or module == "bot":
        return "wiring"
    for prefix in ("bot.features", "bot.services", "bot.ui", "bot.infra", "bot.fake_telegram", "content", "storage"):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    raise AssertionError(f"{module} belongs to no layer: add it to the README's map and to this test")


# What each layer may import besides itself (features: only their own package, see below).
ALLOWED = {
    "wiring": {"bot.features", "bot.services", "bot.ui", "bot.infra", "bot.fake_telegram", "content", "storage"},
    "bot.features": {"bot.services", "bot.ui", "bot.infra", "content", "storage"},
    "bot.services": {"bot.infra", "content", "storage"},
    "bot.ui": {"bot.infra", "content", "storage"},
    "bot.infra": {"content", "storage"},
    "bot.fake_telegram": {"content"},
    "content": set(),
    "storage": set(),
}


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_look_down(module: str) -> None:
    mine = _layer(module)
    for target in GRAPH[module]:
        theirs = _layer(target)
        if theirs == mine:
            continue
        assert theirs in ALLOWED[mine], f"{module} ({mine}) imports {target} ({theirs})"


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["bot", "features"] else None


def test_a_feature_never_imports_another_feature() -> None:
    for module, targets in GRAPH.items():
        feature = _feature_of(module)
        for target in targets:
            other = _feature_of(target)
            if feature is not None and other is not None:
                assert other == feature, f"{module} imports {target}: shared behaviour belongs in bot/ui"


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components: any component of more than one module is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_the_readme_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        str(path.relative_to(ROOT))
        for path in MODULES.values()
        if path.name != "__init__.py" and str(path.relative_to(ROOT)) not in readme
    ]
    assert not missing, f"README 'How it is built' does not list: {missing}"
