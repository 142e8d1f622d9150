"""The callback codec: one class per operation, exact round trips, everything else refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.app import FEATURES, codec_of, load_checked_content
from bot.core.feature import routes
from bot.core.turn import Turn
from bot.features.reminders.callbacks import PickTime, SetOffset, Snooze
from bot.ui import callbacks
from bot.ui.callbacks import Callback, Codec, Vote
from content.limits import MAX_CALLBACK_BYTES
from content.problems import ContentError
from tests.test_content import copy_content, replace

# Every operation of the shipped bot: each feature's own classes and the shared entries.
CODEC = codec_of(FEATURES)
KINDS = CODEC.kinds
parse = CODEC.parse


def _sample(cls: type[Callback], longest: bool) -> Callback:
    values: list[object] = []
    for field, (pattern, read) in zip(dataclasses.fields(cls), cls.WIRE, strict=True):
        if read is int:
            values.append(10**12 - 1 if longest and field.name in ("reminder_id", "entry_id") else 7)
        elif pattern == callbacks.BOOL:
            values.append(True)
        elif field.name in ("session", "draft"):
            values.append("a1b2c3d4")
        elif field.name in ("when", "duration", "severity", "location", "context"):
            values.append("x" * 12 if longest else "m10_60")  # diary choice ids: at most 12
        elif field.name == "path":  # a checklist's answers so far (content.triage: at most 11 characters)
            values.append("0n0f" + "y" * 12 if longest else "0n")
        elif field.name == "choice":
            values.append("ff" if longest else "y")
        elif field.name == "answer":
            values.append("unsure")
        elif field.name == "form":
            values.append("text")  # the doctor's report: "pdf" or "text"
        elif field.name == "lang":
            values.append("it")
        elif field.name == "country":
            values.append("US")  # ISO 3166 alpha-2
        elif field.name == "zone":
            values.append("America/Argentina/ComodRivadavia")
        else:
            values.append("x" * 24 if longest else "cramps")
    return cls(*values)


@pytest.mark.parametrize("cls", sorted(KINDS.values(), key=lambda c: c.PREFIX), ids=lambda c: c.__name__)
@pytest.mark.parametrize("longest", [False, True])
def test_every_operation_round_trips_within_64_bytes(cls: type[Callback], longest: bool) -> None:
    callback = _sample(cls, longest)
    data = callback.encode()
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert parse(data) == callback
    assert type(parse(data)) is cls


def test_fields_come_back_typed() -> None:
    assert parse(SetOffset(-5).encode()) == SetOffset(-5)
    assert parse(PickTime("stretch", 450).encode()) == PickTime("stretch", 450)
    assert parse(Vote("cramps", helpful=False).encode()) == Vote("cramps", helpful=False)
    snooze = parse(Snooze(12, "1h").encode())
    assert isinstance(snooze, Snooze) and snooze.reminder_id == 12


@pytest.mark.parametrize(
    "data",
    [
        "",
        "p",
        "p:",
        "p:Causes",  # page ids are lower case
        "p:cramps:extra",
        "rc:abc",  # an id must be a number
        "rc:1.2",
        "rn:1",  # a field missing
        "ac:extra",  # an operation without fields takes none
        "kb",
        "h:cramps:y",  # the old vote form
        "r:cancel:1",  # the old reminders form, with a sub-argument in a string
        "a:checklist",  # the old action form
        "zz",
        "p:" + "a" * 70,
        None,
        42,
    ],
)
def test_anything_else_is_refused(data: object) -> None:
    assert parse(data) is None


def test_every_operation_has_exactly_one_route() -> None:
    routed = [on.kind for feature in FEATURES for on in feature.callbacks]
    assert len(routed) == len(set(routed)), "an operation is routed by two features"
    assert set(routed) == set(KINDS.values()), f"not routed: {set(KINDS.values()) - set(routed)}"


def test_each_feature_declares_the_content_buttons_of_what_it_routes() -> None:
    """`static_callbacks` (checked at load and on /reload) yields only its feature's routed
    operations, and every feature whose buttons carry content ids declares some."""
    content = load_checked_content()
    declaring = set()
    for feature in FEATURES:
        if feature.static_callbacks is None:
            continue
        routed = {on.kind for on in feature.callbacks}
        produced = {type(callback) for callback in feature.static_callbacks(content)}
        assert produced and produced <= routed, f"{feature.name}: {produced - routed}"
        declaring.add(feature.name)
    assert declaring == {"menu", "checklist", "reminders", "diary"}


def test_every_page_action_opens_a_routed_operation() -> None:
    from content.model import ACTIONS

    assert set(callbacks.ACTION_CALLBACKS) == ACTIONS


def test_content_a_button_cannot_carry_is_refused(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    replace(
        root, "reminders.yaml", "daily_kinds: [stretch, water, diary]", "daily_kinds: [stretch, water-intake, diary]"
    )
    with pytest.raises(ContentError) as info:
        load_checked_content(root)
    assert any("water-intake" in p.message and "button" in p.message for p in info.value.problems)


def test_a_route_is_read_from_its_handlers_signature() -> None:
    async def on_snooze(turn: Turn, cb: Snooze) -> str | None:
        return None

    async def on_text(turn: Turn, page: str) -> str | None:
        return None

    [on] = routes(on_snooze)
    assert on.kind is Snooze and on.route is on_snooze
    with pytest.raises(TypeError, match="on_text"):
        routes(on_text)  # type: ignore[arg-type]


def test_a_field_a_button_cannot_carry_is_refused_where_it_is_declared() -> None:
    with pytest.raises(TypeError, match=r"Odd\.when"):

        class Odd(Callback, prefix="zq"):
            when: float


def test_a_base_of_operations_is_not_one() -> None:
    class _Shared(Callback):
        reminder_id: int

    with pytest.raises(ValueError, match="_Shared has no prefix"):
        Codec([_Shared])
