"""The content model: frozen, validated once at load, then shared read-only by every handler."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from content.signed import SignOff
from content.triage import Triage

PAGE_ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
MAIN_PAGE = "main"
T = TypeVar("T")

# Feature buttons a menu may hold; the bot owns what they do, the content owns their labels
# (strings key `actions.<name>`).
ACTIONS = frozenset({"checklist", "reminders", "language", "privacy", "help", "log", "diary"})


class FormatDict(dict[str, str]):
    """Leaves unknown placeholders visible instead of raising in front of a user."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None and name)


@dataclass(frozen=True, slots=True)
class Reference:
    """The public page a piece of safety wording follows, so a medical reviewer can check it.

    `passage`: the sentence(s) of that page the wording follows (required for pages), so the
    reviewer reads the claim and its source side by side instead of searching the page.
    """

    title: str
    url: str
    passage: str | None = None


@dataclass(frozen=True, slots=True)
class PageText:
    title: str
    button: str
    body: str
    safety: str | None
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    parent: str | None
    children: tuple[str, ...]  # page ids, or "@action"
    links: tuple[str, ...]
    columns: int
    text: Mapping[str, PageText]
    references: tuple[Reference, ...] = ()  # what the page's safety text follows
    # `safety: true` in pages.yaml: the whole page (body too) is reviewed wording that is not from
    # the source text (medicines, pregnancy, children...), following `references`.
    safety: bool = False

    @property
    def buttons(self) -> tuple[str, ...]:
        return self.children + self.links


@dataclass(frozen=True, slots=True)
class Delay:
    id: str
    hours: float


@dataclass(frozen=True, slots=True)
class ReminderConfig:
    followup_delays: tuple[Delay, ...]
    snoozes: tuple[Delay, ...]
    daily_kinds: tuple[str, ...]
    daily_times: tuple[str, ...]  # "HH:MM" local time
    timezones: tuple[str, ...]  # IANA names offered as buttons
    max_active: int
    late_after_hours: float
    # Until a user sets a time zone, the zone their language suggests (it -> Europe/Rome).
    guess_zones: Mapping[str, str] = field(default_factory=dict)
    # One stretch a day in the stretching reminder, in turn: ids of the self-care stretch pages.
    stretch_pages: tuple[str, ...] = ()
    # City names in each language where GeoNames' own differs (<lang>/places.yaml): geonameid -> name.
    place_names: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def delay(self, delay_id: str) -> Delay | None:
        return next((d for d in self.followup_delays if d.id == delay_id), None)

    def snooze(self, snooze_id: str) -> Delay | None:
        return next((d for d in self.snoozes if d.id == snooze_id), None)


# --- the spasm diary (content/diary.yaml, <lang>/diary.yaml; loaded by content/diary.py) ------


@dataclass(frozen=True, slots=True)
class DiaryField:
    id: str
    required: bool
    choices: tuple[str, ...]
    columns: int  # buttons per row


@dataclass(frozen=True, slots=True)
class FieldText:
    question: str
    column: str  # the CSV column header
    choices: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class DiaryText:
    """One language's words for the diary; every key is checked at load (content/diary.py)."""

    fields: Mapping[str, FieldText]
    columns: Mapping[str, str]
    buttons: Mapping[str, str]
    messages: Mapping[str, str]
    safety: str  # conservative wording not from the source text (diary.yaml names its reference)
    chart: Mapping[str, str]
    csv_filename: str
    privacy: Mapping[str, str]

    def message(self, key: str, /, **values: object) -> str:
        template = self.messages[key]
        return template.format_map(FormatDict({k: str(v) for k, v in values.items()})) if values else template

    def label(self, field: str, choice: str) -> str:
        return self.fields[field].choices[choice]


@dataclass(frozen=True, slots=True)
class Diary:
    fields: Mapping[str, DiaryField]  # in the order asked
    long_durations: tuple[str, ...]
    colours: Mapping[str, str]  # severity -> bar colour
    summary_days: int
    checklist_days: int
    checkin_compare_days: int
    text: Mapping[str, DiaryText]  # language -> words
    reference: tuple[Reference, ...] = ()  # the public page the safety line follows

    def words(self, lang: str) -> DiaryText:
        return self.text[lang]


# --- free text (content/freetext.yaml, <lang>/freetext.yaml; loaded by content/freetext.py) ------

APOSTROPHES = re.compile(r"['’‘`´]")
WORDS = re.compile(r"\w+")


def fold(text: str) -> str:
    """The form phrases are matched in: lower case, no accents, no apostrophes ("can't" -> "cant",
    "l'aria" -> "laria"), words separated by one space. Phrases and messages go through it alike."""
    text = APOSTROPHES.sub("", text.casefold())
    if not text.isascii():  # most messages are: skip the decomposition (a third of a match's time)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(WORDS.findall(text))


