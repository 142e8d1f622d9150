"""The clinical sign-off: who reviewed which version of the content, when, and what it said then.

`python main.py content-signoff` writes content/signoff.yaml, reviewed and committed like code.
It keeps, for every reviewable item (content/fingerprints.py), its fingerprint and the words the
reviewer approved in every language. The words make the file self-sufficient: a fresh clone, a
tarball or the Docker image can show a reviewer "was … now …" for each item changed since, with
no git history (the file is ~2x the text it covers, 190 KB for 282 items, and a diff of it in a
pull request shows exactly the wording a clinician signed).

The bot reads it at load (Content.signoff): /about names the reviewer, role and date, or says the
content changed since; check-content lists the items changed since.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from content.fingerprints import Inventory
from content.problems import ContentError, Problem
from content.signed import Signature, SignedItem, SignOff
from content.yaml_reader import Marked, read_yaml

FILE = "signoff.yaml"
DECISIONS = ("approve", "change", "reject")
ROLE_PREFIX = "governance.roles."


@dataclass(frozen=True, slots=True)
class Changes:
    """What differs between the signed content and this one."""

    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    @property
    def pending(self) -> frozenset[str]:
        """Items of the current content that the last sign-off does not cover."""
        return frozenset(self.changed) | frozenset(self.added)


def changes(inventory: Inventory, signoff: SignOff | None) -> Changes:
    if signoff is None:
        return Changes(changed=(), added=tuple(inventory.items), removed=())
    signed = signoff.items
    return Changes(
        changed=tuple(
            i for i, it in inventory.items.items() if i in signed and signed[i].fingerprint != it.fingerprint
        ),
        added=tuple(i for i in inventory.items if i not in signed),
        removed=tuple(i for i in signed if i not in inventory.items),
    )


# --- reading ----------------------------------------------------------------------------------


def load_signoff(root: Path) -> SignOff | None:
    """content/signoff.yaml, or None when nothing was ever signed. Raises ContentError."""
    path = root / FILE
    if not path.exists():
        return None
    raw = read_yaml(path, FILE)
    problems: list[Problem] = []
    signature = _signature(raw, problems)
    history = []
    for entry in raw.get("history") or []:
        if isinstance(entry, Marked):
            sig = _signature(entry, problems)
            if sig is not None:
                history.append(sig)
    items: dict[str, SignedItem] = {}
    raw_items = raw.get("items")
    if not isinstance(raw_items, Marked):
        problems.append(Problem(FILE, raw.line_of("items"), "'items' must map item ids to what was signed"))
        raw_items = Marked()
    for item_id, spec in raw_items.items():
        if not isinstance(spec, Marked) or not isinstance(spec.get("fingerprint"), str):
            problems.append(Problem(FILE, raw_items.line_of(item_id), f"item {item_id!r} needs a fingerprint"))
            continue
        texts = spec.get("text") or {}
        attributes = spec.get("attributes") or {}
        items[str(item_id)] = SignedItem(
            fingerprint=spec["fingerprint"],
            texts=MappingProxyType(
                {
                    str(lang): MappingProxyType({str(k): str(v) for k, v in (t or {}).items()})
                    for lang, t in texts.items()
                }
            ),
            attributes=MappingProxyType({str(k): str(v) for k, v in attributes.items()}),
            comment=str(spec.get("comment") or ""),
        )
    if problems or signature is None:
        raise ContentError(problems or [Problem(FILE, 1, "the sign-off has no signature")])
    return SignOff(
        signature=signature,
        scope=str(raw.get("scope") or ""),
        items=MappingProxyType(items),
        history=tuple(history),
    )


def _signature(m: Marked, problems: list[Problem]) -> Signature | None:
    values: dict[str, str] = {}
    for key in ("reviewer", "role", "registration", "date", "version"):
        value = m.get(key)
        if isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(FILE, m.line_of(key), f"the sign-off needs {key!r}"))
            return None
        values[key] = value.strip()
    try:
        day = date.fromisoformat(values["date"])
    except ValueError:
        problems.append(Problem(FILE, m.line_of("date"), "date must be YYYY-MM-DD"))
        return None
    return Signature(values["reviewer"], values["role"], values["registration"], day, values["version"])


# --- the reviewer's decisions, exported from the review sheet ---------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str  # approve | change | reject
    comment: str
    fingerprint: str  # of the item as the reviewer saw it


@dataclass(frozen=True, slots=True)
class Decisions:
    version: str
    items: Mapping[str, Decision]


def read_decisions(path: Path) -> Decisions:
    """The file the review sheet's "Export decisions" button writes (JSON; YAML is accepted too)."""
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), dict):
        raise ValueError(f"{path}: not a decisions file (it needs a 'decisions' mapping of item id -> decision)")
    items: dict[str, Decision] = {}
    for item_id, entry in data["decisions"].items():
        if not isinstance(entry, dict) or entry.get("decision") not in DECISIONS:
            raise ValueError(f"{path}: {item_id}: decision must be one of {', '.join(DECISIONS)}")
        items[str(item_id)] = Decision(
            decision=entry["decision"],
            comment=str(entry.get("comment") or ""),
            fingerprint=str(entry.get("fingerprint") or ""),
        )
    return Decisions(version=str(data.get("version") or ""), items=items)


