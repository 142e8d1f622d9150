"""Loading free text's content: freetext.yaml (emergency signs, small-talk intents) and
<lang>/freetext.yaml (phrases, replies, search words, messages), into frozen dataclasses.

Validated at load like every safety item: each emergency sign is `safety: true` with the public
page and passage it follows, a disposition that is a checklist outcome and never less urgent
than the checklist's answer for the same sign, and phrases, title and text in every language.
Whether the phrases match what they should is checked by the layer that matches them
(bot/services/emergency_phrases.py, run on the `examples` at load through load_content's checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from content.builder import Builder
from content.limits import MAX_BUTTON, MAX_MESSAGE
from content.model import (
    Checklist,
    Emergency,
    Examples,
    FreeText,
    Page,
    SearchWords,
    Sign,
    SignText,
    SmallTalk,
    fold,
    placeholders,
)
from content.telegram_html import TelegramHtmlError, parse_html, utf16_len
from content.yaml_reader import Marked

SHOWS = ("menu", "help")
MESSAGES = (
    "results_for",
    "results_corrected",
    "results_sentence",
    "none_for",
    "none_sentence",
    "emergency_footer",
    "city_left",
    "btn_results",
    "btn_type_city",
    "results_gone",
)


def load_freetext(b: Builder, languages: tuple[str, ...], pages: Mapping[str, Page], checklist: Checklist) -> FreeText:
    raw = b.load("freetext.yaml")
    b.unknown_keys(raw, {"emergency", "small_talk"}, "freetext.yaml")
    texts = {lang: b.load(f"{lang}/freetext.yaml") for lang in languages}
    for lang, t in texts.items():
        b.unknown_keys(t, {"emergency", "small_talk", "search", "messages", "pages"}, f"{lang}/freetext.yaml")
    emergency = _emergency(b, raw, texts, pages, checklist)
    small_talk = _small_talk(b, raw, texts)
    search = _search(b, texts, pages)
    messages = _messages(b, texts)
    see = _cross_references(b, texts, pages)
    return FreeText(emergency, small_talk, search, messages, see)


def _texts(
    b: Builder, by_lang: Mapping[str, Marked], item: str, what: str, allowed: set[str]
) -> Iterator[tuple[str, Marked]]:
    """Each language's words for one item, reporting a language that lacks them."""
    for lang, texts in by_lang.items():
        t = texts.get(item)
        if not isinstance(t, Marked):
            b.fail(texts, None, f"{what} has no {lang!r} text")
            continue
        b.unknown_keys(t, allowed, what)
        yield lang, t


def _folded_list(b: Builder, m: Marked, key: str) -> tuple[str, ...]:
    out = []
    for phrase in b.str_list(m, key):
        folded = fold(phrase)
        if not folded:
            b.fail(m, key, f"{key!r}: {phrase!r} has no letters")
        else:
            out.append(folded)
    return tuple(dict.fromkeys(out))


def _html(b: Builder, m: Marked, key: str, what: str) -> str:
    text = b.text(m, key) or ""
    try:
        plain = parse_html(text)
    except TelegramHtmlError as exc:
        b.fail(m, key, f"{what}: bad Telegram HTML: {exc}")
        return text
    if utf16_len(plain) > MAX_MESSAGE // 2:  # room for the footer and a page under it
        b.fail(m, key, f"{what} is {utf16_len(plain)} characters (max {MAX_MESSAGE // 2})")
    return text


