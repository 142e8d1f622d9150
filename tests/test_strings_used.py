"""Every string in content/<lang>/strings.yaml is one the code can show: a dead string still
goes to translators and to the clinician's review sheet, and its wording drifts unseen."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# A key named in code: a literal "a.b_c", or a prefix of keys built at run time (f"commands.{c}",
# f"admin.stats_{key}", ROLE_PREFIX = "governance.roles.").
LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
BUILT = re.compile(r"""f["']([a-z_]+\.[a-z0-9_.]*)\{""")
PREFIX = re.compile(r"""["']([a-z_]+\.(?:[a-z0-9_]+\.)*)["']""")


def _keys(tree: object, path: str = "") -> list[str]:
    if isinstance(tree, dict):
        return [k for name, sub in tree.items() for k in _keys(sub, f"{path}.{name}" if path else str(name))]
    return [path]


def _named_in_code() -> tuple[set[str], tuple[str, ...]]:
    literals: set[str] = set()
    prefixes: set[str] = set()
    # content/validate.py names prefixes to check them ("btn." are plain text), not to show them.
    code = [p for p in ROOT.glob("content/*.py") if p.name != "validate.py"]
    for path in [*ROOT.glob("bot/**/*.py"), *code, ROOT / "main.py"]:
        text = path.read_text(encoding="utf-8")
        literals.update(LITERAL.findall(text))
        prefixes.update(BUILT.findall(text))
        prefixes.update(PREFIX.findall(text))
    return literals, tuple(sorted(prefixes))


def test_every_string_is_named_by_the_code() -> None:
    literals, prefixes = _named_in_code()
    keys = _keys(yaml.safe_load((ROOT / "content/en/strings.yaml").read_text(encoding="utf-8")))
    dead = [k for k in keys if k not in literals and not k.startswith(prefixes)]
    assert not dead, f"strings no code shows (remove them from every language): {dead}"


def test_the_scan_sees_a_dead_string() -> None:
    literals, prefixes = _named_in_code()
    assert "start.greeting" in literals
    assert not "start.nobody_shows_this".startswith(prefixes) and "start.nobody_shows_this" not in literals
