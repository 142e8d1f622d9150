"""The hazard log (content/hazards.yaml): what could harm a user, and what stops it.

DCB0129, the NHS standard for the clinical risk management of health software, asks for a hazard
log: each hazard with its cause and effect, its risk before and after mitigation (severity x
likelihood on the standard's 5x5 matrix), and its mitigations traced to what implements and what
tests them. Here a mitigation names
- `items`: reviewable content items (ids from content/fingerprints.py, such as
  `checklist.questions.spine`, or a checklist item's own id when that is unique),
- `safety_netting`: a disposition (or any item) and a phrase its safety-netting must keep saying,
- `tests`: `tests/<file>.py::<test name>`, the tests that fail if the mitigation goes.
`check-content` refuses a name that does not exist, at the file and line that names it, so the
log cannot drift from the content or the test suite silently.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from content.fingerprints import Inventory
from content.problems import ContentError, Problem
from content.yaml_reader import Marked, read_yaml

FILE = "hazards.yaml"
SEVERITIES = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOODS = ("very_low", "low", "medium", "high", "very_high")
# DCB0129's risk matrix: rows likelihood (very low .. very high), columns severity (minor ..
# catastrophic), the risk rating 1 (acceptable) .. 5 (unacceptable).
_MATRIX = (
    (1, 1, 2, 2, 3),
    (1, 2, 2, 3, 4),
    (2, 2, 3, 3, 4),
    (2, 3, 3, 4, 5),
    (3, 4, 4, 5, 5),
)
RISK_WORDS = {
    1: "acceptable",
    2: "acceptable where further reduction is impractical",
    3: "undesirable",
    4: "unacceptable",
    5: "unacceptable",
}
# The highest rating a hazard may keep after its mitigations without a written justification:
# DCB0129 calls 3 "undesirable" and 4-5 "unacceptable", to be reduced or justified before release.
MAX_RESIDUAL = 3
_Fail = Callable[[Marked, object, str], None]
_TEST = re.compile(r"^(tests/[\w/]+\.py)::(\w+)(\[.*\])?$")


def risk(severity: str, likelihood: str) -> int:
    return _MATRIX[LIKELIHOODS.index(likelihood)][SEVERITIES.index(severity)]


@dataclass(frozen=True, slots=True)
class Risk:
    severity: str
    likelihood: str

    @property
    def rating(self) -> int:
        return risk(self.severity, self.likelihood)


@dataclass(frozen=True, slots=True)
class SafetyNet:
    item: str
    mentions: str  # a phrase the item's English safety-netting keeps saying


@dataclass(frozen=True, slots=True)
class Hazard:
    id: str
    title: str
    cause: str
    effect: str
    before: Risk
    after: Risk
    items: tuple[str, ...]
    safety_netting: tuple[SafetyNet, ...]
    tests: tuple[str, ...]
    justification: str  # why a residual risk above MAX_RESIDUAL is accepted for now
    line: int


@dataclass(frozen=True, slots=True)
class HazardLog:
    intended_use: str
    hazards: tuple[Hazard, ...]


def load_hazards(root: Path, inventory: Inventory, *, project: Path | None) -> HazardLog:
    """Read and check the hazard log; ContentError lists every problem (file, line, what).

    `project` is the directory holding tests/; None skips the test-name check (the Docker image
    ships no tests), which `check-content` in a checkout never does.
    """
    raw = read_yaml(root / FILE, FILE)
    problems: list[Problem] = []

    def fail(where: Marked, key: object, message: str) -> None:
        problems.append(Problem(FILE, where.line_of(key), message))

    intended = raw.get("intended_use")
    if not isinstance(intended, str) or not intended.strip():
        fail(raw, "intended_use", "the log needs `intended_use`: who the content is for and who it is not for")
        intended = ""
    entries = raw.get("hazards")
    if not isinstance(entries, list) or not entries:
        fail(raw, "hazards", "`hazards` must be a non-empty list")
        entries = []
    tests_cache: dict[str, frozenset[str] | None] = {}
    hazards: list[Hazard] = []
    seen: set[str] = set()
    for spec in entries:
        if not isinstance(spec, Marked):
            fail(raw, "hazards", "each hazard must be a mapping")
            continue
        allowed = {"id", "hazard", "cause", "effect", "before", "after", "justification", "mitigations"}
        for key in spec:
            if key not in allowed:
                fail(spec, key, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        hid = spec.get("id")
        if not isinstance(hid, str) or not re.fullmatch(r"H\d{2,3}", hid):
            fail(spec, "id", "a hazard needs an id such as H01")
            hid = f"line {spec.line}"
        elif hid in seen:
            fail(spec, "id", f"hazard id {hid} is used twice")
        seen.add(hid)
        words = {}
        for key in ("hazard", "cause", "effect"):
            value = spec.get(key)
            if not isinstance(value, str) or not value.strip():
                fail(spec, key, f"{hid}: missing {key!r}")
                value = ""
            words[key] = " ".join(value.split())
        before = _risk(spec, "before", hid, fail)
        after = _risk(spec, "after", hid, fail)
        if before and after:
            if after.rating > before.rating:
                fail(
                    spec,
                    "after",
                    f"{hid}: the risk after mitigation ({after.rating}) is higher than before ({before.rating})",
                )
            if after.rating > MAX_RESIDUAL and not str(spec.get("justification") or "").strip():
                fail(
                    spec,
                    "after",
                    f"{hid}: residual risk {after.rating} ({RISK_WORDS[after.rating]}) is above {MAX_RESIDUAL}: "
                    "mitigate further, narrow the intended use, or write its `justification`",
                )
        mit = spec.get("mitigations")
        if not isinstance(mit, Marked):
            fail(spec, "mitigations", f"{hid}: `mitigations` needs items, safety_netting and tests")
            mit = Marked()
            mit.file, mit.line, mit.lines = FILE, spec.line, {}
        for key in mit:
            if key not in ("items", "safety_netting", "tests"):
                fail(mit, key, f"{hid}: unknown mitigation kind {key!r} (items, safety_netting, tests)")
        items = tuple(_resolve(i, inventory, mit, hid, fail) for i in _names(mit, "items", hid, fail))
        nets = _nets(mit, inventory, hid, fail)
        tests = _names(mit, "tests", hid, fail)
        if not items:
            fail(mit, "items", f"{hid}: name at least one content item that mitigates it")
        if not tests:
            fail(mit, "tests", f"{hid}: name at least one test that fails if the mitigation goes")
        for name in tests:
            problem = _test_problem(name, project, tests_cache)
            if problem:
                fail(mit, "tests", f"{hid}: {problem}")
        if before and after:
            hazards.append(
                Hazard(
                    id=hid,
                    title=words["hazard"],
                    cause=words["cause"],
                    effect=words["effect"],
                    before=before,
                    after=after,
                    items=tuple(i for i in items if i),
                    safety_netting=nets,
                    tests=tests,
                    justification=" ".join(str(spec.get("justification") or "").split()),
                    line=spec.line,
                )
            )
    if problems:
        raise ContentError(dict.fromkeys(problems))  # a missing test file named twice is one problem
    return HazardLog(intended_use=" ".join(str(intended).split()), hazards=tuple(hazards))


def _risk(spec: Marked, key: str, hid: str, fail: _Fail) -> Risk | None:
    value = spec.get(key)
    if not isinstance(value, Marked):
        fail(spec, key, f"{hid}: `{key}` needs severity and likelihood")
        return None
    severity, likelihood = value.get("severity"), value.get("likelihood")
    if severity not in SEVERITIES:
        fail(value, "severity", f"{hid}: {key} severity must be one of {', '.join(SEVERITIES)}")
        return None
    if likelihood not in LIKELIHOODS:
        fail(value, "likelihood", f"{hid}: {key} likelihood must be one of {', '.join(LIKELIHOODS)}")
        return None
    return Risk(str(severity), str(likelihood))


def _names(mit: Marked, key: str, hid: str, fail: _Fail) -> tuple[str, ...]:
    value = mit.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(mit, key, f"{hid}: {key} must be a list of names")
        return ()
    return tuple(value)


def _resolve(name: str, inventory: Inventory, where: Marked, hid: str, fail: _Fail) -> str:
    """An item id as written in the log: a full id, or a checklist item's own id when unique."""
    if name in inventory.items:
        return name
    matches = [i for i in inventory.items if i.rsplit(".", 1)[-1] == name and not i.startswith("strings.")]
    if len(matches) == 1:
        return matches[0]
    if matches:
        fail(where, "items", f"{hid}: item {name!r} is ambiguous: {', '.join(matches)}")
    else:
        fail(where, "items", f"{hid}: no content item {name!r} (see `python main.py check-content --items`)")
    return ""