def _emergency(
    b: Builder, raw: Marked, texts: Mapping[str, Marked], pages: Mapping[str, Page], checklist: Checklist
) -> Emergency:
    spec = b.mapping(raw, "emergency")
    b.unknown_keys(spec, {"signs"}, "emergency")
    raw_signs = spec.get("signs")
    if not isinstance(raw_signs, list) or not raw_signs:
        b.fail(spec, "signs", "emergency signs must be a non-empty list")
        raw_signs = []
    order = list(checklist.outcomes)  # most urgent first
    rule_of = {q: r.outcome for r in reversed(checklist.rules) for q in r.when_any}
    questions = {q.id for q in checklist.questions}
    by_lang = {lang: b.mapping(t, "emergency") for lang, t in texts.items()}
    sign_texts = {lang: b.mapping(e, "signs") for lang, e in by_lang.items()}
    signs: list[Sign] = []
    seen: set[str] = set()
    for item in raw_signs:
        if not isinstance(item, Marked) or not isinstance(item.get("id"), str):
            b.fail(spec, "signs", "each emergency sign needs an id")
            continue
        b.unknown_keys(
            item, {"id", "disposition", "question", "checklist", "page", "safety", "reference", "passage"}, "a sign"
        )
        sid = item["id"]
        if sid in seen:
            b.fail(item, "id", f"duplicate emergency sign {sid!r}")
        seen.add(sid)
        if item.get("safety") is not True:
            b.fail(item, "safety", f"emergency sign {sid!r} is safety wording: it needs `safety: true`")
        refs = b.safety_references(item, f"emergency sign {sid!r}", safety=True)
        passage = b.text(item, "passage") or ""
        disposition = str(item.get("disposition"))
        if disposition not in checklist.outcomes:
            b.fail(item, "disposition", f"sign {sid!r}: disposition {disposition!r} is not a checklist outcome")
        question = item.get("question")
        if question is not None:
            if question not in questions:
                b.fail(item, "question", f"sign {sid!r}: {question!r} is not a checklist question")
            elif disposition in order and order.index(disposition) > order.index(rule_of.get(question, order[-1])):
                b.fail(
                    item,
                    "disposition",
                    f"sign {sid!r} is less urgent ({disposition}) than the checklist's answer for "
                    f"{question!r} ({rule_of.get(question)})",
                )
        page = item.get("page")
        if page is not None and page not in pages:
            b.fail(item, "page", f"sign {sid!r}: unknown page {page!r}")
        per_lang: dict[str, SignText] = {}
        for lang, t in _texts(
            b, sign_texts, sid, f"emergency sign {sid!r}", {"title", "text", "phrases", "together", "unless_next"}
        ):
            title = b.text(t, "title") or sid
            if len(title) > MAX_BUTTON * 2:
                b.fail(t, "title", f"sign {sid!r}: the title is {len(title)} characters (max {MAX_BUTTON * 2})")
            together = []
            raw_together = t.get("together", [])
            if not isinstance(raw_together, list):
                b.fail(t, "together", "together must be a list of lists of words")
                raw_together = []
            for group in raw_together:
                if not isinstance(group, list) or not group or not all(isinstance(g, str) for g in group):
                    b.fail(t, "together", "each group of `together` must be a list of words")
                    continue
                together.append(tuple(fold(g) for g in group if fold(g)))
            phrases = _folded_list(b, t, "phrases")
            if not phrases and len(together) < 2:
                b.fail(t, None, f"sign {sid!r} needs phrases, or at least two groups of words `together`")
            per_lang[lang] = SignText(
                title=title,
                text=_html(b, t, "text", f"sign {sid!r}"),
                phrases=phrases,
                together=tuple(together),
                unless_next=frozenset(_folded_list(b, t, "unless_next")),
            )
        signs.append(Sign(sid, disposition, question, item.get("checklist") is True, page, refs, passage, per_lang))
    for signs_text in sign_texts.values():
        for sid in signs_text:
            if sid not in seen:
                b.fail(signs_text, sid, f"{sid!r} is not a sign in freetext.yaml")

    examples: dict[str, Examples] = {}
    for lang, e in by_lang.items():
        b.unknown_keys(e, {"negations", "hedges", "clause_breaks", "signs", "examples"}, f"{lang} emergency")
        ex = b.mapping(e, "examples")
        fires_raw = b.mapping(ex, "fires")
        fires = {}
        for sid in fires_raw:
            if sid not in seen:
                b.fail(fires_raw, sid, f"examples: {sid!r} is not a sign")
            fires[sid] = b.str_list(fires_raw, sid)
        for sid in seen - fires.keys():
            b.fail(fires_raw, None, f"examples: sign {sid!r} has no {lang!r} example that fires it")
        examples[lang] = Examples(MappingProxyType(fires), b.str_list(ex, "quiet"))
    return Emergency(
        signs=tuple(signs),
        negations=MappingProxyType({lang: frozenset(_folded_list(b, e, "negations")) for lang, e in by_lang.items()}),
        hedges=MappingProxyType({lang: frozenset(_folded_list(b, e, "hedges")) for lang, e in by_lang.items()}),
        clause_breaks=MappingProxyType(
            {lang: frozenset(_folded_list(b, e, "clause_breaks")) for lang, e in by_lang.items()}
        ),
        examples=MappingProxyType(examples),
    )


def _small_talk(b: Builder, raw: Marked, texts: Mapping[str, Marked]) -> tuple[SmallTalk, ...]:
    items = raw.get("small_talk")
    if not isinstance(items, list):
        b.fail(raw, "small_talk", "small_talk must be a list")
        items = []
    by_lang = {lang: b.mapping(t, "small_talk") for lang, t in texts.items()}
    out: list[SmallTalk] = []
    for item in items:
        if not isinstance(item, Marked) or not isinstance(item.get("id"), str):
            b.fail(raw, "small_talk", "each small-talk entry needs an id")
            continue
        b.unknown_keys(item, {"id", "shows", "emoji"}, "a small-talk entry")
        tid = item["id"]
        shows = item.get("shows")
        if shows not in SHOWS:
            b.fail(item, "shows", f"small talk {tid!r}: shows must be one of {', '.join(SHOWS)}")
        phrases: dict[str, tuple[str, ...]] = {}
        replies: dict[str, str] = {}
        for lang, t in _texts(b, by_lang, tid, f"small talk {tid!r}", {"phrases", "reply"}):
            phrases[lang] = _folded_list(b, t, "phrases")
            replies[lang] = _html(b, t, "reply", f"small talk {tid!r}")
        emoji = frozenset(b.str_list(item, "emoji"))
        out.append(SmallTalk(tid, str(shows), emoji, MappingProxyType(phrases), MappingProxyType(replies)))
    return tuple(out)