@dataclass(frozen=True, slots=True)
class SignText:
    title: str
    text: str  # Telegram HTML: what to do, how soon, what makes it urgent
    phrases: tuple[str, ...]  # folded
    together: tuple[tuple[str, ...], ...]  # groups of folded alternatives, all needed
    unless_next: frozenset[str]  # folded words that, right after a phrase, make it harmless


@dataclass(frozen=True, slots=True)
class Sign:
    id: str
    disposition: str  # a checklist outcome id
    question: str | None  # the checklist question asking about the same sign
    checklist: bool  # offer the checklist under the answer
    page: str | None  # a page to offer under the answer
    references: tuple[Reference, ...]
    passage: str  # the words of the reference the wording and disposition follow
    text: Mapping[str, SignText]


@dataclass(frozen=True, slots=True)
class Examples:
    fires: Mapping[str, tuple[str, ...]]  # sign id -> messages that must give it
    quiet: tuple[str, ...]  # messages that must give no sign


@dataclass(frozen=True, slots=True)
class Emergency:
    signs: tuple[Sign, ...]
    negations: Mapping[str, frozenset[str]]  # language -> folded words
    hedges: Mapping[str, frozenset[str]]
    clause_breaks: Mapping[str, frozenset[str]]  # words that end a clause, as punctuation does
    examples: Mapping[str, Examples]


@dataclass(frozen=True, slots=True)
class SmallTalk:
    id: str
    shows: str  # "menu" | "help"
    emoji: frozenset[str]
    phrases: Mapping[str, tuple[str, ...]]  # language -> folded phrases
    reply: Mapping[str, str]  # language -> Telegram HTML


@dataclass(frozen=True, slots=True)
class SearchWords:
    stopwords: Mapping[str, frozenset[str]]  # language -> folded words
    synonyms: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> folded phrase -> folded targets


@dataclass(frozen=True, slots=True)
class FreeText:
    emergency: Emergency
    small_talk: tuple[SmallTalk, ...]
    search: SearchWords
    messages: Mapping[str, Mapping[str, str]]  # language -> key -> text
    see: Mapping[str, tuple[str, ...]]  # page -> the pages its text points to ("see Causes")

    def message(self, lang: str, key: str, /, **values: object) -> str:
        template = self.messages[lang][key]
        for name, value in values.items():
            template = template.replace("{" + name + "}", str(value))
        return template


@dataclass(frozen=True)
class Content:
    languages: tuple[str, ...]
    default_language: str
    source: str
    pages: Mapping[str, Page]
    reminders: ReminderConfig
    diary: Diary
    freetext: FreeText
    triage: Triage  # the checklist's decision graph (content/checklist.yaml)
    strings: Mapping[str, Mapping[str, str]]
    locales: Mapping[str, str]  # language -> CLDR locale for dates in prose ("en" -> "en_GB")
    rendered: Mapping[tuple[str, str], str] = field(repr=False)  # (page, lang) -> HTML
    fingerprint: str = ""  # the content version: a hash of every reviewable item's (content/fingerprints.py)
    signoff: SignOff | None = None  # the last clinical sign-off (content/signoff.yaml), None if never signed
    # Views derived from this content (rendered screens; see derived()), built on first use and dropped with
    # the content on /reload. The content itself never changes; this only caches.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """build() once per content version, then the same object (it must be immutable)."""
        try:
            value: T = self.memo[key]
        except KeyError:
            value = self.memo[key] = build()
        return value

    def language(self, code: str | None) -> str:
        """The supported language closest to a Telegram language_code ("it-IT" -> "it")."""
        if code:
            base = code.split("-")[0].lower()
            if base in self.languages:
                return base
        return self.default_language

    def text(self, lang: str, key: str, /, **values: object) -> str:
        template = self.strings[lang].get(key) or self.strings[self.default_language][key]
        if not values:
            return template
        return template.format_map(FormatDict({k: str(v) for k, v in values.items()}))

    def page_html(self, page_id: str, lang: str) -> str:
        return self.rendered[(page_id, lang)]

    def button_label(self, target: str, lang: str) -> str:
        if target.startswith("@"):
            return self.text(lang, f"actions.{target[1:]}")
        return self.pages[target].text[lang].button

    def siblings(self, page_id: str) -> tuple[str | None, str | None]:
        """Previous and next sub-page under the same parent, for split topics."""
        page = self.pages[page_id]
        if page.parent is None or page.parent == MAIN_PAGE:
            return None, None
        kids = [c for c in self.pages[page.parent].children if not c.startswith("@")]
        i = kids.index(page_id)
        return (kids[i - 1] if i > 0 else None), (kids[i + 1] if i + 1 < len(kids) else None)


