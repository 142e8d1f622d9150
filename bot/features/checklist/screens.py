"""The checklist's screens, pure: the graph's next screen or result -> text and buttons.

Every button carries the answers so far as a short path (content.triage.encode_path), so the
screens need nothing but the content, the run's session id and the path.
"""

from __future__ import annotations

from types import MappingProxyType

from bot.features.checklist.callbacks import ChecklistBack, ChecklistCancel, ChecklistRestart, ContextTick, Step
from bot.ui.callbacks import AddFollowup, DoctorReport, StartLog
from bot.ui.keyboards import AnyButton, Screen, button, main_menu_button, markup
from content.model import Content
from content.triage import CONTEXT, NO, UNSURE, YES, Ask, Result, Triage, mask_context

SIGN_CODES = MappingProxyType({YES: "y", NO: "n", UNSURE: "u"})
CODE_SIGNS = MappingProxyType({code: answer for answer, code in SIGN_CODES.items()})


def back_path(triage: Triage, path: str) -> str:
    """The path one answer shorter (a context answer is two characters)."""
    return triage.back(path)


def ask_screen(
    content: Content,
    session: str,
    path: str,
    ask: Ask,
    lang: str,
    *,
    mask: int = 0,
    hint: str = "",
    prefix: str = "",
    restart: bool = False,
) -> Screen:
    """The screen for `ask`, reached by `path`; `mask`: the context options ticked so far."""
    triage = content.triage
    words = triage.text[lang]
    spec = ask.screen
    # The same for every run that reaches this screen; only the keyboard carries the run.
    text = content.derived(("triage_screen", path, lang), lambda: _ask_text(triage, ask, lang))
    if hint:  # what the user's diary says, above the criteria it answers (bot/services/diary.py)
        text = f"{hint}\n\n{text}"
    rows: list[list[AnyButton]] = []
    if spec.kind == "audience":
        rows += [
            [button(a.text[lang].button, Step(session, path, str(i)))] for i, a in enumerate(triage.audiences.values())
        ]
    elif spec.kind == CONTEXT:
        ticked = set(mask_context(triage, mask))
        for i, ctx in enumerate(triage.contexts.values()):
            label = ctx.text[lang].button
            if ctx.id in ticked:
                label = words.buttons["ticked"].format(label=label)
            rows.append([button(label, ContextTick(session, path, mask ^ (1 << i)))])
        done = words.buttons["continue"] if mask else words.buttons["none"]
        rows.append([button(done, Step(session, path, f"{mask:02x}"))])
    else:
        answers: list[AnyButton] = [
            button(words.answers[a], Step(session, path, SIGN_CODES[a])) for a in (YES, NO, UNSURE)
        ]
        rows.append(answers)
    controls: list[AnyButton] = []
    if path:  # every screen but the first
        controls.append(button(content.text(lang, "btn.back"), ChecklistBack(session, back_path(triage, path))))
    if restart:
        controls.append(button(content.text(lang, "btn.start_again"), ChecklistRestart(session)))
    controls.append(button(content.text(lang, "btn.cancel"), ChecklistCancel(session)))
    rows.append(controls)
    return Screen(prefix + text, markup(rows))


def _ask_text(triage: Triage, ask: Ask, lang: str) -> str:
    text = triage.screen_text(ask, lang)
    if ask.number > 1:
        text = f"<i>{triage.text[lang].progress.format(n=ask.number)}</i>\n\n{text}"
    return text


def outcome_screen(content: Content, session: str, path: str, result: Result, lang: str) -> Screen:
    triage = content.triage
    text = content.derived(("triage_outcome", path, lang), lambda: _outcome_text(content, result, lang))
    back = button(content.text(lang, "btn.back"), ChecklistBack(session, back_path(triage, path)))
    if result.level == triage.top:
        # An ambulance: the one instruction that matters, Back (so a mis-tap can be undone), the menu.
        return Screen(text, markup([[back, main_menu_button(content, lang)]]))
    keyboard = [
        [button(content.text(lang, "btn.remind"), AddFollowup(new=True, path=path))],
        # The report for the doctor (the result and the signs answered first, then the diary), as
        # a PDF or as text: made by the diary feature (bot/features/diary/report_flow.py).
        [
            button(content.text(lang, "report.pdf"), DoctorReport("pdf", session)),
            button(content.text(lang, "report.text"), DoctorReport("text", session)),
        ],
        # Logging spasms turns "come back often" and "gone on for weeks" into facts for next time.
        [button(content.diary.words(lang).buttons["log"], StartLog(new=True))],
        [back, button(content.text(lang, "btn.start_again"), ChecklistRestart(session))],
        [main_menu_button(content, lang)],
    ]
    return Screen(text, markup(keyboard))


def _outcome_text(content: Content, result: Result, lang: str) -> str:
    return content.triage.outcome_text(result, lang) + "\n\n" + content.text(lang, "checklist.disclaimer")
