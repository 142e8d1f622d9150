"""The loader's workbench: typed accessors over marked YAML that collect problems instead of stopping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from content.model import Reference
from content.problems import ContentError, Problem
from content.telegram_html import TelegramHtmlError, parse_html
from content.yaml_reader import Marked, read_yaml


class Builder:
    """Collects problems instead of stopping at the first, so one run shows them all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        # Where each string and page text was defined, so later checks can point at a line.
        self.string_marks: dict[str, dict[str, tuple[Marked, Any]]] = {}
        self.page_marks: dict[str, dict[str, tuple[Marked, Marked]]] = {}  # lang -> page -> (file, page)

    def fail(self, where: Marked, key: Any, message: str) -> None:
        self.problems.append(Problem(where.file, where.line_of(key), message))

    def load(self, rel: str) -> Marked:
        try:
            return read_yaml(self.root / rel, rel)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            empty = Marked()
            empty.file, empty.line, empty.lines = rel, 0, {}
            return empty

    # --- typed accessors -------------------------------------------------------------------

    def text(self, m: Marked, key: str, *, required: bool = True) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.fail(m, key, f"missing {key!r}")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(m, key, f"{key!r} must be text")
            return None
        text = str(value).strip()
        if required and not text:
            self.fail(m, key, f"{key!r} is empty")
        return text

    def mapping(self, m: Marked, key: str, *, required: bool = True) -> Marked:
        value = m.get(key)
        if isinstance(value, Marked):
            return value
        if value is not None or required:
            self.fail(m, key, f"{key!r} must be a mapping")
        empty = Marked()
        empty.file, empty.line, empty.lines = m.file, m.line_of(key), {}
        return empty

    def str_list(self, m: Marked, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = m.get(key)
        if value is None:
            if required:
                self.fail(m, key, f"missing {key!r}")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(m, key, f"{key!r} must be a list of names")
            return ()
        return tuple(value)

    def unknown_keys(self, m: Marked, allowed: set[str], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.fail(m, key, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")

    def references(self, m: Marked, key: str, what: str, *, passage: bool = False) -> tuple[Reference, ...]:
        """`reference:` as one {title, url[, passage]} mapping or a list of them (`passage`: required)."""
        value = m.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out: list[Reference] = []
        for item in items:
            if not isinstance(item, Marked):
                self.fail(m, key, f"{what}: each reference needs a title and a url")
                continue
            self.unknown_keys(item, {"title", "url", "passage"}, f"a reference of {what}")
            title, url, quoted = item.get("title"), item.get("url"), item.get("passage")
            if not isinstance(title, str) or not title.strip():
                self.fail(item, "title", f"{what}: a reference needs the title of the public page it follows")
            elif not isinstance(url, str) or not re.fullmatch(r"https://\S+", url):
                self.fail(item, "url", f"{what}: a reference needs the https:// address of the page it follows")
            elif quoted is not None and (not isinstance(quoted, str) or not quoted.strip()):
                self.fail(item, "passage", f"{what}: a reference's passage must be the text it follows")
            elif passage and quoted is None:
                self.fail(
                    item,
                    "title",
                    f"{what}: a reference needs the passage of {title.strip()!r} its wording follows (`passage: ...`)",
                )
            else:
                out.append(Reference(title.strip(), url, quoted.strip() if isinstance(quoted, str) else None))
        return tuple(out)

    def safety_references(
        self, m: Marked, what: str, *, safety: bool, at: tuple[Marked, Any] | None = None
    ) -> tuple[Reference, ...]:
        """A safety item must name the public page it follows (`at`: where to point when it does not)."""
        refs = self.references(m, "reference", what)
        if safety and not refs and "reference" not in m:
            where, key = at or (m, "safety" if "safety" in m else None)
            self.fail(
                where,
                key,
                f"{what} is safety wording (not from the source text) but has no reference: "
                "add `reference: [{title: ..., url: https://...}]` naming the public page it follows",
            )
        return refs

    def html(self, where: Marked, key: Any, text: str, what: str) -> str:
        try:
            return parse_html(text)
        except TelegramHtmlError as exc:
            self.fail(where, key, f"{what}: bad Telegram HTML: {exc}")
            return text


def string_mark(b: Builder, lang: str, key: str) -> tuple[Marked, Any] | None:
    """Where a string was defined, so cross-language checks can point at its line."""
    return b.string_marks.get(lang, {}).get(key)


def page_mark(b: Builder, lang: str, page_id: str) -> tuple[Marked, Any] | None:
    marks = b.page_marks.get(lang, {}).get(page_id)
    return (marks[1], "body") if marks else None
