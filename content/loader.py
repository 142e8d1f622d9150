"""YAML -> Content, with every problem reported as `file:line: problem`.

Loading is strict on purpose: a content editor's typo must stop start-up with a precise
message rather than show a user a half-translated or broken page.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from content.builder import Builder
from content.diary import load_diary
from content.fingerprints import inventory
from content.freetext import load_freetext
from content.limits import MAX_BUTTON, MAX_MESSAGE
from content.model import (
    ACTIONS,
    MAIN_PAGE,
    PAGE_ID,
    Content,
    Delay,
    Page,
    PageText,
    Reference,
    ReminderConfig,
)
from content.problems import ContentError, Problem
from content.signoff import load_signoff
from content.start_parameters import page_id_problem
from content.telegram_html import parse_html, utf16_len
from content.triage_loader import load_triage
from content.validate import validate
from content.yaml_reader import Marked

# A check added by a layer above content/: it sees the built model and reports problems.
ContentCheck = Callable[[Content], list[Problem]]

DEFAULT_DIR = Path(__file__).resolve().parent


def load_content(root: Path | str | None = None, *, checks: Iterable[ContentCheck] = ()) -> Content:
    """Load and validate the content tree; raise ContentError listing every problem.

    `checks` are further checks by the layers above (the bot's callback codec checks that every
    button's data fits Telegram's 64 bytes), run on the built model like validate's own.
    """
    b = Builder(Path(root) if root else DEFAULT_DIR)
    meta = b.load("meta.yaml")
    languages = b.str_list(meta, "languages", required=True) or ("en",)
    default = b.text(meta, "default_language") or languages[0]
    if default not in languages:
        b.fail(meta, "default_language", f"default language {default!r} is not in languages")
    source = b.text(meta, "source") or ""
    if "reviewed" in meta:  # a hand-typed date survived any edit: the sign-off records reviews now
        b.fail(meta, "reviewed", "`reviewed` is gone: run `python main.py content-signoff` (README: Clinical safety)")
    locales = _load_locales(b, meta, languages)

    strings = _load_strings(b, languages)
    pages = _load_pages(b, languages)
    reminders = _load_reminders(b, languages, pages.keys())
    diary = load_diary(b, languages)
    triage = load_triage(b, languages)
    freetext = load_freetext(b, languages, pages, triage) if triage is not None else None
    if b.problems or triage is None or freetext is None:
        raise ContentError(b.problems)

    rendered: dict[tuple[str, str], str] = {}
    for page in pages.values():
        for lang, t in page.text.items():
            parts = [f"<b>{html.escape(t.title, quote=False)}</b>", t.body]
            if t.safety:
                parts.append(t.safety)
            rendered[(page.id, lang)] = "\n\n".join(parts)

    try:
        signoff = load_signoff(b.root)
    except ContentError as exc:
        raise ContentError([*b.problems, *exc.problems]) from None

    content = Content(
        languages=languages,
        default_language=default,
        source=source,
        pages=MappingProxyType(pages),
        reminders=reminders,
        diary=diary,
        freetext=freetext,
        triage=triage,
        strings=MappingProxyType({k: MappingProxyType(v) for k, v in strings.items()}),
        locales=MappingProxyType(locales),
        rendered=MappingProxyType(rendered),
        signoff=signoff,
    )
    # The version a reviewer signs: it changes when, and only when, a reviewable item does.
    content = dataclasses.replace(content, fingerprint=inventory(content).version, memo={})
    problems = validate(content, b)
    for check in checks:
        problems += check(content)
    if problems:
        raise ContentError(problems)
    return content


def _load_locales(b: Builder, meta: Marked, languages: tuple[str, ...]) -> dict[str, str]:
    """meta.yaml `locales`: the CLDR locale of each language, for dates in prose."""
    raw = b.mapping(meta, "locales")
    out: dict[str, str] = {}
    for lang in languages:
        value = raw.get(lang)
        if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2}|_\d{3})?", value):
            b.fail(raw, lang if lang in raw else None, f"locales: {lang!r} needs a CLDR locale such as en_GB")
            continue
        out[lang] = value
    for lang in raw:
        if lang not in languages:
            b.fail(raw, lang, f"locales: {lang!r} is not in languages")
    return out


def _load_strings(b: Builder, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang in languages:
        flat: dict[str, str] = {}
        marks: dict[str, tuple[Marked, Any]] = {}
        _flatten(b, b.load(f"{lang}/strings.yaml"), "", flat, marks)
        out[lang] = flat
        b.string_marks[lang] = marks
    return out


def _flatten(b: Builder, m: Marked, prefix: str, flat: dict[str, str], marks: dict[str, tuple[Marked, Any]]) -> None:
    for key, value in m.items():
        name = f"{prefix}{key}"
        if isinstance(value, Marked):
            _flatten(b, value, name + ".", flat, marks)
        elif isinstance(value, str) and value.strip():
            flat[name] = value.strip("\n")  # keep deliberate spaces, such as " and "
            marks[name] = (m, key)
        else:
            b.fail(m, key, f"string {name!r} must be non-empty text")


def _load_pages(b: Builder, languages: tuple[str, ...]) -> dict[str, Page]:
    tree = b.mapping(b.load("pages.yaml"), "pages")
    structure: dict[str, tuple[Marked, tuple[str, ...], tuple[str, ...], int]] = {}
    references: dict[str, tuple[Reference, ...]] = {}
    safety_pages: set[str] = set()  # `safety: true`: the whole page is reviewed non-source wording
    for page_id, spec in tree.items():
        if not isinstance(page_id, str) or not PAGE_ID.match(page_id):
            b.fail(tree, page_id, f"page id {page_id!r} must be lowercase letters, digits, _ (max 24)")
            continue
        # Every page can be linked to (t.me/<bot>?start=<page id>[-<lang>]): posters depend on it.
        link_problem = page_id_problem(page_id, languages)
        if link_problem is not None:
            b.fail(tree, page_id, link_problem)
            continue
        if spec is None:
            spec = Marked()
            spec.file, spec.line, spec.lines = tree.file, tree.line_of(page_id), {}
        if not isinstance(spec, Marked):
            b.fail(tree, page_id, f"page {page_id!r} must be a mapping")
            continue
        b.unknown_keys(spec, {"children", "links", "columns", "reference", "safety"}, f"page {page_id!r}")
        references[page_id] = b.references(spec, "reference", f"page {page_id!r}", passage=True)
        if "safety" in spec and not isinstance(spec.get("safety"), bool):
            b.fail(spec, "safety", f"page {page_id!r}: safety must be true or false")
        elif spec.get("safety") is True:
            safety_pages.add(page_id)
        columns = spec.get("columns", 1)
        if not isinstance(columns, int) or isinstance(columns, bool) or not 1 <= columns <= 4:
            b.fail(spec, "columns", "columns must be a whole number from 1 to 4")
            columns = 1
        structure[page_id] = (
            spec,
            b.str_list(spec, "children"),
            b.str_list(spec, "links"),
            columns,
        )

    if MAIN_PAGE not in structure and tree:
        b.fail(tree, None, f"there is no {MAIN_PAGE!r} page")

    parents: dict[str, str] = {}
    for page_id, (spec, children, links, _) in structure.items():
        for key, targets in (("children", children), ("links", links)):
            for target in targets:
                if target.startswith("@"):
                    if target[1:] not in ACTIONS:
                        b.fail(
                            spec,
                            key,
                            f"page {page_id!r}: unknown action {target!r} "
                            f"(known: {', '.join('@' + a for a in sorted(ACTIONS))})",
                        )
                elif target not in structure:
                    b.fail(spec, key, f"page {page_id!r} refers to unknown page {target!r}")
                elif key == "children":
                    if target in parents:
                        b.fail(
                            spec,
                            key,
                            f"page {target!r} has two parents: "
                            f"{parents[target]!r} and {page_id!r} (use links for cross-references)",
                        )
                    elif target == MAIN_PAGE:
                        b.fail(spec, key, f"{MAIN_PAGE!r} cannot be a child page")
                    else:
                        parents[target] = page_id

    reachable: set[str] = set()
    frontier = [MAIN_PAGE] if MAIN_PAGE in structure else []
    while frontier:
        current = frontier.pop()
        if current in reachable:
            continue
        reachable.add(current)
        _, children, links, _ = structure[current]
        frontier.extend(t for t in children + links if t in structure)
    for page_id in structure:
        if page_id not in reachable:
            b.fail(tree, page_id, f"page {page_id!r} cannot be reached from the main menu")

    texts: dict[str, dict[str, PageText]] = {p: {} for p in structure}
    for lang in languages:
        rel = f"{lang}/pages.yaml"
        problems_before = len(b.problems)
        raw = b.load(rel)
        unreadable = len(b.problems) > problems_before and not raw  # one error, not one per page
        marks = b.page_marks[lang] = {}
        for page_id, spec in raw.items():
            if page_id not in structure:
                b.fail(raw, page_id, f"page {page_id!r} is not in pages.yaml")
                continue
            if not isinstance(spec, Marked):
                b.fail(raw, page_id, f"page {page_id!r} must be a mapping")
                continue
            b.unknown_keys(spec, {"title", "button", "body", "safety", "keywords"}, f"page {page_id!r}")
            title = b.text(spec, "title") or page_id
            button = b.text(spec, "button", required=False) or title
            body = b.text(spec, "body") or ""
            safety = b.text(spec, "safety", required=False) or None
            keywords = b.str_list(spec, "keywords")
            if len(button) > MAX_BUTTON:
                b.fail(
                    spec,
                    "button" if "button" in spec else "title",
                    f"button label of {page_id!r} is {len(button)} characters (max {MAX_BUTTON})",
                )
            b.html(spec, "body", body, f"page {page_id!r} body")
            if safety:
                b.html(spec, "safety", safety, f"page {page_id!r} safety text")
            texts[page_id][lang] = PageText(title, button, body, safety, keywords)
            marks[page_id] = (raw, spec)
        for page_id in structure:
            if lang not in texts[page_id] and not unreadable:
                b.fail(raw, None, f"page {page_id!r} has no {lang!r} translation")

    # The same page must carry the same kind of text in every language: a safety block
    # present in one language and missing in another is a translation gap.
    for page_id, by_lang in texts.items():
        with_safety = {lang for lang, t in by_lang.items() if t.safety}
        if with_safety and len(with_safety) != len(by_lang):
            for lang in sorted(set(by_lang) - with_safety):
                raw = b.page_marks[lang][page_id][0]
                b.fail(raw, page_id, f"page {page_id!r} has no safety text; other languages do")
        # Safety wording names the public page it follows, in pages.yaml (one place, every language).
        if page_id in structure:
            spec = structure[page_id][0]
            if (with_safety or page_id in safety_pages) and not references.get(page_id) and "reference" not in spec:
                b.fail(
                    tree,
                    page_id,
                    f"page {page_id!r} has safety text (not from the source text) but no reference: add "
                    "`reference: [{title: ..., url: https://..., passage: ...}]` naming the public page it follows",
                )
            elif references.get(page_id) and not with_safety and page_id not in safety_pages:
                b.fail(spec, "reference", f"page {page_id!r} has a reference but no safety text")

    return {
        page_id: Page(
            id=page_id,
            parent=parents.get(page_id),
            children=children,
            links=links,
            columns=columns,
            text=MappingProxyType(texts[page_id]),
            references=references.get(page_id, ()),
            safety=page_id in safety_pages,
        )
        for page_id, (_spec, children, links, columns) in structure.items()
    }


def _load_reminders(
    b: Builder, languages: tuple[str, ...] = (), page_ids: Collection[str] | None = None
) -> ReminderConfig:
    raw = b.load("reminders.yaml")
    b.unknown_keys(
        raw,
        {
            "followup_delays",
            "snoozes",
            "daily_kinds",
            "daily_times",
            "timezones",
            "max_active",
            "late_after_hours",
            "guess_zones",
            "stretch_pages",
        },
        "reminders.yaml",
    )

    def delays(key: str) -> tuple[Delay, ...]:
        value = raw.get(key)
        out: list[Delay] = []
        if not isinstance(value, list) or not value:
            b.fail(raw, key, f"{key!r} must be a non-empty list")
            return ()
        for item in value:
            if (
                not isinstance(item, Marked)
                or not isinstance(item.get("id"), str)
                or not re.fullmatch(r"[a-z0-9]{1,8}", item["id"])
                or not isinstance(item.get("hours"), int | float)
                or item["hours"] <= 0
            ):
                b.fail(raw, key, f"each of {key!r} needs an id (a-z0-9, max 8) and positive hours")
                continue
            out.append(Delay(item["id"], float(item["hours"])))
        return tuple(out)

    times = b.str_list(raw, "daily_times", required=True)
    for t in times:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", t):
            b.fail(raw, "daily_times", f"daily time {t!r} must be HH:MM")
    zones = b.str_list(raw, "timezones", required=True)
    for z in zones:
        if not is_zone(z):
            b.fail(raw, "timezones", f"unknown time zone {z!r}")
    max_active = raw.get("max_active", 10)
    if not isinstance(max_active, int) or max_active < 1:
        b.fail(raw, "max_active", "max_active must be a positive whole number")
        max_active = 10
    late = raw.get("late_after_hours", 6)
    if not isinstance(late, int | float) or late <= 0:
        b.fail(raw, "late_after_hours", "late_after_hours must be positive")
        late = 6
    guesses = b.mapping(raw, "guess_zones", required=False)
    guess_zones: dict[str, str] = {}
    for lang, zone in guesses.items():
        if not isinstance(zone, str) or not is_zone(zone):
            b.fail(guesses, lang, f"guess_zones: unknown time zone {zone!r}")
        else:
            guess_zones[str(lang)] = zone
    stretch_pages = b.str_list(raw, "stretch_pages")
    for page_id in stretch_pages:
        if page_ids is not None and page_id not in page_ids:
            b.fail(raw, "stretch_pages", f"stretch page {page_id!r} is not in pages.yaml")
    return ReminderConfig(
        followup_delays=delays("followup_delays"),
        snoozes=delays("snoozes"),
        daily_kinds=b.str_list(raw, "daily_kinds", required=True),
        daily_times=times,
        timezones=zones,
        max_active=max_active,
        late_after_hours=float(late),
        guess_zones=MappingProxyType(guess_zones),
        stretch_pages=stretch_pages,
        place_names=MappingProxyType({lang: _load_place_names(b, lang) for lang in languages}),
    )


def is_zone(name: str) -> bool:
    """Whether the tz database knows ``name``: opening the one zone, not listing them all.

    A directory of the database ("Europe", "America/Argentina") raises IsADirectoryError, not
    ZoneInfoNotFoundError: it is no zone, whether it comes from the YAML or a forged button."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _load_place_names(b: Builder, lang: str) -> Mapping[int, str]:
    """<lang>/places.yaml, optional: a GeoNames id -> the city's name in that language."""
    if not (b.root / lang / "places.yaml").exists():
        return MappingProxyType({})
    raw = b.load(f"{lang}/places.yaml")
    names = b.mapping(raw, "places")
    out: dict[int, str] = {}
    for key, name in names.items():
        if not isinstance(key, int) or not isinstance(name, str) or not name.strip():
            b.fail(names, key, "places: each entry is a GeoNames id and a name")
        else:
            out[key] = name.strip()
    return MappingProxyType(out)


def summary(content: Content) -> Mapping[str, object]:
    longest = max(content.rendered.items(), key=lambda kv: utf16_len(parse_html(kv[1])))
    return {
        "pages": len(content.pages),
        "languages": ", ".join(content.languages),
        "checklist signs": len(content.triage.items),
        "dispositions": len(content.triage.levels),
        "strings": len(content.strings[content.default_language]),
        "longest message": f"{longest[0][0]} ({longest[0][1]}), "
        f"{utf16_len(parse_html(longest[1]))} of {MAX_MESSAGE} characters",
    }
