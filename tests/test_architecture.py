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
    "bot.notices",
    "bot.posters",
    "bot.chores",
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


# Every layer below the wiring, top to bottom.
LAYERS = (
    "bot.features",
    "bot.core",
    "bot.services",
    "bot.ui",
    "bot.infra",
    "bot.fake_telegram",
    "content",
    "storage",
)


def _layer(module: str) -> str:
    if module in WIRING or module == "bot":
        return "wiring"
    for prefix in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    raise AssertionError(f"{module} belongs to no layer: add it to the README's map and to this test")


# What each layer may import besides itself (features: only their own package, see below).
ALLOWED = {
    "wiring": set(LAYERS),
    "bot.features": {"bot.core", "bot.services", "bot.ui", "bot.infra", "content", "storage"},
    # The feature contract (Feature, Route, TextClaim, Chore...): what features declare with.
    "bot.core": {"bot.services", "bot.ui", "bot.infra", "content", "storage"},
    # What features share: content search, diary facts, start-up texts (never a feature).
    "bot.services": {"bot.ui", "bot.infra", "content", "storage"},
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
                assert other == feature, f"{module} imports {target}: shared behaviour belongs in bot/services"


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


# Module-level containers that can change: per-application state hidden in a module outlives
# the Application it belongs to and is shared by two in one process (tests, a restart). State
# belongs to Services (its `state(...)`, `queue(...)`); constants are tuples, frozensets or
# MappingProxyType.
_MUTABLE_CALLS = {
    "dict",
    "list",
    "set",
    "defaultdict",
    "OrderedDict",
    "Counter",
    "deque",
    "WeakKeyDictionary",
    "WeakValueDictionary",
    "WeakSet",
}
_MUTABLE_NODES = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)


def _mutable_module_names(source: str, where: str) -> Iterator[str]:
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        call = value.func if isinstance(value, ast.Call) else None
        called = call.attr if isinstance(call, ast.Attribute) else call.id if isinstance(call, ast.Name) else None
        if isinstance(value, _MUTABLE_NODES) or called in _MUTABLE_CALLS:
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    continue  # read by `import *` and linters, never written
                yield f"{where}:{node.lineno} {ast.unparse(target)}"