def refusals(inventory: Inventory, decisions: Decisions) -> list[str]:
    """Why this content cannot be signed with these decisions; empty when it can."""
    out: list[str] = []
    for item_id, item in inventory.items.items():
        d = decisions.items.get(item_id)
        if d is None:
            out.append(f"{item_id}: no decision (the sheet was made for another version, or the item was skipped)")
        elif d.fingerprint and d.fingerprint != item.fingerprint:
            out.append(f"{item_id}: changed after it was reviewed (reviewed {d.fingerprint}, now {item.fingerprint})")
        elif d.decision == "reject":
            out.append(f"{item_id}: rejected" + (f": {d.comment}" if d.comment else ""))
        elif d.decision == "change":
            out.append(f"{item_id}: needs a change" + (f": {d.comment}" if d.comment else ""))
    return out


# --- writing ----------------------------------------------------------------------------------


def signoff_document(
    inventory: Inventory,
    *,
    reviewer: str,
    role: str,
    registration: str,
    day: date,
    scope: str,
    previous: SignOff | None,
    comments: Mapping[str, str] = MappingProxyType({}),
) -> str:
    """The YAML text of content/signoff.yaml for this sign-off (earlier ones kept as history)."""
    history = []
    if previous is not None:
        for sig in (previous.signature, *previous.history):
            history.append(_signature_dict(sig))
    doc: dict[str, Any] = {
        **_signature_dict(Signature(reviewer, role, registration, day, inventory.version)),
        "scope": scope,
        "history": history,
        "items": {
            item_id: {
                "fingerprint": item.fingerprint,
                **({"comment": comments[item_id]} if comments.get(item_id) else {}),
                **({"attributes": dict(item.attributes)} if item.attributes else {}),
                "text": {lang: dict(fields) for lang, fields in item.texts.items() if fields},
            }
            for item_id, item in inventory.items.items()
        },
    }
    header = (
        "# The clinical sign-off of this content, written by `python main.py content-signoff`.\n"
        "# Do not edit by hand: review it like code. Each item keeps the words that were approved,\n"
        "# so `check-content` and the review sheet can show what changed since.\n"
    )
    return header + yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _signature_dict(sig: Signature) -> dict[str, str]:
    return {
        "reviewer": sig.reviewer,
        "role": sig.role,
        "registration": sig.registration,
        "date": sig.date.isoformat(),
        "version": sig.version,
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, so the file reads (and diffs) like the content."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def roles(strings: Mapping[str, str]) -> tuple[str, ...]:
    """The role ids a reviewer may sign as: `governance.roles.<id>` in the strings."""
    return tuple(sorted(k[len(ROLE_PREFIX) :] for k in strings if k.startswith(ROLE_PREFIX)))


def valid_registration(value: str) -> bool:
    return bool(re.fullmatch(r"[\w .:/-]{2,40}", value))


def describe(changes: Changes, limit: int = 0) -> Sequence[str]:
    """check-content's lines about what changed since the last sign-off."""
    lines = [f"changed: {i}" for i in changes.changed]
    lines += [f"new: {i}" for i in changes.added]
    lines += [f"removed: {i}" for i in changes.removed]
    return lines[:limit] if limit else lines