def page_vocabulary(pages: Mapping[str, Page]) -> frozenset[str]:
    """Every folded word of every page's title, keywords and body, in every language."""
    words: set[str] = set()
    for page in pages.values():
        for t in page.text.values():
            words.update(fold(" ".join((t.title, t.body, " ".join(t.keywords)))).split())
    return frozenset(words)


def _search(b: Builder, texts: Mapping[str, Marked], pages: Mapping[str, Page]) -> SearchWords:
    vocabulary = page_vocabulary(pages)
    stopwords: dict[str, frozenset[str]] = {}
    synonyms: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for lang, t in texts.items():
        s = b.mapping(t, "search")
        b.unknown_keys(s, {"stopwords", "synonyms"}, f"{lang} search")
        stopwords[lang] = frozenset(_folded_list(b, s, "stopwords"))
        raw = b.mapping(s, "synonyms")
        table: dict[str, tuple[str, ...]] = {}
        for word in raw:
            targets = _folded_list(b, raw, str(word))
            missing = [w for target in targets for w in target.split() if w not in vocabulary]
            if missing or not targets:
                b.fail(raw, word, f"synonym {word!r}: no page has {', '.join(map(repr, missing)) or 'a target'}")
            table[fold(str(word))] = targets
        synonyms[lang] = MappingProxyType(table)
    return SearchWords(MappingProxyType(stopwords), MappingProxyType(synonyms))


def _messages(b: Builder, texts: Mapping[str, Marked]) -> Mapping[str, Mapping[str, str]]:
    out: dict[str, Mapping[str, str]] = {}
    first: dict[str, str] | None = None
    for lang, t in texts.items():
        m = b.mapping(t, "messages")
        b.unknown_keys(m, set(MESSAGES), f"{lang} messages")
        values: dict[str, str] = {}
        for key in MESSAGES:
            text = b.text(m, key) or key
            if key.startswith("btn_"):
                if len(text.replace("{title}", "x" * 20)) > MAX_BUTTON:
                    b.fail(m, key, f"button label {key!r} is too long (max {MAX_BUTTON} with a title)")
            else:
                try:
                    parse_html(text.format_map({p: "x" for p in placeholders(text)}))
                except TelegramHtmlError as exc:
                    b.fail(m, key, f"{key!r}: bad Telegram HTML: {exc}")
            if first is not None and key in first and placeholders(text) != placeholders(first[key]):
                b.fail(
                    m,
                    key,
                    f"{key!r} has placeholders {sorted(placeholders(text))}, not {sorted(placeholders(first[key]))}",
                )
            values[key] = text
        first = first or values
        out[lang] = MappingProxyType(values)
    return MappingProxyType(out)


def _cross_references(
    b: Builder, texts: Mapping[str, Marked], pages: Mapping[str, Page]
) -> Mapping[str, tuple[str, ...]]:
    """Pages a page's text points to ("see <i>Causes</i>", "vedi <i>Cause</i>"): they become buttons.

    `pages.see_words` in <lang>/freetext.yaml are the words that introduce one; the name in
    italics must be another page's title or button label (without its emoji) in that language."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, t in texts.items():
        spec = b.mapping(t, "pages")
        b.unknown_keys(spec, {"see_words"}, f"{lang} pages")
        words = "|".join(re.escape(w) for w in b.str_list(spec, "see_words", required=True))
        if not words:
            continue
        pattern = re.compile(rf"\b(?:{words})\s+<i>([^<]+)</i>", re.IGNORECASE)
        names = {}
        for page in pages.values():
            if lang in page.text:
                names[fold(page.text[lang].title)] = page.id
                names.setdefault(fold(page.text[lang].button), page.id)
        for page in pages.values():
            text = page.text.get(lang)
            if text is None:
                continue
            targets = []
            for name in pattern.findall(text.body + "\n" + (text.safety or "")):
                target = names.get(fold(name))
                if target is None or target == page.id:
                    mark = b.page_marks.get(lang, {}).get(page.id)
                    where = mark[1] if mark else spec
                    b.fail(
                        where, "body", f"page {page.id!r}: {name!r} after a cross-reference word names no other page"
                    )
                else:
                    targets.append(target)
            found.setdefault(page.id, {})[lang] = tuple(dict.fromkeys(targets))
    # A page's buttons are the same in every language: those any language's text points to.
    out = {
        page_id: tuple(dict.fromkeys(t for ts in by_lang.values() for t in ts)) for page_id, by_lang in found.items()
    }
    return MappingProxyType({page_id: targets for page_id, targets in out.items() if targets})
