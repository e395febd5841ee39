"""Keep placeholders and markup intact through a machine translation engine.

:func:`prepare` cuts a text into lines (Markdown prefixes such as ``- `` or ``## `` stay out of
the engine) and :func:`protect` turns each line into XML the engines keep: the translatable text
is escaped and every protected span — ``{placeholder}``, ``{{ var }}``, ``%(name)s``, ``%s``,
inline tags (XLIFF ``<ph/>``/``<pc>``, HTML), Markdown link targets ``](…)``, inline code and
URLs — becomes an opaque numbered ``<x id="N"/>``. :meth:`Protected.restore` puts the spans
back and raises :class:`PlaceholderMismatch` (with the reason) when the engine lost, repeated,
invented or reordered a token, or added markup of its own.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Line", "PlaceholderMismatch", "Prepared", "Protected", "prepare", "protect"]

_SPANS = re.compile(
    r"""
    \]\([^)\s]*(?:\s+"[^"\n]*")?\)                    # Markdown link target ](url "title")
    | `[^`\n]+`                                       # inline code
    | (?:https?|mailto):[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]  # URL (not its trailing punctuation)
    | </?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>             # a tag: XLIFF inline code, HTML
    | %\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]   # %(name)s
    | %[sdif%]                                        # %s
    | \{\{[^{}\n]*\}\}                                # {{ var }}
    | \{[^{}\s]{0,60}\}                               # {name}, {0}, {}
    """,
    re.VERBOSE,
)
_TOKEN = re.compile(r"""<x\s+id\s*=\s*["'](\d+)["']\s*(?:/>|>\s*</x\s*>)""")
_RAW_MARKUP = re.compile(r"</?[A-Za-z]")
_TAG_NAME = re.compile(r"^<(/?)([A-Za-z][\w:.-]*)")
_PREFIX = re.compile(r"^(\s*(?:(?:#{1,6}|>|[-*+]|\d{1,3}[.)])\s+)*)(.*?)(\s*)$", re.DOTALL)


class PlaceholderMismatch(ValueError):
    """The engine's output cannot be restored; ``reason`` says why in plain words.

    ``code`` (``lost``, ``repeated``, ``invented``, ``moved``, ``markup``, ``lines``) and ``span``
    (the placeholder concerned, if one) let an interface word it in its own language."""

    def __init__(self, reason: str, code: str, span: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.span = span


@dataclass(frozen=True, slots=True)
class Protected:
    text: str  # XML: escaped text with <x id="N"/> tokens, N from 1
    originals: tuple[str, ...]  # the span behind token N is originals[N - 1]
    pairs: tuple[tuple[int, int], ...] = ()  # (opening, closing) token numbers of tag pairs

    def restore(self, translated: str) -> str:
        """The engine's output with the spans put back; refuses any mismatch."""
        found = [int(match.group(1)) for match in _TOKEN.finditer(translated)]
        counts = Counter(found)
        expected = range(1, len(self.originals) + 1)
        missing = [self.originals[n - 1] for n in expected if counts[n] == 0]
        if missing:
            raise PlaceholderMismatch(f"the translation lost {missing[0]}", "lost", missing[0])
        repeated = [self.originals[n - 1] for n in expected if counts[n] > 1]
        if repeated:
            raise PlaceholderMismatch(
                f"the translation repeats {repeated[0]}", "repeated", repeated[0]
            )
        if len(found) != len(self.originals):
            raise PlaceholderMismatch(
                "the translation has placeholders the source does not", "invented"
            )
        position = {number: index for index, number in enumerate(found)}
        for opening, closing in self.pairs:
            if position[opening] > position[closing]:
                raise PlaceholderMismatch(
                    f"the translation moved {self.originals[closing - 1]} "
                    f"before {self.originals[opening - 1]}",
                    "moved",
                    self.originals[closing - 1],
                )
        pieces = _TOKEN.split(translated)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            if index % 2:
                out.append(self.originals[int(piece) - 1])
            elif _RAW_MARKUP.search(piece):
                raise PlaceholderMismatch("the translation added markup of its own", "markup")
            else:
                out.append(html.unescape(piece))
        return "".join(out)


def _pairs(spans: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Opening and closing tags that belong together (by name, innermost first)."""
    open_tags: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for number, span in enumerate(spans, start=1):
        match = _TAG_NAME.match(span)
        if match is None or span.endswith("/>"):
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing:
            open_tags.append((name, number))
            continue
        for index in range(len(open_tags) - 1, -1, -1):
            if open_tags[index][0] == name:
                pairs.append((open_tags[index][1], number))
                del open_tags[index:]
                break
    return tuple(pairs)


def protect(text: str) -> Protected:
    """``text`` as XML for an engine, every protected span a numbered ``<x/>`` token."""
    parts: list[str] = []
    spans: list[str] = []
    last = 0
    for match in _SPANS.finditer(text):
        parts.append(html.escape(text[last : match.start()], quote=False))
        spans.append(match.group(0))
        parts.append(f'<x id="{len(spans)}"/>')
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return Protected("".join(parts), tuple(spans), _pairs(spans))


@dataclass(frozen=True, slots=True)
class Line:
    prefix: str  # indentation and Markdown markers, kept as they are
    body: Protected | None  # None: nothing to translate on this line
    suffix: str


@dataclass(frozen=True, slots=True)
class Prepared:
    lines: tuple[Line, ...]

    def segments(self) -> list[str]:
        """What the engine translates: one XML segment per line with text."""
        return [line.body.text for line in self.lines if line.body is not None]

    def assemble(self, translated: Sequence[str]) -> str:
        """The whole text again from the engine's segments (in :meth:`segments` order)."""
        if len(translated) != len(self.segments()):
            raise PlaceholderMismatch("the service returned a wrong number of lines", "lines")
        answers = iter(translated)
        out = []
        for line in self.lines:
            body = "" if line.body is None else line.body.restore(next(answers).strip())
            out.append(line.prefix + body + line.suffix)
        return "\n".join(out)


def prepare(text: str) -> Prepared:
    """Cut ``text`` into lines ready for :meth:`Prepared.segments`."""
    lines = []
    for raw in text.split("\n"):
        match = _PREFIX.match(raw)
        assert match is not None  # the pattern matches any line
        prefix, body, suffix = match.groups()
        protected = protect(body)
        has_words = any(ch.isalpha() for ch in html.unescape(_TOKEN.sub("", protected.text)))
        if not has_words:  # only markers, numbers, placeholders: nothing to send
            prefix, protected_or_none = prefix + body, None
        else:
            protected_or_none = protected
        lines.append(Line(prefix, protected_or_none, suffix))
    return Prepared(tuple(lines))
