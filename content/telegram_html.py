"""Telegram's HTML ``parse_mode``, reimplemented to validate text before it is sent.

The rules follow Telegram's server-side parser (tdlib ``parse_html``), with two deliberate
strictnesses: an ``&`` that does not start a known entity, or an entity without its final ``;``,
is an error (Telegram's documentation requires escaping them; its parser silently keeps them),
and ``<a>`` must carry an ``href``.

* :func:`parse_html` returns the visible text, or raises :class:`TelegramHtmlError` with the
  message Telegram would give (``Can't parse entities: ...``).
* :func:`parse_html_with_entities` also returns the resulting message entities (UTF-16 offsets),
  in the shape the Bot API returns them.
* :func:`utf16_len` is how Telegram measures message length.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALLOWED_TAGS",
    "Entity",
    "TelegramHtmlError",
    "parse_html",
    "parse_html_with_entities",
    "utf16_len",
]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# tdlib's is_space: the characters that end a tag name and separate attributes.
_SPACES = frozenset(" \t\r\n\v\f")

_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class TelegramHtmlError(ValueError):
    """Text that Telegram would reject with ``Bad Request: Can't parse entities: ...``.

    ``offset`` is the UTF-8 byte offset Telegram reports (or the text length in bytes when the
    problem is at the end, e.g. an unclosed tag).
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Entity:
    """A message entity as the Bot API reports it; ``offset``/``length`` in UTF-16 units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The Bot API ``MessageEntity`` JSON object."""
        data: dict[str, object] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (characters outside the BMP count 2)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_start: int
    byte_offset: int


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_Open] = []

    # -- helpers -------------------------------------------------------------------------------

    def char(self, i: int) -> str:
        return self.text[i] if i < self.n else ""

    def byte_offset(self, i: int) -> int:
        return len(self.text[:i].encode("utf-8", "surrogatepass"))

    def fail(self, detail: str, i: int) -> TelegramHtmlError:
        return TelegramHtmlError(f"Can't parse entities: {detail}", self.byte_offset(i))

    def emit(self, s: str) -> None:
        self.out.append(s)
        self.utf16 += utf16_len(s)

    def skip_spaces(self, i: int) -> int:
        while i < self.n and self.text[i] in _SPACES:
            i += 1
        return i

    def decode_entity(self, i: int) -> tuple[str, int]:
        """Decode the character reference starting at ``text[i] == '&'``; return (char, next i)."""
        text = self.text
        j = i + 1
        if self.char(j) == "#":
            j += 1
            if self.char(j) in ("x", "X"):
                j += 1
                start = j
                while j < self.n and text[j] in "0123456789abcdefABCDEF":
                    j += 1
                digits, base = text[start:j], 16
            else:
                start = j
                while j < self.n and text[j].isascii() and text[j].isdigit():
                    j += 1
                digits, base = text[start:j], 10
            if not digits or self.char(j) != ";":
                raise self.fail(
                    f'unsupported entity "{text[i : j + 1]}" at byte offset {self.byte_offset(i)}',
                    i,
                )
            code = int(digits, base)
            if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise self.fail(
                    f'invalid character reference "{text[i : j + 1]}" at byte offset {self.byte_offset(i)}',
                    i,
                )
            return chr(code), j + 1
        start = j
        while j < self.n and text[j].isascii() and text[j].isalpha():
            j += 1
        name = text[start:j]
        if name not in _NAMED_ENTITIES or self.char(j) != ";":
            shown = text[i : j + 1] if self.char(j) == ";" else text[i:j]
            raise self.fail(
                f'unsupported entity "{shown}" at byte offset {self.byte_offset(i)}; escape "&" as "&amp;"',
                i,
            )
        return _NAMED_ENTITIES[name], j + 1

    # -- tags ----------------------------------------------------------------------------------

    def start_tag(self, begin: int) -> int:
        text = self.text
        i = begin + 1
        while i < self.n and text[i] not in _SPACES and text[i] != ">":
            i += 1
        if i >= self.n:
            raise self.fail(f"unclosed start tag at byte offset {self.byte_offset(begin)}", begin)
        tag = text[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.fail(f'unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}', begin)
        argument = ""
        has_href = False
        while self.char(i) != ">":
            i = self.skip_spaces(i)
            if self.char(i) == ">":
                break
            if i >= self.n:
                raise self.fail(f'unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}', begin)
            attr_begin = i
            while i < self.n and text[i] not in _SPACES and text[i] not in "=>":
                i += 1
            attr = text[attr_begin:i]
            if not attr:
                raise self.fail(
                    f'empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(begin)}',
                    begin,
                )
            i = self.skip_spaces(i)
            if self.char(i) != "=":
                if tag == "blockquote" and attr == "expandable":
                    argument = "expandable"
                    continue
                raise self.fail(
                    f'expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}",
                    begin,
                )
            i = self.skip_spaces(i + 1)
            if i >= self.n:
                raise self.fail(f'unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}', begin)
            quote = text[i]
            if quote not in "'\"":
                token_begin = i
                while i < self.n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                    i += 1
                value = text[token_begin:i].lower()
                if i < self.n and text[i] not in _SPACES and text[i] != ">":
                    raise self.fail(
                        f"unexpected end of name token at byte offset {self.byte_offset(token_begin)}",
                        token_begin,
                    )
            else:
                i += 1
                parts: list[str] = []
                while i < self.n and text[i] != quote:
                    if text[i] == "&":
                        ch, i = self.decode_entity(i)
                        parts.append(ch)
                    else:
                        parts.append(text[i])
                        i += 1
                if i >= self.n:
                    raise self.fail(f"unclosed start tag at byte offset {self.byte_offset(begin)}", begin)
                i += 1
                value = "".join(parts)
            if i >= self.n:
                raise self.fail(f"unclosed start tag at byte offset {self.byte_offset(begin)}", begin)
            if tag == "a" and attr == "href":
                argument, has_href = value, True
            elif tag == "code" and attr == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attr == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attr == "emoji-id":
                argument = value
            elif tag == "blockquote" and attr == "expandable":
                argument = "expandable"
        if tag == "span" and argument != "spoiler":
            raise self.fail(
                f'tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}',
                begin,
            )
        if tag == "a" and not has_href:
            raise self.fail(
                f'tag "a" must have attribute "href" at byte offset {self.byte_offset(begin)}',
                begin,
            )
        if tag == "tg-emoji" and not (argument.isascii() and argument.isdigit()):
            raise self.fail("invalid custom emoji identifier specified", begin)
        self.stack.append(_Open(tag, argument, self.utf16, self.byte_offset(begin)))
        return i + 1

    def end_tag(self, begin: int) -> int:
        text = self.text
        if not self.stack:
            raise self.fail(f"unexpected end tag at byte offset {self.byte_offset(begin)}", begin)
        i = begin + 2
        while i < self.n and text[i] not in _SPACES and text[i] != ">":
            i += 1
        name = text[begin + 2 : i]  # compared as written, like Telegram: <B>x</B> fails
        i = self.skip_spaces(i)
        if self.char(i) != ">":
            raise self.fail(f"unclosed end tag at byte offset {self.byte_offset(begin)}", begin)
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.fail(
                f"unmatched end tag at byte offset {self.byte_offset(begin)}, expected "
                f'"</{opened.tag}>", found "</{name}>"',
                begin,
            )
        self.stack.pop()
        self.close_entity(opened)
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        length = self.utf16 - opened.utf16_start
        if length <= 0:
            return
        start, arg = opened.utf16_start, opened.argument
        kind = _ENTITY_TYPES[opened.tag]
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last.offset == start and last.length == length
        if kind == "pre" and same_span and last is not None and last.type == "code":
            # <pre><code class="language-x">...</code></pre>: one pre entity with a language.
            self.entities[-1] = Entity("pre", start, length, language=last.language)
            return
        if kind == "text_link":
            self.entities.append(Entity(kind, start, length, url=arg))
        elif kind == "code":
            self.entities.append(Entity(kind, start, length, language=arg or None))
        elif kind == "custom_emoji":
            self.entities.append(Entity(kind, start, length, custom_emoji_id=arg))
        elif kind == "blockquote" and arg == "expandable":
            self.entities.append(Entity("expandable_blockquote", start, length))
        else:
            self.entities.append(Entity(kind, start, length))

    # -- main loop -----------------------------------------------------------------------------

    def run(self) -> tuple[str, list[Entity]]:
        text = self.text
        i = 0
        while i < self.n:
            c = text[i]
            if c == "&":
                ch, i = self.decode_entity(i)
                self.emit(ch)
            elif c == "<":
                i = self.end_tag(i) if self.char(i + 1) == "/" else self.start_tag(i)
            else:
                j = i + 1
                while j < self.n and text[j] not in "&<":
                    j += 1
                self.emit(text[i:j])
                i = j
        if self.stack:
            raise TelegramHtmlError(
                f"Can't parse entities: can't find end tag corresponding to start tag \"{self.stack[-1].tag}\"",
                self.stack[-1].byte_offset,
            )
        entities = [self.fix_code(e) for e in self.entities]
        entities.sort(key=lambda e: (e.offset, -e.length))
        return "".join(self.out), entities

    @staticmethod
    def fix_code(entity: Entity) -> Entity:
        # A language only means something on pre; a lone <code class="language-x"> is code.
        if entity.type == "code" and entity.language is not None:
            return Entity("code", entity.offset, entity.length)
        return entity


def parse_html_with_entities(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML; return the visible text and its entities (UTF-16 offsets).

    Raises :class:`TelegramHtmlError` for text Telegram would reject.
    """
    return _Parser(text).run()


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML ``text`` (tags removed, entities decoded).

    Raises :class:`TelegramHtmlError` for text Telegram would reject.
    """
    return _Parser(text).run()[0]
