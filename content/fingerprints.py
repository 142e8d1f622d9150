"""Every reviewable item of the loaded content, with a stable id and a fingerprint.

A clinician signs the content item by item (content/signoff.py), so the items must be found
without a list kept by hand: this module walks the loaded `Content` itself, and whatever another
part of the content declares later (a new node of the checklist's graph, a new diary text, a new
page) is picked up the day it is loaded.

How the walk cuts the tree into items:
- a dataclass with an `id` (a checklist question, a disposition, a page, a graph node) is one
  item, `<path>.<id>`, e.g. `checklist.questions.spine`, `pages.cramps`;
- a dataclass whose `text` maps each language to plain fields (the "Worse" check-in question)
  is one item, at its path;
- anything else that varies by language is cut two keys below the language:
  `strings.reminders.same`, `diary.text.fields.when`, `diary.text.messages.saved`;
- what does not vary by language (the checklist's rules, thresholds, levels outside an item) is
  the structure, one item per field: `checklist.rules`.
A mapping whose keys are exactly the content's languages is where a path forks by language; the
language is dropped from the item's id, so an item holds every language's words side by side.

An item's fingerprint is a hash of everything in it (every language's words, its level, its
references, its place in the structure); the content version is a hash of all of them, so it
changes when, and only when, something a reviewer signed changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from content.model import Content

# Fields of Content that are not reviewed text: derived from the rest (rendered pages, the search
# index), bookkeeping, or operations (reminder delays and time zones are not clinical content).
_SKIP = frozenset(
    {
        "languages",
        "default_language",
        "locales",
        "source",
        "rendered",
        "search_index",
        "fingerprint",
        "memo",
        "signoff",
        "reminders",
    }
)
# A fingerprint is the first 16 hex digits of a SHA-256: 64 bits, so two different wordings
# collide with odds of 1 in 10^19, and a sign-off file stays readable.
_DIGITS = 16


@dataclass(frozen=True, slots=True)
class Cited:
    """A public page an item follows, whatever the content calls it (a Reference, a graph's Source)."""

    title: str
    url: str
    passage: str = ""  # the words on that page the item follows, when the content quotes them


@dataclass(frozen=True, slots=True)
class Item:
    """One reviewable thing, every language's words side by side."""

    id: str  # stable: the path in the content, ids instead of list positions
    kind: str  # what the review sheet groups it under: "question", "page", "string", ...
    texts: Mapping[str, Mapping[str, str]]  # language -> field ("reason", "body") -> words
    attributes: Mapping[str, str]  # what does not vary by language: level, safety, children…
    references: tuple[Cited, ...]
    fingerprint: str

    def words(self) -> dict[str, dict[str, str]]:
        return {lang: dict(fields) for lang, fields in self.texts.items()}


@dataclass(frozen=True, slots=True)
class Inventory:
    """The items of one content, in the order the content declares them."""

    items: Mapping[str, Item]
    version: str

    def fingerprints(self) -> dict[str, str]:
        return {item_id: item.fingerprint for item_id, item in self.items.items()}


def inventory(content: Content) -> Inventory:
    """Every reviewable item of `content` and the content version (built once per content)."""
    return content.derived(("governance", "inventory"), lambda: _build(content))


def content_version(fingerprints: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for item_id in sorted(fingerprints):
        digest.update(f"{item_id}\0{fingerprints[item_id]}\n".encode())
    return digest.hexdigest()[:12]


class _Collector:
    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = frozenset(languages)
        self.order: list[str] = []
        self.texts: dict[str, dict[str, dict[str, str]]] = {}
        self.attributes: dict[str, dict[str, str]] = {}
        self.references: dict[str, list[Cited]] = {}

    def _item(self, item_id: str) -> None:
        if item_id not in self.texts:
            self.order.append(item_id)
            self.texts[item_id] = {}
            self.attributes[item_id] = {}
            self.references[item_id] = []

    def text(self, item_id: str, lang: str, field: str, value: str) -> None:
        self._item(item_id)
        self.texts[item_id].setdefault(lang, {})[field] = value

    def attribute(self, item_id: str, field: str, value: str) -> None:
        self._item(item_id)
        self.attributes[item_id][field] = value

    def reference(self, item_id: str, ref: Cited) -> None:
        self._item(item_id)
        if ref not in self.references[item_id]:
            self.references[item_id].append(ref)

    def is_languages(self, value: object) -> bool:
        return isinstance(value, _MAPPINGS) and len(value) == len(self.languages) and set(value) == self.languages


def _build(content: Content) -> Inventory:
    c = _Collector(content.languages)
    for f in dataclasses.fields(content):
        if f.name in _SKIP:
            continue
        _walk(c, getattr(content, f.name), (f.name,), None, (), None, 0)
    items: dict[str, Item] = {}
    for item_id in c.order:
        texts = {lang: MappingProxyType(c.texts[item_id].get(lang, {})) for lang in content.languages}
        attributes = c.attributes[item_id]
        references = tuple(c.references[item_id])
        # One canonical line per value (unit and record separators cannot occur in the YAML's text).
        lines = [f"t\x1f{lang}\x1f{k}\x1f{v}" for lang, fields in texts.items() for k, v in sorted(fields.items())]
        lines += [f"a\x1f{k}\x1f{v}" for k, v in sorted(attributes.items())]
        lines += [f"r\x1f{r.title}\x1f{r.url}\x1f{r.passage}" for r in references]
        fingerprint = hashlib.sha256("\x1e".join(lines).encode()).hexdigest()
        items[item_id] = Item(
            id=item_id,
            kind=_kind(item_id),
            texts=MappingProxyType(texts),
            attributes=MappingProxyType(dict(attributes)),
            references=references,
            fingerprint=fingerprint[:_DIGITS],
        )
    version = content_version({i: item.fingerprint for i, item in items.items()})
    return Inventory(items=MappingProxyType(items), version=version)


def _kind(item_id: str) -> str:
    """The review sheet's group: the item's collection ("checklist.questions", "strings.reminders")."""
    return item_id.rsplit(".", 1)[0] if item_id.count(".") >= 1 else item_id


# Exact types, not the Mapping / Sequence ABCs: an ABC isinstance check is ~10x slower, and
# the loaded content holds only these. With them and one hash input per item, a walk of the shipped
# content (292 items) went from 88 to 48 ms on this busy 2-core machine (load 7); 8-9 ms at load 2.
_MAPPINGS = (dict, MappingProxyType)
_SEQUENCES = (tuple, list)


def _is_record(value: object) -> bool:
    return hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type)


def _flat_text(value: object) -> bool:
    """A language's words for one thing: a dataclass of strings only (QuestionText, OutcomeText)."""
    return _is_record(value) and all(
        isinstance(getattr(value, f.name), str | None)
        for f in dataclasses.fields(value)  # type: ignore[arg-type]
    )


def _cited(value: object) -> Cited | None:
    """A record naming a public page (title and https url): a reference, by its shape."""
    if not _is_record(value):
        return None
    title, url = getattr(value, "title", None), getattr(value, "url", None)
    if not (isinstance(title, str) and isinstance(url, str) and url.startswith("http")):
        return None
    passage = getattr(value, "passage", "")
    return Cited(title, url, passage if isinstance(passage, str) else "")


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _walk(
    c: _Collector,
    value: Any,
    path: tuple[str, ...],
    item: str | None,
    field: tuple[str, ...],
    lang: str | None,
    depth: int,
) -> None:
    """Visit `value`. Before its item is decided, `path` is where it is (the item's id to be) and
    `depth` how many keys it lies below the language fork; inside an item, `field` is where."""
    if isinstance(value, set | frozenset):  # e.g. words that make a typed sign harmless: order-free
        value = tuple(sorted(value, key=str))
    cited = _cited(value)
    if cited is not None:
        c.reference(item or ".".join(path), cited)
        return
    if _is_record(value):
        made_here = False
        if item is None:
            ident = getattr(value, "id", None)
            text = getattr(value, "text", None)
            if isinstance(ident, str):
                item, made_here = ".".join((*path, ident)), True
            elif isinstance(text, _MAPPINGS) and c.is_languages(text) and all(_flat_text(t) for t in text.values()):
                item = ".".join(path)
        for f in dataclasses.fields(value):
            sub = getattr(value, f.name)
            if made_here and f.name == "id":
                continue
            if item is None:
                _walk(c, sub, (*path, f.name), None, (), lang, depth + (lang is not None))
            else:
                _walk(c, sub, path, item, (*field, f.name), lang, depth)
        return
    if isinstance(value, _MAPPINGS):
        if lang is None and c.is_languages(value):
            # a field named "text" that forks by language says nothing the language does not
            named = field[:-1] if field[-1:] == ("text",) else field
            for code in sorted(value):
                _walk(c, value[code], path, item, named, code, 0)
            return
        for key, sub in value.items():
            k = str(key)
            if item is not None:
                _walk(c, sub, path, item, (*field, k), lang, depth)
            elif getattr(sub, "id", None) == k:  # a mapping by id: the record names itself
                _walk(c, sub, path, None, (), lang, depth)
            elif lang is not None and depth + 1 >= 2:  # two keys below the language: one item
                _walk(c, sub, (*path, k), ".".join((*path, k)), (), lang, 0)
            else:
                _walk(c, sub, (*path, k), None, (), lang, depth + (lang is not None))
        return
    if isinstance(value, _SEQUENCES) and not all(_scalar(v) for v in value):
        for i, sub in enumerate(value):
            ident = getattr(sub, "id", None)
            if _cited(sub) is not None:
                _walk(c, sub, path, item, field, lang, depth)
            elif item is not None:
                _walk(c, sub, path, item, (*field, ident if isinstance(ident, str) else str(i)), lang, depth)
            elif isinstance(ident, str):
                _walk(c, sub, path, None, (), lang, depth)
            else:
                _walk(c, sub, (*path, str(i)), None, (), lang, depth + (lang is not None))
        return
    # a leaf: words, or a value of the structure
    if value is None or (isinstance(value, _SEQUENCES) and not value):
        return
    if item is None:
        if lang is not None:
            item, field = ".".join(path), ()
        else:
            item, field = ".".join(path[:2]), path[2:]
    name = ".".join(field)
    if lang is not None and isinstance(value, str):
        c.text(item, lang, name, str(value))  # str(): a StrEnum's value, not the member
    elif lang is not None and isinstance(value, _SEQUENCES):
        c.text(item, lang, name, " · ".join(str(v) for v in value))
    elif value is not None:
        c.attribute(item, name, str(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


# Where the checklist's items live in the inventory (the graph of issue 20 loads under `triage`).
_CHECKLIST_ROOTS = ("checklist.", "triage.")


def trace(content: Content, ids: Iterable[str]) -> dict[str, str]:
    """The fingerprints of the items behind a checklist outcome, from the ids the checklist knows
    (a question or sign, a context, the outcome or level): every checklist item whose own id is
    one of them. Erring wide on purpose: a notice about any of them reaches this user."""
    inv = inventory(content)
    wanted = set(ids)
    out: dict[str, str] = {}
    for item_id, item in inv.items.items():
        if item_id in wanted or (item_id.startswith(_CHECKLIST_ROOTS) and item_id.rsplit(".", 1)[-1] in wanted):
            out[item_id] = item.fingerprint
    return out
