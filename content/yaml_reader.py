"""Reading one YAML file strictly: line marks for every key, YAML 1.2 booleans, duplicate keys refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from content.problems import ContentError, Problem

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Marked(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key, for error messages."""

    file: str = ""
    line: int = 0
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class _MarkedLoader(_Loader):  # type: ignore[misc,valid-type]
    """CSafeLoader speed, YAML 1.2 booleans (so `yes:`/`no:` stay strings) and line marks."""

    file_label = ""


_MarkedLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in _Loader.yaml_implicit_resolvers.items()
}
_MarkedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> Marked:
    loader.flatten_mapping(node)
    result = Marked()
    result.file = loader.file_label
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise ContentError([Problem(loader.file_label, line, f"duplicate key {key!r}")])
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(path: Path, label: str) -> Marked:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([Problem(label, None, "file is missing")]) from None
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(label, None, f"not UTF-8 text ({exc.reason})")]) from None
    loader = _MarkedLoader(text)
    loader.file_label = label
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise ContentError([Problem(label, line, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(label, None, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if data is None:
        data = Marked()
        data.file, data.line, data.lines = label, 1, {}
    if not isinstance(data, Marked):
        raise ContentError([Problem(label, 1, "the file must be a mapping of keys to values")])
    return data
