"""The content layer: the shipped YAML loads, and every kind of editing mistake is refused with
the file, the line and the problem, so `python main.py check-content` can tell an editor what to fix.

Each broken-content test copies the shipped content into tmp_path and changes one thing. Lines
are looked up in the changed file, never hard-coded, so the tests survive edits to the texts.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from content.limits import MAX_BUTTON, MAX_MESSAGE
from content.loader import DEFAULT_DIR, load_content
from content.model import ACTIONS, MAIN_PAGE, REQUIRED_STRINGS, Content
from content.problems import ContentError, Problem

REPO = Path(__file__).resolve().parent.parent
BOT_DIR = REPO / "bot"


# --- helpers ---------------------------------------------------------------------------------


def copy_content(dest: Path) -> Path:
    """The shipped YAML (not the Python modules) under dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in DEFAULT_DIR.glob("*.yaml"):
        shutil.copy(path, dest / path.name)
    for sub in DEFAULT_DIR.iterdir():
        if sub.is_dir() and any(sub.glob("*.yaml")):
            shutil.copytree(sub, dest / sub.name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def replace(root: Path, rel: str, old: str, new: str) -> None:
    """Replace text that must occur exactly once (so a changed fixture fails loudly)."""
    text = read(root, rel)
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    write(root, rel, text.replace(old, new))


def append(root: Path, rel: str, text: str) -> int:
    """Append lines; returns the line number of the first appended line."""
    current = read(root, rel)
    if not current.endswith("\n"):
        current += "\n"
    write(root, rel, current + text)
    return current.count("\n") + 1


_KEY = re.compile(r"""^( *)(["']?)([^\s"'#:\-{\[][^:]*?)\2:(?:\s|$)""")


def _key_spans(lines: list[str]) -> Iterator[tuple[list[str], int, int]]:
    """(key path, index of the key line, indent) for every block-mapping key."""
    stack: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        m = _KEY.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(3)))
        yield [k for _, k in stack], index, indent


def key_line(root: Path, rel: str, dotted: str) -> int:
    """1-based line of a block-mapping key such as `what.body` or `btn.back`."""
    lines = read(root, rel).splitlines()
    for path, index, _ in _key_spans(lines):
        if path == dotted.split("."):
            return index + 1
    raise AssertionError(f"no key {dotted!r} in {rel}")


def _key_block(lines: list[str], dotted: str) -> tuple[int, int, int]:
    """(first, end, indent) of a key and the lines nested under it (block scalars included)."""
    for path, index, indent in _key_spans(lines):
        if path == dotted.split("."):
            end = index + 1
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > indent
            ):
                end += 1
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1  # keep the blank lines that separate it from the next key
            return index, end, indent
    raise AssertionError(f"no key {dotted!r}")


def set_value(root: Path, rel: str, dotted: str, value: str) -> int:
    """Give a key a new one-line YAML value; returns its line."""
    lines = read(root, rel).splitlines()
    first, end, indent = _key_block(lines, dotted)
    key = dotted.split(".")[-1]
    lines[first:end] = [" " * indent + f"{key}: {value}"]
    write(root, rel, "\n".join(lines) + "\n")
    return first + 1


def delete_key(root: Path, rel: str, dotted: str) -> None:
    lines = read(root, rel).splitlines()
    first, end, _ = _key_block(lines, dotted)
    del lines[first:end]
    write(root, rel, "\n".join(lines) + "\n")


