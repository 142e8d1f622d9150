"""The bot's profile as BotFather and the bot set it: getMe, the command lists (by scope and
language), the description, short description and name, and the chat menu button."""

from __future__ import annotations

import json
import re
from typing import Final

from bot.fake_telegram.checks import chat_id_of
from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import BOT_USER, JSONDict, bad
from content import limits

__all__ = ["BotSettings"]

_COMMAND_RE: Final = re.compile(r"[a-z0-9_]{1,32}")


class BotSettings(Dispatch):
    """getMe, set/get/deleteMyCommands, set/getMy(Short)Description, set/getMyName and
    set/getChatMenuButton."""

    def __init__(self) -> None:
        super().__init__()
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}  # (kind, language) -> text
        self._menu_buttons: dict[int | None, JSONDict] = {}

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list set with setMyCommands for this scope and language."""
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def bot_text(self, kind: str, language_code: str = "") -> str:
        """What setMyDescription / setMyShortDescription / setMyName stored
        (``kind`` = description | short_description | name)."""
        return self._bot_texts.get((kind, language_code), "")

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {**BOT_USER, "supports_inline_queries": self.inline_mode}

    @staticmethod
    def _scope_key(scope: object) -> str:
        if isinstance(scope, str):
            scope = json.loads(scope)
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    @staticmethod
    def _language(params: JSONDict) -> str:
        lang = params.get("language_code") or ""
        if not isinstance(lang, str) or (lang and not re.fullmatch(r"[a-z]{2}", lang)):
            raise bad("LANG_CODE_INVALID")
        return lang

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if not isinstance(c, dict) or not _COMMAND_RE.fullmatch(str(c.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            description = c.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (self._scope_key(params.get("scope")), self._language(params))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands.pop(key, None)
        return True

    def _set_bot_text(self, kind: str, params: JSONDict) -> bool:
        value = params.get(kind) or ""
        limit = {
            "description": limits.MAX_DESCRIPTION,
            "short_description": limits.MAX_SHORT_DESCRIPTION,
            "name": limits.MAX_BOT_NAME,
        }[kind]
        if not isinstance(value, str) or len(value) > limit:
            raise bad(f"{kind.upper()}_INVALID")
        self._bot_texts[(kind, self._language(params))] = value
        return True

    def _get_bot_text(self, kind: str, params: JSONDict) -> JSONDict:
        return {kind: self._bot_texts.get((kind, self._language(params)), "")}

    def _set_chat_menu_button(self, params: JSONDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        self._menu_buttons[chat_id_of(params)] = button
        return True

    def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        return self._menu_buttons.get(chat_id_of(params), {"type": "default"})
