"""checklist.yaml + <lang>/checklist.yaml + findings.yaml -> content.triage.Triage, every problem as file:line.

Refused at load: a sign without a level, a "Not sure" level, a reference or the passage it follows;
a "Not sure" above its "Yes"; a sign on a screen of another level; a finding that is not in the
vignette vocabulary (findings.yaml), or one that no screen asks without saying why (`not_asked`);
a missing text in any language.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from content.builder import Builder
from content.limits import MAX_BUTTON
from content.triage import (
    CONTEXT,
    Audience,
    CheckinText,
    Context,
    Item,
    ItemText,
    OptionText,
    OutcomeText,
    ScreenSpec,
    Source,
    Triage,
    TriageText,
    findings_of,
)
from content.yaml_reader import Marked

KINDS = ("audience", CONTEXT, "signs")
BUTTONS = ("continue", "none", "ticked")
REASONS = ("one", "any", "unsure", "context", "separator", "any_inline", "unsure_inline")
ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")


def load_findings(b: Builder) -> frozenset[str]:
    """The vignette vocabulary: every finding id of findings.yaml's groups."""
    raw = b.load("findings.yaml")
    groups = b.mapping(raw, "groups")
    out: set[str] = set()
    for name, group in groups.items():
        if not isinstance(group, Marked):
            b.fail(groups, name, f"findings group {name!r} must be a mapping")
            continue
        found = b.mapping(group, "findings")
        out.update(str(k) for k in found)
    return frozenset(out)


def _sources(b: Builder, spec: Marked, what: str) -> tuple[Source, ...]:
    value = spec.get("reference")
    if value is None:
        b.fail(spec, "id", f"{what} has no reference: add `reference: [{{title, url, passage}}]`")
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[Source] = []
    for item in items:
        if not isinstance(item, Marked):
            b.fail(spec, "reference", f"{what}: each reference needs a title, a url and a passage")
            continue
        b.unknown_keys(item, {"title", "url", "passage"}, f"a reference of {what}")
        title, url, passage = item.get("title"), item.get("url"), item.get("passage")
        if not isinstance(title, str) or not title.strip():
            b.fail(item, "title", f"{what}: a reference needs the title of the public page it follows")
        elif not isinstance(url, str) or not re.fullmatch(r"https://\S+", url):
            b.fail(item, "url", f"{what}: a reference needs the https:// address of the page it follows")
        elif not isinstance(passage, str) or len(passage.strip()) < 20:
            b.fail(
                item,
                "passage" if "passage" in item else "title",
                f"{what}: a reference needs the passage it follows (a quote)",
            )
        else:
            out.append(Source(title.strip(), url, " ".join(passage.split())))
    if not out and value is not None and not b.problems:
        b.fail(spec, "reference", f"{what} has no usable reference")
    return tuple(out)


