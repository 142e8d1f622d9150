"""The content as the bot uses it: load_content plus the checks code adds (every button's data
fits the codec; the diary's choices are the codes storage keeps; the typed-emergency examples
fire or stay quiet as freetext.yaml says)."""

from __future__ import annotations

from pathlib import Path

from bot.services import diary, emergency_phrases
from bot.ui import callbacks
from content.loader import load_content
from content.model import Content


def load_checked_content(root: Path | str | None = None) -> Content:
    return load_content(
        root, checks=(callbacks.content_problems, diary.content_problems, emergency_phrases.check_examples)
    )
