"""A chat with the bot in the terminal: the real Application over the in-process fake Telegram.

No token and no network. Buttons are shown as numbered choices; type a number to tap one, or
any text to send it. `:wait 3d` moves the demo's clock forward so reminders come due.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from types import MappingProxyType
from typing import TextIO

from bot.app import build_application
from bot.fake_telegram import ChatClient, FakeMessage, FakeTelegram
from bot.features.diary.state import state_of as diary_state
from bot.infra.clock import SystemClock
from bot.infra.services import services_of
from bot.infra.settings import Settings
from bot.lifecycle import running
from content.model import Content

_UNITS = MappingProxyType({"m": 60, "h": 3600, "d": 86400})


class ShiftedClock(SystemClock):
    """Real time plus an offset the demo user can move forward with `:wait`."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return super().now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class Demo:
    def __init__(
        self, settings: Settings, content: Content, out: TextIO = sys.stdout, files: Path | None = None
    ) -> None:
        self.clock = ShiftedClock()
        self.fake = FakeTelegram(clock=self.clock.now)
        self.app = build_application(settings, content=content, clock=self.clock, request=self.fake, rate_limit=False)
        self.content = content
        # The demo's own lines (help, notes, prompts) speak the language the demo user speaks.
        self.lang = content.default_language
        self.client = ChatClient(self.app, self.fake, user_id=10001, first_name="Demo", language_code=self.lang)
        self.out = out
        # Photos and documents the bot sends (the diary's chart and CSV) are written here, so a
        # person can open them: a terminal cannot show them.
        self.files = files or Path(settings.database).resolve().parent / "demo-files"
        self._seen = 0
        self._printed: dict[int, object] = {}

    def say(self, key: str, **values: object) -> None:
        """One of the demo's own lines (content/<lang>/strings.yaml demo.*), in the user's language."""
        self.print(self.content.text(self.lang, f"demo.{key}", **values).rstrip("\n"))

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def render(self) -> None:
        """Print what changed in the chat since last time, as Telegram would show it."""
        calls = self.fake.calls[self._seen :]
        self._seen = len(self.fake.calls)
        for call in calls:
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                self.print(f"  [{call.params['text']}]")
            elif not call.ok and call.method not in ("getUpdates",):
                self.say("refused", method=call.method, error=call.error)
        for message in self.fake.bot_messages(self.client.chat_id):
            state = (message.plain, message.buttons)
            if self._printed.get(message.message_id) != state:
                self._printed[message.message_id] = state
                self._print_message(message)

    def _print_message(self, message: FakeMessage) -> None:
        edited = self.content.text(self.lang, "demo.edited") if message.edited else ""
        self.print("─" * 60 + edited)
        if message.kind in ("photo", "document") and message.file_bytes:
            self.files.mkdir(parents=True, exist_ok=True)
            if message.kind == "photo":
                name = f"chart-{message.message_id}.png"
            else:
                name = f"{message.message_id}-{Path(message.file_name or 'file').name}"
            path = self.files / name
            path.write_bytes(message.file_bytes)
            self.say("picture" if message.kind == "photo" else "file", path=path)
        self.print(message.plain)
        number = 1
        for row in message.buttons:
            labels = []
            for b in row:
                labels.append(f"[{number}] {b.text}")
                number += 1
            self.print("   ".join(labels))
        keyboard = message.reply_keyboard
        if keyboard and "keyboard" in keyboard:
            keys = [b["text"] if isinstance(b, dict) else str(b) for row in keyboard["keyboard"] for b in row]
            self.say("keyboard", keys="   ".join(f"[{k}]" for k in keys))

    async def tap_number(self, number: int) -> None:
        current = self.fake.current(self.client.chat_id)
        buttons = [b for row in current.buttons for b in row] if current else []
        if not 1 <= number <= len(buttons):
            self.say("no_button", number=number)
            return
        await self.client.tap_data(buttons[number - 1].callback_data or "", current.message_id if current else None)

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line in (":help", ":h", "?"):
            self.say("help")
            return True
        if match := re.fullmatch(r":wait\s+(\d+)\s*([mhd])", line):
            self.clock.advance(int(match[1]) * _UNITS[match[2]])
            services_of(self.app).wake_delivery()
            await asyncio.sleep(0.05)  # let the delivery pass run before we print
            self.say("waited", amount=f"{match[1]}{match[2]}")
        elif match := re.fullmatch(r":lang\s+([a-z]{2})", line):
            if match[1] not in self.content.languages:
                self.say("unknown_language", languages=", ".join(self.content.languages))
                return True
            self.lang = match[1]
            self.client = ChatClient(self.app, self.fake, user_id=10001, first_name="Demo", language_code=self.lang)
            self.say("language", language=self.content.text(self.lang, f"language.name.{self.lang}"))
        elif match := re.fullmatch(r":location\s+(-?[\d.]+)[\s,]+(-?[\d.]+)", line):
            await self.client.send_update(self.fake.location_update(self.client.user, float(match[1]), float(match[2])))
        elif line.isdigit():
            await self.tap_number(int(line))
        else:
            await self.client.send(line)
        await diary_state(self.app).settled()  # a chart follows its words: wait for it
        self.render()
        return True

    async def run(self, lines: TextIO = sys.stdin) -> None:
        async with running(self.app):
            self.say("intro")
            self.say("help")
            await self.client.send("/start")
            self.render()
            while True:
                self.out.write("> ")
                self.out.flush()
                line = await asyncio.to_thread(lines.readline)
                if not line:
                    self.print()
                    break
                if not await self.handle(line):
                    break


def run_demo(settings: Settings, content: Content) -> None:
    if settings.database == Path("data/spasm-guide.sqlite3"):
        settings = Settings(**{**settings.__dict__, "database": Path("data/demo.sqlite3")})
    asyncio.run(Demo(settings, content).run())
