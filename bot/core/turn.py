"""One Turn per update: what every handler starts from, built once by the wiring.

The router (a button), the command and message handlers and the free-text dispatcher build it
before a feature's handler runs, so no handler repeats the preamble of resolving the user's
language (it was written 66 times) or reaching for the services through the context.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, Chat, Message, Update, User

from bot.infra.clock import Clock
from bot.infra.services import BotContext, Services
from bot.ui.keyboards import Screen
from bot.ui.replies import show
from bot.ui.screens import main_screen
from content.model import Content


@dataclass(frozen=True, slots=True)
class Turn:
    """One update as a handler needs it.

    `content` is read once: /reload swaps the services' content between updates, never in the
    middle of one. `lang` is the language to answer in, resolved once (touching the user's row
    when it is due, as every handler did before).
    """

    update: Update
    ctx: BotContext
    services: Services
    content: Content
    lang: str
    user: User | None
    chat: Chat | None

    @property
    def user_id(self) -> int:
        """The user's id. Every button and every private message has a user; only a channel post
        has none, and no handler is offered one (the wiring's filters are PRIVATE)."""
        if self.user is None:  # pragma: no cover - the filters keep such updates out
            raise LookupError("this update has no user")
        return self.user.id

    @property
    def chat_id(self) -> int:
        """The chat to answer in (every update a feature handles has one)."""
        if self.chat is None:  # pragma: no cover - the filters keep such updates out
            raise LookupError("this update has no chat")
        return self.chat.id

    @property
    def bot(self) -> Bot:
        return self.ctx.bot

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def now(self) -> int:
        return self.services.now()

    async def show(self, screen: Screen, *, new: bool = False) -> Message | None:
        """Edit the message whose button was tapped; otherwise (or when that fails) send one."""
        return await show(self.update, self.ctx, screen, new=new)

    async def stale(self) -> str:
        """A button from an old message, an older build, or forged: the menu, and a short alert."""
        await self.show(main_screen(self.content, self.lang))
        return self.content.text(self.lang, "alerts.stale")


async def turn_of(update: Update, ctx: BotContext) -> Turn:
    """The Turn of `update`. Outside private chats (a command sent in a group) the language is
    Telegram's and nothing is recorded about the user, as before."""
    services = ctx.services
    content = services.content
    chat = update.effective_chat
    user = update.effective_user
    if chat is not None and chat.type != Chat.PRIVATE:
        lang = content.language(user.language_code if user else None)
    else:
        lang = await services.user_language(update)
    return Turn(update, ctx, services, content, lang, user, chat)