def _nets(mit: Marked, inventory: Inventory, hid: str, fail: _Fail) -> tuple[SafetyNet, ...]:
    value = mit.get("safety_netting", [])
    if not isinstance(value, list):
        fail(mit, "safety_netting", f"{hid}: safety_netting must be a list of {{item, mentions}}")
        return ()
    out = []
    for entry in value:
        if (
            not isinstance(entry, Marked)
            or not isinstance(entry.get("item"), str)
            or not isinstance(entry.get("mentions"), str)
        ):
            fail(mit, "safety_netting", f"{hid}: each safety_netting line needs `item` and `mentions`")
            continue
        item_id = _resolve(entry["item"], inventory, entry, hid, fail)
        if not item_id:
            continue
        words = inventory.items[item_id].texts.get("en", {})
        said = _plain(" ".join(words.values()))
        if entry["mentions"].casefold() not in said:
            fail(entry, "mentions", f"{hid}: {item_id} no longer says {entry['mentions']!r} (in English)")
            continue
        out.append(SafetyNet(item_id, entry["mentions"]))
    return tuple(out)


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).casefold().split())


def _test_problem(name: str, project: Path | None, cache: dict[str, frozenset[str] | None]) -> str | None:
    match = _TEST.match(name)
    if not match:
        return f"test {name!r} must be written tests/<file>.py::<test name>"
    if project is None:
        return None
    rel, func = match.group(1), match.group(2)
    if rel not in cache:
        cache[rel] = _test_names(project / rel)
    names = cache[rel]
    if names is None:
        return f"test file {rel} does not exist"
    if func not in names:
        return f"{rel} has no test {func!r}"
    return None


def _test_names(path: Path) -> frozenset[str] | None:
    """The test functions a file defines (top level and in classes), read without importing it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return None
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    )


def counts(log: HazardLog) -> Mapping[int, int]:
    """How many hazards sit at each residual rating."""
    out: dict[int, int] = {}
    for h in log.hazards:
        out[h.after.rating] = out.get(h.after.rating, 0) + 1
    return dict(sorted(out.items()))
