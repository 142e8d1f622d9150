"""The commands of clinical governance: `content-signoff`, and what `check-content` adds.

Kept out of main.py (which only parses arguments) and out of the loader (the bot loads content at
start-up and on /reload; the hazard log and the test names are for the people who change it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from content.fingerprints import inventory
from content.hazards import HazardLog, load_hazards
from content.loader import DEFAULT_DIR
from content.model import Content
from content.problems import ContentError
from content.signoff import (
    FILE,
    Changes,
    changes,
    describe,
    read_decisions,
    refusals,
    roles,
    signoff_document,
    valid_registration,
)

PROJECT = DEFAULT_DIR.parent  # the checkout: tests/ lives next to content/


@dataclass(frozen=True, slots=True)
class Review:
    """What check-content reports about governance."""

    changes: Changes
    hazards: HazardLog


def review_state(content: Content, root: Path | str | None, *, project: Path | None = PROJECT) -> Review:
    """The changes since the last sign-off and the checked hazard log; ContentError if the log is wrong."""
    tests = project if project is not None and (project / "tests").is_dir() else None
    log = load_hazards(Path(root) if root else DEFAULT_DIR, inventory(content), project=tests)
    return Review(changes(inventory(content), content.signoff), log)


def review_lines(content: Content, review: Review) -> list[str]:
    """check-content's lines about the sign-off, the changes since and the hazard log."""
    signoff = content.signoff
    inv = inventory(content)
    if signoff is None:
        lines = [f"sign-off: none yet; {len(inv.items)} items await a first review (content version {inv.version})"]
    else:
        sig = signoff.signature
        head = f"sign-off: version {sig.version} by {sig.reviewer} ({sig.role}, {sig.registration}) on {sig.date}"
        if review.changes:
            c = review.changes
            lines = [
                f"{head}; since then {len(c.changed)} changed, {len(c.added)} new, {len(c.removed)} removed "
                f"(content version {inv.version}):"
            ]
            lines += [f"    {line}" for line in describe(c)]
        else:
            lines = [f"{head}; nothing changed since"]
    lines.append(f"hazard log: {len(review.hazards.hazards)} hazards, each traced to content items and tests")
    return lines


def sign(
    content: Content,
    root: Path | str | None,
    *,
    reviewer: str,
    role: str,
    registration: str,
    scope: str | None,
    decisions: Path | None,
    day: date,
) -> tuple[bool, list[str]]:
    """Write content/signoff.yaml for this content, or say why not (nothing is written then)."""
    inv = inventory(content)
    known = roles(content.strings[content.default_language])
    problems: list[str] = []
    if role not in known:
        problems.append(f"unknown role {role!r}: one of {', '.join(known)} (strings `governance.roles.*`)")
    if not reviewer.strip():
        problems.append("the reviewer's name is empty")
    if not valid_registration(registration):
        problems.append(f"registration {registration!r} does not look like a registration number (e.g. GMC 1234567)")
    comments: dict[str, str] = {}
    if decisions is not None:
        try:
            read = read_decisions(decisions)
        except (OSError, ValueError) as exc:
            return False, [str(exc)]
        problems += refusals(inv, read)
        comments = {i: d.comment for i, d in read.items.items() if d.comment and i in inv.items}
    content_root = Path(root) if root else DEFAULT_DIR
    try:
        log = load_hazards(content_root, inv, project=PROJECT if (PROJECT / "tests").is_dir() else None)
    except ContentError as exc:
        problems += [f"hazard log: {p}" for p in exc.problems]
        log = None
    if problems:
        return False, ["not signed:", *(f"  {p}" for p in problems)]
    text = signoff_document(
        inv,
        reviewer=reviewer.strip(),
        role=role,
        registration=registration.strip(),
        day=day,
        scope=" ".join((scope or (log.intended_use if log else "")).split()),
        previous=content.signoff,
        comments=comments,
    )
    target = content_root / FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    covered = f"{len(inv.items)} items" + (f", {len(comments)} with comments" if comments else "")
    return True, [f"signed content version {inv.version} ({covered}) in {target}"]


def read_notice(path: Path, content: Content) -> dict[str, str]:
    """A safety notice's message file: YAML `{en: ..., it: ...}`, one Telegram HTML text per
    language the bot speaks. ValueError says what is wrong (nothing is queued then)."""
    from content.limits import MAX_MESSAGE
    from content.telegram_html import TelegramHtmlError, parse_html, utf16_len
    from content.yaml_reader import read_yaml

    try:
        raw = read_yaml(path, str(path))
    except ContentError as exc:
        raise ValueError(str(exc)) from None
    messages: dict[str, str] = {}
    for lang in content.languages:
        text = raw.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path}: the notice needs its text in {lang!r} (every language the bot speaks)")
        try:
            plain = parse_html(text.strip())
        except TelegramHtmlError as exc:
            raise ValueError(f"{path}:{raw.line_of(lang)}: {lang}: bad Telegram HTML: {exc}") from None
        if utf16_len(plain) > MAX_MESSAGE - 500:  # room for the button's line and the safety-netting
            raise ValueError(f"{path}:{raw.line_of(lang)}: {lang}: too long for one message")
        messages[lang] = text.strip()
    extra = sorted(str(k) for k in raw if k not in content.languages)
    if extra:
        raise ValueError(f"{path}: languages the bot does not speak: {', '.join(extra)}")
    return messages


def unknown_items(content: Content, item_ids: Iterable[str]) -> list[str]:
    """Of the ids a notice names, those that are neither an item today nor one signed before
    (a withdrawn line is no longer in the content, but it is in the last sign-off)."""
    inv = inventory(content)
    signed = content.signoff.items if content.signoff else {}
    return [i for i in item_ids if i not in inv.items and i not in signed]


def resolve_items(content: Content, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Item ids as an operator writes them: a full id (today's, or a withdrawn one from the last
    sign-off), or a checklist item's own id when only one item has it. (ids, problems)"""
    known = list(inventory(content).items) + [i for i in (content.signoff.items if content.signoff else {})]
    ids: list[str] = []
    problems: list[str] = []
    for name in names:
        if name in known:
            ids.append(name)
            continue
        matches = sorted({i for i in known if i.rsplit(".", 1)[-1] == name and not i.startswith("strings.")})
        if len(matches) == 1:
            ids.append(matches[0])
        elif matches:
            problems.append(f"{name!r} is ambiguous: {', '.join(matches)}")
        else:
            problems.append(f"no item {name!r} (ids as in the review sheet, or in content/signoff.yaml)")
    return sorted(set(ids)), problems
