"""The content as the bot uses it: load_content plus the checks code adds (every button's data
fits the codec; the diary's choices are the codes storage keeps; the typed-emergency examples
fire or stay quiet as freetext.yaml says).

The buttons to check are the features' (each declares the callbacks its content produces,
`Feature.static_callbacks`), and this layer never imports a feature: the wiring builds one
ContentChecks from FEATURES (bot/app.py `content_checks`) and keeps it as per-application state,
so /reload checks new content exactly as start-up did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.services import diary, emergency_phrases
from bot.ui import callbacks
from bot.ui.callbacks import Callback, Codec
from content.loader import load_content
from content.model import Content
from content.problems import Problem


@dataclass(frozen=True, slots=True)
class ContentChecks:
    codec: Codec  # every operation some feature routes
    static_callbacks: tuple[Callable[[Content], Iterable[Callback]], ...]

    def callback_problems(self, content: Content) -> list[Problem]:
        produced = (callback for produce in self.static_callbacks for callback in produce(content))
        return callbacks.content_problems(produced, self.codec)

    def load(self, root: Path | str | None = None) -> Content:
        """The content at `root` (the shipped content by default), or ContentError with every problem."""
        return load_content(
            root, checks=(self.callback_problems, diary.content_problems, emergency_phrases.check_examples)
        )