def line_containing(root: Path, rel: str, needle: str) -> int:
    hits = [i for i, line in enumerate(read(root, rel).splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {rel}"
    return hits[0]


def problems_of(root: Path) -> tuple[Problem, ...]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    assert info.value.problems, "a ContentError must list its problems"
    return info.value.problems


def assert_problem(root: Path, file: str, line: int | None, *words: str) -> Problem:
    """The content fails to load, with a problem in `file` at `line` mentioning every word.

    line=None means "any line" (for problems that belong to a whole file)."""
    problems = problems_of(root)
    for problem in problems:
        if (
            problem.file == file
            and (line is None or problem.line == line)
            and all(w.lower() in problem.message.lower() for w in words)
        ):
            assert str(problem).startswith(f"{file}:{problem.line}: " if problem.line else f"{file}: ")
            return problem
    listing = "\n".join(f"  {p}" for p in problems)
    raise AssertionError(f"expected {file}:{line} mentioning {words}, got:\n{listing}")


# --- the shipped content ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Content:
    return load_content()


def test_shipped_content_loads(shipped: Content) -> None:
    assert shipped.default_language in shipped.languages
    assert set(shipped.languages) >= {"en", "it"}
    assert MAIN_PAGE in shipped.pages
    for page in shipped.pages.values():
        assert set(page.text) == set(shipped.languages), page.id
        for lang in shipped.languages:
            assert shipped.page_html(page.id, lang).startswith("<b>")
    assert shipped.fingerprint


def test_a_copy_of_the_shipped_content_loads(tree: Path, shipped: Content) -> None:
    copy = load_content(tree)
    assert copy.fingerprint == shipped.fingerprint
    assert copy.rendered == shipped.rendered


def test_every_page_is_reachable_from_the_main_menu(shipped: Content) -> None:
    seen: set[str] = set()
    frontier = [MAIN_PAGE]
    while frontier:
        page = shipped.pages[frontier.pop()]
        if page.id in seen:
            continue
        seen.add(page.id)
        for target in page.buttons:
            if target.startswith("@"):
                assert target[1:] in ACTIONS
            else:
                frontier.append(target)
    assert seen == set(shipped.pages)


def test_every_page_but_main_has_one_parent_that_lists_it(shipped: Content) -> None:
    assert shipped.pages[MAIN_PAGE].parent is None
    for page in shipped.pages.values():
        if page.id == MAIN_PAGE:
            continue
        assert page.parent is not None, page.id
        assert page.id in shipped.pages[page.parent].children
        listed_by = [p.id for p in shipped.pages.values() if page.id in p.children]
        assert listed_by == [page.parent]


def test_yes_and_no_stay_strings(shipped: Content) -> None:
    for lang in shipped.languages:
        answers = shipped.triage.text[lang].answers
        assert set(answers) == {"yes", "no", "unsure"}
        assert all(isinstance(label, str) for label in answers.values())


def test_unquoted_yes_and_no_stay_strings(tree: Path) -> None:
    """YAML 1.1 reads `yes`/`no` as booleans; the loader must not."""
    for lang, yes in (("en", "Yes"), ("it", "Sì")):
        replace(tree, f"{lang}/checklist.yaml", f'  "yes": "{yes}"', f'  yes: "{yes}"')
        replace(tree, f"{lang}/checklist.yaml", '  "no": "No"', '  no: "No"')
    assert set(load_content(tree).triage.text["en"].answers) == {"yes", "no", "unsure"}


def test_the_loaded_model_is_immutable(shipped: Content) -> None:
    page = shipped.pages["what"]
    triage = shipped.triage
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.default_language = "it"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.children = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.text["en"].body = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        triage.items["chest"].level = "self_care"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.reminders.max_active = 1000  # type: ignore[misc]
    proxies: list[Any] = [
        shipped.pages,
        page.text,
        shipped.strings,
        shipped.strings["en"],
        shipped.rendered,
        triage.items,
        triage.contexts,
        triage.text,
        triage.text["en"].outcomes,
        triage.items["chest"].text,
    ]
    for proxy in proxies:
        with pytest.raises(TypeError):
            proxy["new"] = "value"
    for sequence in (
        shipped.languages,
        page.children,
        page.links,
        triage.levels,
        triage.screens,
        triage.items["chest"].sources,
        shipped.reminders.timezones,
    ):
        assert isinstance(sequence, tuple)


# --- REQUIRED_STRINGS stays in sync with the code --------------------------------------------

KEY_SHAPE = re.compile(r"^[a-z_]+\.[a-z_.]+$")


def _string_exprs(node: ast.expr, names: dict[str, list[ast.expr]], depth: int = 0) -> Iterator[ast.expr]:
    """The literal expressions a key argument can evaluate to (through `x if c else y` and
    a local variable assigned in the same function)."""
    if isinstance(node, ast.IfExp):
        yield from _string_exprs(node.body, names, depth)
        yield from _string_exprs(node.orelse, names, depth)
    elif isinstance(node, ast.Name) and depth < 3:
        for value in names.get(node.id, []):
            yield from _string_exprs(value, names, depth + 1)
    else:
        yield node


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    names: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names.setdefault(node.target.id, []).append(node.value)
    return names


def scan_string_keys() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Keys the bot asks for with `content.text(lang, "key")`: (literal keys, f-string prefixes),
    each with where it is used. An AST walk, so quotes, `cb.lang` and `"a" if c else "b"` count."""
    literals: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for path in sorted(BOT_DIR.rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        scopes: list[ast.AST] = [module]
        scopes += [n for n in ast.walk(module) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        innermost: dict[int, ast.AST] = {}
        for scope in scopes:  # outer scopes first, so inner ones overwrite
            for node in ast.walk(scope):
                innermost[id(node)] = scope
        names_of = {id(scope): _assignments(scope) for scope in scopes}
        for node in ast.walk(module):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "text"
                and len(node.args) >= 2
            ):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            names = names_of[id(innermost[id(node)])]
            for expr in _string_exprs(node.args[1], names):
                if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                    if KEY_SHAPE.match(expr.value):
                        literals.setdefault(expr.value, []).append(where)
                elif isinstance(expr, ast.JoinedStr):
                    static = ""
                    for part in expr.values:
                        if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                            break
                        static += part.value
                    else:  # an f-string without {...} is a literal
                        if KEY_SHAPE.match(static):
                            literals.setdefault(static, []).append(where)
                        continue
                    if static and re.match(r"^[a-z_]+\.", static):
                        prefixes.setdefault(static, []).append(where)
    return literals, prefixes


@pytest.fixture(scope="module")
def scanned() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    literals, prefixes = scan_string_keys()
    assert literals, "the scan found no content.text(...) calls in bot/**/*.py"
    return literals, prefixes


def test_every_string_key_the_code_uses_exists(
    shipped: Content, scanned: tuple[dict[str, list[str]], dict[str, list[str]]]
) -> None:
    literals, prefixes = scanned
    en = shipped.strings["en"]
    missing = {key: where for key, where in literals.items() if key not in en}
    assert not missing, f"keys used in bot/**/*.py but missing from content/en/strings.yaml: {missing}"
    bad_prefixes = {p: where for p, where in prefixes.items() if not any(k.startswith(p) for k in en)}
    assert not bad_prefixes, f"f-string keys whose prefix no string has: {bad_prefixes}"


def test_required_strings_match_the_keys_the_code_uses(
    scanned: tuple[dict[str, list[str]], dict[str, list[str]]],
) -> None:
    literals, _ = scanned
    if set(REQUIRED_STRINGS) != set(literals):
        block = "\n".join(f'        "{key}",' for key in sorted(literals))
        raise AssertionError(
            "content/model.py REQUIRED_STRINGS is out of date with bot/**/*.py.\n"
            f"only in REQUIRED_STRINGS: {sorted(set(REQUIRED_STRINGS) - set(literals))}\n"
            f"only in the code: {sorted(set(literals) - set(REQUIRED_STRINGS))}\n"
            f"Replace its contents with:\n{block}"
        )


def test_command_descriptions_exist(shipped: Content) -> None:
    from bot.app import FEATURES, command_menu

    COMMANDS = command_menu(FEATURES)

    for lang in shipped.languages:
        for command in COMMANDS:
            description = shipped.text(lang, f"commands.{command}")
            assert 1 <= len(description) <= 256, command  # Telegram's limit for BotCommand


def test_keys_derived_from_content_ids_exist(shipped: Content) -> None:
    """The bot builds some keys from ids in the YAML: every such id has its string."""
    en = shipped.strings["en"]
    reminders = shipped.reminders
    keys = [f"actions.{a}" for a in ACTIONS]
    keys += [f"language.name.{lang}" for lang in shipped.languages]
    keys += [f"reminders.kind.{k}" for k in reminders.daily_kinds]
    keys += [f"reminders.daily_text.{k}" for k in reminders.daily_kinds]
    keys += [f"reminders.delay.{d.id}" for d in reminders.followup_delays]
    keys += [f"reminders.snooze.{s.id}" for s in reminders.snoozes]
    assert [k for k in keys if k not in en] == []


# --- broken content: YAML ---------------------------------------------------------------------


def test_yaml_syntax_error_names_file_and_line(tree: Path) -> None:
    line = key_line(tree, "it/pages.yaml", "what.title")
    set_value(tree, "it/pages.yaml", "what.title", "Cosa sono: gli spasmi")
    assert_problem(tree, "it/pages.yaml", line, "YAML syntax error")


def test_yaml_syntax_error_unclosed_bracket(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.therapy.children", "[therapy_selfcare, therapy_medical")
    problem = assert_problem(tree, "pages.yaml", None, "YAML syntax error")
    assert problem.line is not None
    assert problem.line >= line


def test_a_syntax_error_does_not_hide_problems_in_other_files(tree: Path) -> None:
    set_value(tree, "en/pages.yaml", "what.title", "What: are spasms")
    line = set_value(tree, "reminders.yaml", "max_active", "0")
    assert_problem(tree, "en/pages.yaml", None, "YAML syntax error")
    assert_problem(tree, "reminders.yaml", line, "max_active")


def test_missing_file(tree: Path) -> None:
    (tree / "it" / "checklist.yaml").unlink()
    assert_problem(tree, "it/checklist.yaml", None, "missing")


def test_a_file_that_is_not_a_mapping(tree: Path) -> None:
    write(tree, "meta.yaml", "- en\n- it\n")
    assert_problem(tree, "meta.yaml", 1, "mapping")


def test_duplicate_page_id_in_pages_yaml(tree: Path) -> None:
    line = append(tree, "pages.yaml", "  what: {}\n")
    assert_problem(tree, "pages.yaml", line, "duplicate key", "what")


def test_duplicate_key_in_a_language_file(tree: Path) -> None:
    first = key_line(tree, "en/pages.yaml", "what.title")
    replace(
        tree,
        "en/pages.yaml",
        "  title: What are muscle spasms?\n",
        "  title: What are muscle spasms?\n  title: Muscle spasms\n",
    )
    assert_problem(tree, "en/pages.yaml", first + 1, "duplicate key", "title")


def test_duplicate_string_key(tree: Path) -> None:
    line = append(tree, "en/strings.yaml", "btn:\n  back: Back\n")
    assert_problem(tree, "en/strings.yaml", line, "duplicate key", "btn")


# --- broken content: the page tree -----------------------------------------------------------


def test_dangling_child_reference(tree: Path) -> None:
    line = set_value(
        tree,
        "pages.yaml",
        "pages.therapy.children",
        "[therapy_selfcare, therapy_medical, therapy_surgery]",
    )
    assert_problem(tree, "pages.yaml", line, "unknown page", "therapy_surgery")


def test_dangling_link_reference(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.doctor.links", '["@checklist", cramp]')
    assert_problem(tree, "pages.yaml", line, "unknown page", "'cramp'")


def test_unreachable_page(tree: Path) -> None:
    set_value(tree, "pages.yaml", "pages.causes.children", "[causes_everyday, causes_neuro]")
    line = key_line(tree, "pages.yaml", "pages.causes_other")
    assert_problem(tree, "pages.yaml", line, "causes_other", "cannot be reached")


def test_page_with_two_parents(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.therapy.children", "[therapy_selfcare, therapy_medical, cramps]")
    assert_problem(tree, "pages.yaml", line, "cramps", "two parents", "main", "therapy")


def test_main_cannot_be_a_child(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.therapy.children", "[therapy_selfcare, therapy_medical, main]")
    assert_problem(tree, "pages.yaml", line, "'main'", "child")


def test_unknown_action(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.doctor.links", '["@checklist", "@settings"]')
    assert_problem(tree, "pages.yaml", line, "unknown action", "@settings")


@pytest.mark.parametrize("bad_id", ["What", "2pages", "a" * 25, "page-id"])
def test_bad_page_id(tree: Path, bad_id: str) -> None:
    line = append(tree, "pages.yaml", f'  "{bad_id}": {{}}\n')
    assert_problem(tree, "pages.yaml", line, "page id")


def test_bad_columns(tree: Path) -> None:
    line = set_value(tree, "pages.yaml", "pages.main.columns", "9")
    assert_problem(tree, "pages.yaml", line, "columns")


def test_unknown_key_in_a_page(tree: Path) -> None:
    line = append(tree, "pages.yaml", "  extra:\n    childs: [what]\n") + 1
    assert_problem(tree, "pages.yaml", line, "unknown key", "childs")


# --- broken content: translations ------------------------------------------------------------


def test_page_missing_in_a_language(tree: Path) -> None:
    delete_key(tree, "it/pages.yaml", "cramps")
    assert_problem(tree, "it/pages.yaml", None, "'cramps'", "no 'it' translation")


def test_page_named_like_a_language_missing_a_translation(tree: Path) -> None:
    """A page id may be "en" or "it": its missing translation must still be noticed."""
    replace(
        tree,
        "pages.yaml",
        "    children: [walking_pain, weakness]",
        "    children: [walking_pain, weakness, en]",
    )
    append(tree, "pages.yaml", "  en: {}\n")
    append(tree, "en/pages.yaml", "\nen:\n  title: English only\n  body: Only in English.\n")
    assert_problem(tree, "it/pages.yaml", None, "'en'", "no 'it' translation")


def test_extra_page_in_a_language_file(tree: Path) -> None:
    line = append(tree, "en/pages.yaml", "\nsurgery:\n  title: Surgery\n  body: Not in the tree.\n") + 1
    assert_problem(tree, "en/pages.yaml", line, "'surgery'", "not in pages.yaml")


def test_page_missing_its_title(tree: Path) -> None:
    delete_key(tree, "it/pages.yaml", "what.title")
    line = key_line(tree, "it/pages.yaml", "what.button")  # where the page's mapping now starts
    assert_problem(tree, "it/pages.yaml", line, "missing 'title'")


def test_safety_text_missing_in_one_language(tree: Path) -> None:
    delete_key(tree, "it/pages.yaml", "doctor.safety")
    line = key_line(tree, "it/pages.yaml", "doctor")
    assert_problem(tree, "it/pages.yaml", line, "'doctor'", "safety")


def test_string_missing_in_a_translation(tree: Path) -> None:
    delete_key(tree, "it/strings.yaml", "btn.back")
    assert_problem(tree, "it/strings.yaml", None, "missing translation", "'btn.back'")


def test_string_only_in_a_translation(tree: Path) -> None:
    line = append(tree, "it/strings.yaml", "extra_section:\n  only_here: Solo qui\n") + 1
    assert_problem(tree, "it/strings.yaml", line, "'extra_section.only_here'", "not in en/strings.yaml")


def test_required_string_missing(tree: Path) -> None:
    delete_key(tree, "en/strings.yaml", "start.greeting")
    delete_key(tree, "it/strings.yaml", "start.greeting")
    assert_problem(tree, "en/strings.yaml", None, "missing string", "'start.greeting'")


def test_action_label_missing(tree: Path) -> None:
    delete_key(tree, "en/strings.yaml", "actions.privacy")
    delete_key(tree, "it/strings.yaml", "actions.privacy")
    assert_problem(tree, "en/strings.yaml", None, "missing string", "'actions.privacy'")


def test_new_daily_kind_without_its_strings(tree: Path) -> None:
    set_value(tree, "reminders.yaml", "daily_kinds", "[stretch, water, diary, walk]")
    assert_problem(tree, "en/strings.yaml", None, "missing string", "'reminders.kind.walk'")
    assert_problem(tree, "en/strings.yaml", None, "missing string", "'reminders.daily_text.walk'")


def test_new_language_without_its_name(tree: Path) -> None:
    replace(tree, "meta.yaml", "languages: [en, it]", "languages: [en, it, de]")
    replace(tree, "meta.yaml", "locales: {en: en_GB, it: it_IT}", "locales: {en: en_GB, it: it_IT, de: de_DE}")
    shutil.copytree(tree / "en", tree / "de")
    assert_problem(tree, "en/strings.yaml", None, "missing string", "'language.name.de'")


def test_placeholder_mismatch_between_languages(tree: Path) -> None:
    line = set_value(tree, "it/strings.yaml", "start.greeting", '"Ciao, {nome}! 👋"')
    assert_problem(tree, "it/strings.yaml", line, "'start.greeting'", "placeholders", "nome", "first_name")


def test_empty_string(tree: Path) -> None:
    line = set_value(tree, "it/strings.yaml", "btn.back", '""')
    assert_problem(tree, "it/strings.yaml", line, "'btn.back'", "non-empty")


# --- broken content: Telegram's formatting and limits ----------------------------------------


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("<b>involuntary contractions", ("end tag",)),
        ("<p>involuntary contractions</p>", ("unsupported", "p")),
        ("involuntary & contractions", ("&",)),
        ("<b>involuntary <i>contractions</b></i>", ()),
        ("<a>involuntary contractions</a>", ()),
    ],
    ids=["unclosed-b", "p-tag", "bare-ampersand", "misnested", "a-without-href"],
)
def test_bad_html_in_a_page_body(tree: Path, bad: str, words: tuple[str, ...]) -> None:
    replace(tree, "en/pages.yaml", "<b>involuntary contractions</b>", bad)
    line = key_line(tree, "en/pages.yaml", "what.body")
    assert_problem(tree, "en/pages.yaml", line, "'what'", "bad Telegram HTML", *words)


def test_bad_html_in_safety_text(tree: Path) -> None:
    broken = "<b>Fatti visitare oggi stesso (dal medico"
    replace(tree, "it/pages.yaml", "<b>Fatti visitare oggi stesso</b> (dal medico", broken)
    line = key_line(tree, "it/pages.yaml", "doctor.safety")
    assert_problem(tree, "it/pages.yaml", line, "'doctor'", "safety", "bad Telegram HTML")


def test_bad_html_in_a_string(tree: Path) -> None:
    line = set_value(tree, "it/strings.yaml", "help.text", '"<b>Come usare il bot"')
    assert_problem(tree, "it/strings.yaml", line, "'help.text'", "bad Telegram HTML")


def test_bad_html_in_a_checklist_sign(tree: Path) -> None:
    line = set_value(tree, "en/checklist.yaml", "items.intense.text", '"so <big>painful</big>"')
    assert_problem(tree, "en/checklist.yaml", line, "items.intense.text", "bad Telegram HTML")


def test_page_body_too_long(tree: Path) -> None:
    long_body = " ".join(["spasm"] * (MAX_MESSAGE // 6 + 10))
    line = set_value(tree, "it/pages.yaml", "cramps.body", f'"{long_body}"')
    problem = assert_problem(tree, "it/pages.yaml", line, "'cramps'", f"max {MAX_MESSAGE}")
    assert re.search(r"is \d+ characters", problem.message)


def test_page_length_is_measured_after_rendering(tree: Path) -> None:
    """Tags do not count, entities count as one character: 4000 visible characters are fine."""
    body = "<b>" + "&amp;" * 2000 + "</b>" + "x" * 2000
    set_value(tree, "en/pages.yaml", "what.body", f'"{body}"')
    load_content(tree)


def test_button_label_too_long(tree: Path) -> None:
    line = set_value(tree, "en/pages.yaml", "what.button", '"' + "❓ " + "x" * MAX_BUTTON + '"')
    assert_problem(tree, "en/pages.yaml", line, "button label", "'what'", f"max {MAX_BUTTON}")


def test_title_as_button_label_too_long(tree: Path) -> None:
    delete_key(tree, "en/pages.yaml", "cramps.button")
    line = set_value(tree, "en/pages.yaml", "cramps.title", "Cramps and contractures " + "y" * MAX_BUTTON)
    assert_problem(tree, "en/pages.yaml", line, "button label", "'cramps'")


def test_string_button_label_too_long(tree: Path) -> None:
    line = set_value(tree, "it/strings.yaml", "btn.back", '"' + "‹ Indietro" + "!" * MAX_BUTTON + '"')
    assert_problem(tree, "it/strings.yaml", line, "button label", "'btn.back'")


# --- broken content: the checklist (more in tests/test_triage_graph.py) -----------------------


def test_duplicate_sign_id(tree: Path) -> None:
    text = read(tree, "checklist.yaml")
    write(tree, "checklist.yaml", text.replace("  - id: stroke\n", "  - id: chest\n", 1))
    assert_problem(tree, "checklist.yaml", None, "duplicate", "chest")


def test_sign_without_text_in_a_language(tree: Path) -> None:
    delete_key(tree, "it/checklist.yaml", "items.calf")
    assert_problem(tree, "it/checklist.yaml", None, "items.calf", "'it'")


def test_outcome_without_text_in_a_language(tree: Path) -> None:
    delete_key(tree, "en/checklist.yaml", "outcomes.today")
    assert_problem(tree, "en/checklist.yaml", None, "outcome 'today'")


# --- broken content: reminders ---------------------------------------------------------------


def test_unknown_time_zone(tree: Path) -> None:
    replace(tree, "reminders.yaml", "  - Asia/Tokyo\n", "  - Mars/Olympus_Mons\n")
    line = key_line(tree, "reminders.yaml", "timezones")
    assert_problem(tree, "reminders.yaml", line, "unknown time zone", "Mars/Olympus_Mons")


@pytest.mark.parametrize("directory", ["America/Argentina", "Europe"])
def test_a_directory_of_the_tz_database_is_no_time_zone(tree: Path, directory: str) -> None:
    """Opening a directory of the tz database raises IsADirectoryError, not "not found": both the
    offered zones and the guessed ones report it as a problem, with its line."""
    replace(tree, "reminders.yaml", "  - Asia/Tokyo\n", f"  - {directory}\n")
    replace(tree, "reminders.yaml", "  en: Europe/London\n", f"  en: {directory}\n")
    offered = key_line(tree, "reminders.yaml", "timezones")
    guessed = key_line(tree, "reminders.yaml", "guess_zones.en")
    assert_problem(tree, "reminders.yaml", offered, "unknown time zone", directory)
    assert_problem(tree, "reminders.yaml", guessed, "guess_zones: unknown time zone", directory)


@pytest.mark.parametrize("bad", ["25:00", "8:00", "12:60", "noon"])
def test_bad_daily_time(tree: Path, bad: str) -> None:
    replace(tree, "reminders.yaml", '"21:00"', f'"{bad}"')
    line = key_line(tree, "reminders.yaml", "daily_times")
    assert_problem(tree, "reminders.yaml", line, f"'{bad}'", "HH:MM")


def test_bad_delay(tree: Path) -> None:
    replace(tree, "reminders.yaml", "{id: d3, hours: 72}", "{id: d3, hours: -1}")
    line = key_line(tree, "reminders.yaml", "followup_delays")
    assert_problem(tree, "reminders.yaml", line, "followup_delays", "positive hours")


def test_unknown_key_in_reminders(tree: Path) -> None:
    line = append(tree, "reminders.yaml", "max_actve: 5\n")
    assert_problem(tree, "reminders.yaml", line, "unknown key", "max_actve")


# --- meta ------------------------------------------------------------------------------------


def test_default_language_must_be_offered(tree: Path) -> None:
    line = line_containing(tree, "meta.yaml", "default_language:")
    replace(tree, "meta.yaml", "default_language: en", "default_language: fr")
    assert_problem(tree, "meta.yaml", line, "'fr'", "not in languages")


def test_every_problem_prints_as_file_line_message(tree: Path) -> None:
    set_value(tree, "pages.yaml", "pages.doctor.links", '["@settings"]')
    replace(tree, "reminders.yaml", '"21:00"', '"24:00"')
    problems = problems_of(tree)
    assert len(problems) >= 2
    for problem in problems:
        assert re.match(r"^[\w/]+\.yaml(:\d+)?: \S", str(problem)), str(problem)