def _asks(b: Builder, spec: Marked, what: str, vocabulary: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    value = spec.get("asks")
    if not isinstance(value, list) or not value:
        b.fail(spec, "asks" if "asks" in spec else "id", f"{what}: `asks` must list the findings that make it Yes")
        return ()
    out: list[tuple[str, ...]] = []
    for entry in value:
        group = tuple(entry) if isinstance(entry, list) else (entry,)
        if not group or not all(isinstance(f, str) for f in group):
            b.fail(spec, "asks", f"{what}: each entry of `asks` is a finding or a list of findings")
            continue
        for finding in group:
            if vocabulary and finding not in vocabulary:
                b.fail(spec, "asks", f"{what}: unknown finding {finding!r} (not in findings.yaml)")
        out.append(group)
    return tuple(out)


def _level(b: Builder, spec: Marked, key: str, levels: tuple[str, ...], what: str, *, required: bool) -> str | None:
    value = spec.get(key)
    if value is None:
        if required:
            b.fail(spec, "id", f"{what} has no `{key}`: every question and every 'Not sure' declares its level")
        return None
    if value not in levels:
        b.fail(spec, key, f"{what}: {key} {value!r} is not a level ({', '.join(levels)})")
        return None
    return str(value)


def load_triage(b: Builder, languages: tuple[str, ...]) -> Triage | None:
    problems_before = len(b.problems)
    vocabulary = load_findings(b)
    raw = b.load("checklist.yaml")
    b.unknown_keys(raw, {"levels", "screens", "audiences", "contexts", "items", "not_asked"}, "checklist.yaml")
    levels = b.str_list(raw, "levels", required=True)
    if len(set(levels)) != len(levels) or len(levels) < 2:
        b.fail(raw, "levels", "levels must be at least two distinct ids, least urgent first")

    specs: list[tuple[Marked, str, str, str | None]] = []
    for spec in raw.get("screens") or []:
        if not isinstance(spec, Marked) or not isinstance(spec.get("id"), str):
            b.fail(raw, "screens", "each screen needs an id")
            continue
        b.unknown_keys(spec, {"id", "kind", "level"}, "a screen")
        kind = spec.get("kind")
        if kind not in KINDS:
            b.fail(spec, "kind", f"screen {spec['id']!r}: kind must be one of {', '.join(KINDS)}")
            continue
        level = _level(b, spec, "level", levels, f"screen {spec['id']!r}", required=kind == "signs")
        specs.append((spec, spec["id"], str(kind), level))
    if not specs or specs[0][2] != "audience":
        b.fail(raw, "screens", "the first screen must be the audience screen (who it is for)")
    if sum(1 for s in specs if s[2] == CONTEXT) != 1:
        b.fail(raw, "screens", "there must be exactly one context screen")

    def listed(key: str) -> list[Marked]:
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            b.fail(raw, key, f"{key!r} must be a non-empty list")
            return []
        out = []
        seen: set[str] = set()
        for spec in value:
            if not isinstance(spec, Marked) or not isinstance(spec.get("id"), str) or not ID.match(spec["id"]):
                b.fail(raw, key, f"each of {key!r} needs an id (lowercase, digits, _)")
                continue
            if spec["id"] in seen:
                b.fail(spec, "id", f"duplicate id {spec['id']!r} in {key!r}")
            seen.add(spec["id"])
            out.append(spec)
        return out

    audience_specs = listed("audiences")
    audience_ids = tuple(s["id"] for s in audience_specs)
    context_specs = listed("contexts")
    item_specs = listed("items")
    item_ids = {s["id"] for s in item_specs}

    # --- texts ------------------------------------------------------------------------------
    texts = {lang: b.load(f"{lang}/checklist.yaml") for lang in languages}

    def text_of(lang: str, section: str, key: str, field: str, *, required: bool = True, html: bool = True) -> str:
        sec = b.mapping(texts[lang], section)
        spec = sec.get(key)
        if not isinstance(spec, Marked):
            if required:
                b.fail(sec, None, f"{section}.{key} has no {lang!r} text")
            return ""
        value = b.text(spec, field, required=required) or ""
        if value and html:
            b.html(spec, field, value, f"{section}.{key}.{field} ({lang})")
        return value

    def option_text(section: str, key: str) -> MappingProxyType[str, OptionText]:
        out = {}
        for lang in languages:
            button = text_of(lang, section, key, "button", html=False)
            if len(button) > MAX_BUTTON:
                b.fail(b.mapping(texts[lang], section), key, f"{section}.{key}: button over {MAX_BUTTON} characters")
            out[lang] = OptionText(
                button, text_of(lang, section, key, "label"), text_of(lang, section, key, "advice", required=False)
            )
        return MappingProxyType(out)

    screens: list[ScreenSpec] = []
    for _spec, sid, kind, level in specs:
        by_lang: dict[str, str] = {}
        by_audience: dict[str, dict[str, str]] = {}
        for lang in languages:
            sec = b.mapping(texts[lang], "screens")
            value = b.text(sec, sid) or sid
            b.html(sec, sid, value, f"screens.{sid} ({lang})")
            by_lang[lang] = value
            for audience in audience_ids:
                variant = b.text(sec, f"{sid}_{audience}", required=False)
                if variant:
                    b.html(sec, f"{sid}_{audience}", variant, f"screens.{sid}_{audience} ({lang})")
                    by_audience.setdefault(audience, {})[lang] = variant
        for audience, variants in by_audience.items():
            for lang in languages:
                if lang not in variants:
                    b.fail(b.mapping(texts[lang], "screens"), None, f"screens.{sid}_{audience} has no {lang!r} text")
                    variants[lang] = by_lang[lang]
        screens.append(
            ScreenSpec(
                sid,
                kind,
                level,
                MappingProxyType(by_lang),
                MappingProxyType({a: MappingProxyType(v) for a, v in by_audience.items()}),
            )
        )

    audiences: dict[str, Audience] = {}
    for spec in audience_specs:
        b.unknown_keys(spec, {"id", "asks", "floor", "reference"}, "an audience")
        what = f"audience {spec['id']!r}"
        floor = _level(b, spec, "floor", levels, what, required=False)
        sources = _sources(b, spec, what) if floor else ()
        audiences[spec["id"]] = Audience(
            spec["id"], floor, _asks(b, spec, what, vocabulary), sources, option_text("audiences", spec["id"])
        )

    contexts: dict[str, Context] = {}
    for spec in context_specs:
        b.unknown_keys(spec, {"id", "asks", "opens", "level", "unsure", "reference"}, "a context")
        what = f"context {spec['id']!r}"
        level = _level(b, spec, "level", levels, what, required=False)
        if level and "unsure" not in spec:
            b.fail(spec, "level", f"{what} has a level but no `unsure` level")
        _level(b, spec, "unsure", levels, what, required=False)
        opens = b.str_list(spec, "opens")
        for item_id in opens:
            if item_id not in item_ids:
                b.fail(spec, "opens", f"{what} opens unknown item {item_id!r}")
        contexts[spec["id"]] = Context(
            spec["id"],
            level,
            _asks(b, spec, what, vocabulary),
            opens,
            _sources(b, spec, what) if level else (),
            option_text("contexts", spec["id"]),
        )

    items: dict[str, Item] = {}
    screen_levels = {sid: level for _, sid, kind, level in specs if kind == "signs"}
    for spec in item_specs:
        b.unknown_keys(spec, {"id", "screen", "level", "unsure", "for", "context", "asks", "reference"}, "an item")
        iid = spec["id"]
        what = f"question {iid!r}"
        screen = spec.get("screen")
        if screen not in screen_levels:
            b.fail(spec, "screen" if "screen" in spec else "id", f"{what}: screen {screen!r} is not a signs screen")
        level = _level(b, spec, "level", levels, what, required=True)
        unsure = _level(b, spec, "unsure", levels, what, required=True)
        if level and unsure and levels.index(unsure) > levels.index(level):
            b.fail(spec, "unsure", f"{what}: 'Not sure' ({unsure}) cannot be more urgent than 'Yes' ({level})")
        if level and screen in screen_levels and screen_levels[screen] != level:
            b.fail(spec, "level", f"{what}: level {level!r} but screen {screen!r} is {screen_levels[screen]!r}")
        audiences_of = b.str_list(spec, "for") or audience_ids
        for a in audiences_of:
            if a not in audience_ids:
                b.fail(spec, "for", f"{what}: unknown audience {a!r}")
        context = spec.get("context")
        if context is not None and (context not in contexts or iid not in contexts[context].opens):
            b.fail(spec, "context", f"{what}: context {context!r} does not open it (list it in that context's `opens`)")
        sources = _sources(b, spec, what)
        text = {}
        for lang in languages:
            text[lang] = ItemText(
                text_of(lang, "items", iid, "text"),
                text_of(lang, "items", iid, "label"),
                text_of(lang, "items", iid, "advice", required=False),
            )
        items[iid] = Item(
            iid,
            str(screen),
            level or levels[-1],
            unsure or levels[-1],
            audiences_of,
            context if isinstance(context, str) else None,
            _asks(b, spec, what, vocabulary),
            sources,
            MappingProxyType(text),
        )
    for ctx in contexts.values():
        for item_id in ctx.opens:
            if item_id in items and items[item_id].context != ctx.id:
                b.fail(raw, "contexts", f"context {ctx.id!r} opens {item_id!r}, whose `context` is not {ctx.id!r}")

    # Every finding of the vocabulary is asked somewhere, or says why not.
    asked: set[str] = set()
    for asks in (
        *(a.asks for a in audiences.values()),
        *(c.asks for c in contexts.values()),
        *(i.asks for i in items.values()),
    ):
        asked |= findings_of(asks)
    not_asked = b.mapping(raw, "not_asked", required=False)
    reasons: dict[str, str] = {}
    for finding, why in not_asked.items():
        if vocabulary and finding not in vocabulary:
            b.fail(not_asked, finding, f"not_asked: {finding!r} is not in findings.yaml")
        elif finding in asked:
            b.fail(not_asked, finding, f"not_asked: {finding!r} is asked (remove it from not_asked)")
        elif not isinstance(why, str) or not why.strip():
            b.fail(not_asked, finding, f"not_asked: {finding!r} needs the reason no screen asks it")
        else:
            reasons[str(finding)] = why
    for finding in sorted(vocabulary - asked - reasons.keys()):
        b.fail(
            not_asked if not_asked else raw,
            None,
            f"finding {finding!r} is asked by no screen: ask it, or say why in not_asked",
        )

    triage_texts: dict[str, TriageText] = {}
    for lang in languages:
        t = texts[lang]
        answers_raw = b.mapping(t, "answers")
        answers = {a: b.text(answers_raw, a) or a for a in ("yes", "no", "unsure")}
        buttons_raw = b.mapping(t, "buttons")
        buttons = {k: b.text(buttons_raw, k) or k for k in BUTTONS}
        reasons_raw = b.mapping(t, "reasons")
        reason_t: dict[str, str] = {}
        for k in REASONS:  # kept unstripped: the separator is "; "
            raw_reason = reasons_raw.get(k)
            if isinstance(raw_reason, str) and raw_reason.strip():
                reason_t[k] = raw_reason
            else:
                reason_t[k] = b.text(reasons_raw, k) or k
        outcomes_raw = b.mapping(t, "outcomes")
        outcomes: dict[str, OutcomeText] = {}
        checkins_raw = b.mapping(t, "checkins")
        checkins: dict[str, CheckinText] = {}
        for level in levels:
            o = outcomes_raw.get(level)
            if not isinstance(o, Marked):
                b.fail(outcomes_raw, None, f"outcome {level!r} has no {lang!r} text")
                o = Marked()
                o.file, o.line, o.lines = outcomes_raw.file, outcomes_raw.line, {}
            body = b.text(o, "text") or level
            b.html(
                o,
                "text",
                body.replace("{reasons}", "").replace("{advice}", "").replace("{criteria}", ""),
                f"outcome {level!r}",
            )
            net = o.get("net")
            outcomes[level] = OutcomeText(b.text(o, "title") or level, body, net if isinstance(net, str) else "")
            c = checkins_raw.get(level)
            if not isinstance(c, Marked):
                b.fail(checkins_raw, None, f"check-in texts of {level!r} missing in {lang!r}")
                checkins[level] = CheckinText("", "", "")
                continue
            checkins[level] = CheckinText(*(b.text(c, k) or k for k in ("better", "same", "worse")))
        criteria = b.text(t, "criteria") or ""
        if criteria:
            b.html(t, "criteria", criteria, f"criteria ({lang})")
        typed_raw = b.mapping(t, "typed")
        typed = {a: b.str_list(typed_raw, a, required=True) for a in ("yes", "no", "unsure")}
        triage_texts[lang] = TriageText(
            MappingProxyType(answers),
            MappingProxyType(buttons),
            b.text(t, "progress") or "{n}",
            MappingProxyType(reason_t),
            MappingProxyType(outcomes),
            MappingProxyType(checkins),
            criteria,
            MappingProxyType(typed),
        )

    if len(b.problems) != problems_before:
        return None
    return Triage(
        levels=levels,
        screens=tuple(screens),
        audiences=MappingProxyType(audiences),
        contexts=MappingProxyType(contexts),
        items=MappingProxyType(items),
        not_asked=MappingProxyType(reasons),
        text=MappingProxyType(triage_texts),
    )