def test_no_module_level_mutable_state_in_bot() -> None:
    # The fake Bot API is the tests' Telegram (one per test), not the bot's state.
    found = [
        hit
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if "fake_telegram" not in path.parts
        for hit in _mutable_module_names(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, f"module-level mutable containers (use Services state or a constant type): {found}"


def test_the_scan_sees_module_level_state() -> None:
    """The rule above can fail: it finds a WeakKeyDictionary, a dict and a list comprehension."""
    sample = "import weakref\nA = weakref.WeakKeyDictionary()\nB: dict[int, int] = {}\nC = [i for i in ()]\nD = (1,)\n"
    assert [hit.split()[-1] for hit in _mutable_module_names(sample, "sample")] == ["A", "B", "C"]


# Every feature is a package of the same shape, its declaration in feature.py.
def test_every_feature_package_declares_itself_in_feature_py() -> None:
    features = ROOT / "bot" / "features"
    loose = [p.name for p in features.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"a feature is a package bot/features/<name>/, not a module: {loose}"
    for package in sorted(p for p in features.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert (package / "feature.py").exists(), f"{package.relative_to(ROOT)} has no feature.py"
        text = (package / "feature.py").read_text(encoding="utf-8")
        assert "FEATURE = Feature(" in text, f"{package.relative_to(ROOT)}/feature.py declares no FEATURE"
        # The declaration only: handlers, screens and state have their own modules, so every
        # feature reads the same way (feature.py, callbacks.py, screens.py, handlers.py, state.py).
        defined = [
            n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        assert not defined, (
            f"{package.relative_to(ROOT)}/feature.py defines {defined}: move them to handlers/screens/state"
        )


def test_handlers_take_a_turn_and_never_resolve_the_language_themselves() -> None:
    """The wiring builds one Turn per update (bot/core/turn.py): a handler starts from it, so the
    `lang = await ctx.services.user_language(update)` preamble (once 66 copies) cannot come back."""
    import inspect

    from bot.app import FEATURES

    handlers = [
        handler
        for feature in FEATURES
        for handler in (
            *(on.route for on in feature.callbacks),
            *(command.handler for command in feature.commands if command.handler is not None),
            *(message.handler for message in feature.messages),
            *(claim.handle for claim in feature.claims),
        )
    ]
    assert len(handlers) > 40
    for handler in handlers:
        first = next(iter(inspect.signature(handler).parameters.values()))
        assert first.annotation == "Turn", f"{handler.__qualname__} does not take a Turn first"
    for module, path in MODULES.items():
        if module.startswith("bot.features."):
            assert "user_language(" not in path.read_text(encoding="utf-8"), f"{module} resolves the language itself"


# Where a callback class lives. A feature's own operations are in its package
# (bot/features/<name>/callbacks.py); bot/ui/callbacks.py keeps the base and the *entries*: the
# operations another feature's button, or bot/ui itself (a page's keyboard, a page's "@action"),
# must build, since a feature never imports another feature.
SHARED_CALLBACKS = "bot.ui.callbacks"


def _callback_classes(tree: ast.Module) -> list[ast.ClassDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id == "Callback" for b in node.bases)
    ]


def _names_used(tree: ast.AST, skip: ast.AST | None = None) -> set[str]:
    """Every name a module mentions (loads, attributes, imports), outside the node `skip`."""
    skipped = {id(inner) for inner in ast.walk(skip)} if skip is not None else set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            used.update(alias.name for alias in node.names)
    return used


def misplaced_callbacks(sources: dict[str, str]) -> list[str]:
    """What breaks the rule above, for modules given as name -> source."""
    trees = {module: ast.parse(source) for module, source in sources.items()}
    problems = []
    for module, tree in trees.items():
        feature = _feature_of(module)
        for cls in _callback_classes(tree):
            if module != SHARED_CALLBACKS and not (feature and module == f"bot.features.{feature}.callbacks"):
                problems.append(f"{cls.name} is defined in {module}: a feature's callbacks.py or {SHARED_CALLBACKS}")
    shared = trees.get(SHARED_CALLBACKS)
    for cls in _callback_classes(shared) if shared else []:
        features, by_ui = set(), False
        for module, tree in trees.items():
            if cls.name not in _names_used(tree, cls if module == SHARED_CALLBACKS else None):
                continue
            if _feature_of(module):
                features.add(_feature_of(module))
            elif _layer(module) == "bot.ui":
                by_ui = True
        if len(features) < 2 and not by_ui:
            owner = f"bot/features/{next(iter(features))}/callbacks.py" if features else "the feature that routes it"
            problems.append(f"{cls.name} is built by {sorted(features) or 'no feature'} alone: it belongs in {owner}")
    return problems


def test_a_callback_class_lives_with_its_only_builder() -> None:
    sources = {module: path.read_text(encoding="utf-8") for module, path in MODULES.items() if module.startswith("bot")}
    problems = misplaced_callbacks(sources)
    assert not problems, problems


def test_the_callback_rule_can_fail() -> None:
    """A shared class only one feature builds, and a feature's class outside its callbacks.py."""
    base = "from dataclasses import dataclass\nclass Callback: ...\n"
    sources = {
        "bot.ui.callbacks": base + "class Lonely(Callback): ...\nclass Entry(Callback): ...\nACTIONS = (Entry(),)\n",
        "bot.ui.keyboards": "",
        "bot.features.a.handlers": "from bot.ui.callbacks import Callback, Lonely\nclass Stray(Callback): ...\n",
        "bot.features.a.callbacks": "from bot.ui.callbacks import Callback\nclass Mine(Callback): ...\n",
    }
    assert misplaced_callbacks(sources) == [
        "Stray is defined in bot.features.a.handlers: a feature's callbacks.py or bot.ui.callbacks",
        "Lonely is built by ['a'] alone: it belongs in bot/features/a/callbacks.py",
    ]
