"""Telegram's limits, in one place: content validation, the callback codec and the fake Bot API read them."""

from __future__ import annotations

from typing import Final

MAX_MESSAGE: Final = 4096  # a message's text, in UTF-16 code units after entity parsing
MAX_CALLBACK_BYTES: Final = 64  # an inline button's callback_data, in UTF-8 bytes
MAX_CAPTION: Final = 1024  # a photo's or document's caption, in UTF-16 code units after parsing
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024  # sendPhoto's upload limit
MAX_DOCUMENT_BYTES: Final = 50 * 1024 * 1024  # sendDocument's upload limit
MAX_CALLBACK_ANSWER: Final = 200  # the text of an answerCallbackQuery alert
MAX_COMMAND_DESCRIPTION: Final = 256  # a BotCommand description
# Telegram accepts longer button labels, but a phone shows about 40 characters of a full-width
# button before it cuts the label: ours must be read whole.
MAX_BUTTON: Final = 40
MAX_INLINE_BUTTONS: Final = 100  # buttons in one inline keyboard
MAX_DESCRIPTION: Final = 512  # the bot's description ("What can this bot do?")
MAX_SHORT_DESCRIPTION: Final = 120  # the bot's short description (profile, shared links)
MAX_BOT_NAME: Final = 64
MAX_START_PARAMETER: Final = 64  # a deep link's ?start= value, of A-Z a-z 0-9 _ -
MAX_INLINE_QUERY: Final = 256  # what a user can type after @bot
MAX_INLINE_RESULTS: Final = 50  # results in one answerInlineQuery
