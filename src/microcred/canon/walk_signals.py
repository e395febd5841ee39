"""Signals the compiled JSON-LD walk raises to its own caller (private).

They carry the JSON node they were raised at, so they live in this plain-Python module: mypyc
compiles an exception class defined in a compiled module as a native class, and such an
instance never releases its attributes, which kept every refused document alive
(docs/decisions/0012-compiled-engine.md).
"""

from __future__ import annotations

from typing import Any


class Undefined(Exception):
    """A property or type no context defines, met at ``holder[key]``."""

    def __init__(self, term: str, holder: Any, key: str | None) -> None:
        super().__init__(term)
        self.term, self.holder, self.key = term, holder, key


class BadValue(Exception):
    """A value JSON-LD cannot turn into RDF, met at ``holder[key]``."""

    def __init__(self, message: str, holder: Any, key: str | None) -> None:
        super().__init__(message)
        self.message, self.holder, self.key = message, holder, key


class TooDeep(Exception):
    """The walk's depth or size budget ran out at ``holder``."""

    def __init__(self, message: str, holder: Any) -> None:
        super().__init__(message)
        self.message, self.holder = message, holder
