"""One user in a private chat with the bot: `send`, `tap`, `screen`, as the tests read.

It sends text and taps buttons through the application's production update path and checks
that every callback query got answered.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.fake_telegram.api import FakeTelegram
from bot.fake_telegram.model import Button, FakeMessage, InlineAnswer, JSONDict

__all__ = ["ChatClient"]


# ------------------------------------------------------------------------------------------------
# A user in a private chat
# ------------------------------------------------------------------------------------------------


class ChatClient:
    """One user in a private chat with the bot, driving a real (initialized) ``Application``.

    Updates go through the production path
    (``app.update_processor.process_update(update, app.process_update(update))``), so handlers,
    filters, error handlers and the update processor all run as in production.
    """

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        fake: FakeTelegram,
        *,
        user_id: int = 42,
        first_name: str = "Ada",
        language_code: str | None = "en",
    ) -> None:
        self.app = app
        self.fake = fake
        self.user = fake.make_user(user_id, first_name=first_name, language_code=language_code)
        self._query_ids: list[str] = []
        self._inline_query_id = ""

    @property
    def chat_id(self) -> int:
        return int(self.user["id"])

    async def send_update(self, data: JSONDict) -> None:
        """Process any update dict (e.g. from a :class:`FakeTelegram` factory)."""
        update = Update.de_json(data, self.app.bot)
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    async def send(self, text: str) -> None:
        """The user sends a text message (``/start`` etc. carry a bot_command entity)."""
        await self.send_update(self.fake.text_update(self.user, text))

    def reply_keyboard(self) -> list[str]:
        """The labels of the reply keyboard shown in place of the phone's keyboard ([] if none)."""
        keyboard = self.fake.reply_keyboard(self.chat_id)
        if keyboard is None:
            return []
        return [b if isinstance(b, str) else str(b["text"]) for row in keyboard["keyboard"] for b in row]

    async def share_location(self, latitude: float, longitude: float) -> None:
        """Tap the reply keyboard's request_location button: the app sends the location."""
        keyboard = self.fake.reply_keyboard(self.chat_id)
        buttons = [b for row in (keyboard or {}).get("keyboard", []) for b in row if isinstance(b, dict)]
        if not any(b.get("request_location") for b in buttons):
            raise AssertionError(f"no request_location button on the reply keyboard: {self.reply_keyboard()}")
        await self.send_update(self.fake.location_update(self.user, latitude, longitude))

    async def press(self, label: str) -> None:
        """Tap a plain reply keyboard button: the app sends its text as a message."""
        if label not in self.reply_keyboard():
            raise AssertionError(f"no reply keyboard button {label!r}: {self.reply_keyboard()}")
        await self.send(label)

    def _find_button(self, label: str) -> Button:
        screen = self.screen()
        buttons = [b for row in screen.buttons for b in row]
        matches = [b for b in buttons if b.text == label]
        if not matches:
            wanted = label.casefold()
            matches = [b for b in buttons if wanted in b.text.casefold()]
        if len(matches) != 1:
            problem = "no button" if not matches else f"{len(matches)} buttons"
            raise AssertionError(
                f"{problem} matching {label!r} on message {screen.message_id}; available: {[b.text for b in buttons]}"
            )
        return matches[0]

    async def tap(self, *labels: str) -> None:
        """Tap the button labelled ``label`` (exact, else a unique case-insensitive substring)
        on the current screen, then the next label's on the screen that brings, and so on (a
        path through the menus in one line); assert the bot answered each callback query."""
        for label in labels:
            button = self._find_button(label)
            if button.callback_data is None:
                raise AssertionError(f"button {button.text!r} is a URL button (url={button.url!r})")
            await self.tap_data(button.callback_data, self.screen().message_id)

    async def tap_data(self, data: str, message_id: int | None = None) -> None:
        """Send a callback query with arbitrary ``data`` (forged or stale taps); by default on
        the current screen. Asserts the bot answered it."""
        if message_id is None:
            message_id = self.screen().message_id
        update = self.fake.callback_update(self.user, message_id, data)
        query_id = str(update["callback_query"]["id"])
        self._query_ids.append(query_id)
        await self.send_update(update)
        if query_id in self.fake.unanswered_callback_ids():
            raise AssertionError(f"callback query not answered (data={data!r})")

    def screen(self) -> FakeMessage:
        """The bot message the user is looking at (most recently sent or edited)."""
        current = self.fake.current(self.chat_id)
        if current is None:
            raise AssertionError(f"the bot has no message in chat {self.chat_id}")
        return current

    def last_text(self) -> str:
        return self.screen().plain

    def buttons(self) -> list[str]:
        return self.screen().labels

    def files(self, kind: str) -> list[FakeMessage]:
        """The photos or documents (kind) the bot sent in this chat, oldest first."""
        return [m for m in self.fake.bot_messages(self.chat_id) if m.kind == kind]

    def last_answer(self) -> JSONDict | None:
        """Parameters of the last successful answerCallbackQuery for this user's taps."""
        mine = set(self._query_ids)
        for call in reversed(self.fake.calls):
            if call.method == "answerCallbackQuery" and call.ok and str(call.params.get("callback_query_id")) in mine:
                return call.params
        return None

    # -- inline mode: this user typing @bot in any chat -------------------------------------------

    async def inline(self, query: str) -> InlineAnswer:
        """The user types ``@bot <query>``; the bot's answer, as Telegram accepted it."""
        update = self.fake.inline_query_update(self.user, query)
        self._inline_query_id = str(update["inline_query"]["id"])
        await self.send_update(update)
        answer = self.fake.inline_answer(self._inline_query_id)
        if answer is None:
            raise AssertionError(f"inline query {query!r} was not answered (or Telegram refused the answer)")
        return answer

    async def pick(self, result_id: str, chat_id: int) -> FakeMessage:
        """The user taps a result of their last inline query: it is posted in ``chat_id`` and the
        bot gets chosen_inline_result (as with @BotFather /setinlinefeedback on)."""
        message = self.fake.choose_inline_result(self.user, self._inline_query_id, result_id, chat_id)
        await self.send_update(self.fake.chosen_inline_result_update(self.user, self._inline_query_id, result_id))
        return message
