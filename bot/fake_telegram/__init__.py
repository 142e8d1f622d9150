"""The Telegram of the demo, the tests and the benchmarks: a fake Bot API.

- `api.FakeTelegram`: an in-process Bot API plugged into python-telegram-bot as its request;
  it keeps every chat's messages and rejects what Telegram rejects, with Telegram's wording.
  One module per concern: `messages`, `files`, `inline`, `settings`, `webhooks`, `updates`, on
  `dispatch` (the request) and `state` (the chats), with `model` and `checks` below them.
- `client.ChatClient`: one user in a private chat (`send`, `tap`, `screen`).
- `http.FakeTelegramServer`: the same Bot API over HTTP on loopback, for the subprocess tests
  and the concurrency benchmark (`python -m bot.fake_telegram.http`).

The production image ships it (it is 60 KB of pure Python) so that `main.py demo` works inside
the container; `main.py run` never imports it.
"""

from bot.fake_telegram.api import BOT_ID, BOT_USER, ApiCall, Button, FakeMessage, FakeTelegram, InlineAnswer
from bot.fake_telegram.client import ChatClient

__all__ = ["BOT_ID", "BOT_USER", "ApiCall", "Button", "ChatClient", "FakeMessage", "FakeTelegram", "InlineAnswer"]