# Strings the bot's code asks for; validation refuses content that lacks any of them.
# tests/test_content.py keeps this list in sync with the keys the code uses.
REQUIRED_STRINGS = frozenset(
    {
        # The doctor's report (bot/services/doctor_report.py).
        "demo.edited",
        "report.busy",
        "report.caption",
        "report.checklist",
        "report.checklist_gone",
        "report.failed",
        "report.pdf",
        "report.text",
        "report.diary",
        "report.diary_empty",
        "report.entries",
        "report.entries_latest",
        "report.filename",
        "report.findings",
        "report.footer",
        "report.page",
        "report.rest",
        "report.result",
        "report.subtitle",
        "report.title",
        "report.tried",
        "report.tried_boxes",
        "report.tried_empty",
        "actions.checklist",
        "about.source",
        "about.text",
        "admin.reload_failed",
        "admin.reloaded",
        "admin.stats",
        "alerts.busy",
        "alerts.checklist_ended",
        "alerts.error",
        "alerts.reminder_gone",
        "alerts.slow_down",
        "alerts.stale",
        "btn.add_daily",
        "btn.add_followup",
        "btn.back",
        "btn.better",
        "btn.cancel",
        "btn.cancel_location",
        "btn.cancel_reminder",
        "btn.check_again",
        "btn.confirm_delete",
        "btn.helpful_no",
        "btn.helpful_yes",
        "btn.keep_data",
        "btn.keep_offset",
        "btn.main_menu",
        "btn.new_followup",
        "btn.next",
        "btn.not_now",
        "btn.prev",
        "btn.remind",
        "btn.same",
        "btn.set_timezone",
        "btn.share_location",
        "btn.start_again",
        "btn.stop_reminders",
        "btn.timezone_by_time",
        "btn.type_city",
        "btn.worse",
        "checklist.cancelled",
        "checklist.disclaimer",
        "checklist.expired",
        "checklist.reask",
        "dates.at",
        "dates.no_zone",
        "errors.busy",
        "errors.flood",
        "errors.generic",
        "fallback.private_only",
        "fallback.unknown_command",
        "fallback.unsupported",
        "governance.changed",
        "governance.notice",
        "governance.signed",
        "governance.unsigned",
        "feedback.question",
        "feedback.thanks",
        "help.text",
        "language.changed",
        "language.prompt",
        "privacy.backups",
        "privacy.confirm_delete",
        "privacy.deleted",
        "privacy.kept",
        "privacy.mydata_checklist",
        "privacy.mydata_empty",
        "privacy.mydata_language_auto",
        "privacy.text",
        "profile.description",
        "profile.short_description",
        "reminders.ago_day",
        "reminders.ago_days",
        "reminders.ago_hour",
        "reminders.ago_hours",
        "reminders.ask_delay",
        "reminders.checkin",
        "reminders.combined",
        "reminders.created_daily",
        "reminders.created_followup",
        "reminders.daily_ask_kind",
        "reminders.daily_ask_time",
        "reminders.daily_moved",
        "reminders.item_daily",
        "reminders.item_followup",
        "reminders.late",
        "reminders.limit",
        "reminders.menu_title",
        "reminders.none",
        "reminders.snoozed",
        "reminders.tz_ask_time",
        "reminders.tz_set",
        "search.too_long",
        "sharing.button",
        "sharing.inline_none",
        "sharing.inline_open",
        "sharing.inline_too_long",
        "sharing.open_in_bot",
        "start.disclaimer",
        "start.greeting",
        "timezone.ask",
        "timezone.fixed_warning",
        "timezone.location_cancelled",
        "timezone.location_none",
        "timezone.location_prompt",
        "timezone.offer_dismissed",
        "timezone.offset_pick",
        "timezone.search_ask",
        "timezone.search_none",
        "timezone.search_pick",
        "timezone.upgrade_offer",
        "triage.checkin_context",
        "triage.resumed",
        "triage.worse_next",
        "userdata.ask_minute",
        "userdata.btn_change_time",
        "userdata.btn_keep",
        "userdata.btn_more_zones",
        "userdata.btn_stop_all_yes",
        "userdata.btn_stop_this",
        "userdata.btn_undo",
        "userdata.btn_zone",
        "userdata.changed_time",
        "userdata.chart_spasm_free",
        "userdata.country_pick",
        "userdata.csv_no_spasms",
        "userdata.deleted",
        "userdata.diary_spasm_free",
        "userdata.duplicate_followup",
        "userdata.kept",
        "userdata.location_set_place",
        "userdata.morning_diary",
        "userdata.mydata_checklist",
        "userdata.mydata_diary",
        "userdata.mydata_diary_counts",
        "userdata.mydata_diary_range",
        "userdata.mydata_file",
        "userdata.mydata_language",
        "userdata.mydata_more",
        "userdata.mydata_none",
        "userdata.mydata_profile",
        "userdata.mydata_reminders",
        "userdata.mydata_since",
        "userdata.mydata_title",
        "userdata.mydata_zone",
        "userdata.restore_gone",
        "userdata.restored",
        "userdata.search_pick_place",
        "userdata.spasm_free_line",
        "userdata.spasm_free_saved",
        "userdata.spasm_free_yesterday",
        "userdata.stop_all_ask",
        "userdata.stopped_all",
        "userdata.stopped_one",
        "userdata.stretch_title",
        "userdata.together",
        "userdata.zone_guessed",
        "userdata.zone_set_place",
    }
)
