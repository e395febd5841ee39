"""N-Quads terms, a strict N-Quads parser and the canonical N-Quads serializer.

A term is held as its N-Quads text, already in canonical form (RDFC-1.0 §4.2 / RDF 1.2
canonical N-Quads), so that serializing a quad is string concatenation::

    "<http://example.org/iri>"                          IRI
    "_:b0"                                             blank node
    '"text"'                                           xsd:string literal (never ^^xsd:string)
    '"text"@en'                                        language-tagged string
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'  typed literal

A quad is ``(subject, predicate, object, graph)``; the graph ``""`` is the default graph.
Blank nodes are recognised by their first character ``_``, IRIs by ``<``, literals by ``"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from microcred.errors import InvalidInput, Problem

__all__ = [
    "XSD_STRING",
    "Quad",
    "Term",
    "escape_literal",
    "iri",
    "literal",
    "parse_nquads",
    "serialize",
    "serialize_quad",
]

Term = str
Quad = tuple[Term, Term, Term, Term]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# --- canonical escaping -------------------------------------------------------------------

_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ESCAPES: dict[int, str] = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
_ESCAPES.update(
    {
        0x08: "\\b",
        0x09: "\\t",
        0x0A: "\\n",
        0x0C: "\\f",
        0x0D: "\\r",
        0x22: '\\"',
        0x5C: "\\\\",
    }
)


def escape_literal(text: str) -> str:
    """Escape a literal's lexical form for canonical N-Quads (without the quotes).

    ``\\``, ``"``, and the controls U+0008, U+0009, U+000A, U+000C, U+000D become ECHARs
    (``\\b \\t \\n \\f \\r``); every other character in U+0000–U+001F and U+007F becomes
    ``\\u00XX`` with uppercase hex; everything else is written as itself.
    """
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_ESCAPES)


# --- term constructors --------------------------------------------------------------------

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")


def _check_iri(value: str) -> None:
    bad = _IRI_FORBIDDEN.search(value)
    if bad is not None:
        raise InvalidInput(
            "not an IRI", [Problem("$", f"character {bad.group()!r} is not allowed in an IRI")]
        )
    if _SCHEME.match(value) is None:
        raise InvalidInput("not an IRI", [Problem("$", f"{value!r} is not an absolute IRI")])


def iri(value: str) -> Term:
    """The IRI term ``<value>``; refuses relative IRIs and characters N-Quads cannot carry."""
    _check_iri(value)
    return f"<{value}>"


def literal(lexical: str, *, datatype: str | None = None, language: str | None = None) -> Term:
    """A literal term in canonical form. ``xsd:string`` is dropped; a language implies
    ``rdf:langString`` (any other datatype together with a language is refused)."""
    body = f'"{escape_literal(lexical)}"'
    if language is not None:
        if datatype is not None and not datatype.endswith("#langString"):
            raise InvalidInput(
                "not a literal",
                [Problem("$", "a literal cannot have both a language and a datatype")],
            )
        if _LANGTAG.fullmatch(language) is None:
            raise InvalidInput("not a literal", [Problem("$", f"bad language tag {language!r}")])
        return f"{body}@{language}"
    if datatype is None or datatype == XSD_STRING:
        return body
    _check_iri(datatype)
    return f"{body}^^<{datatype}>"


# --- serializer ---------------------------------------------------------------------------


def serialize_quad(q: Quad) -> str:
    """One canonical N-Quads line, ending in `` .\\n``; the default graph is omitted."""
    s, p, o, g = q
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def serialize(quads: Iterable[Quad]) -> str:
    """The quads as N-Quads lines, in the order given (see ``rdfc.canonicalize`` for order)."""
    return "".join(serialize_quad(q) for q in quads)


# --- parser -------------------------------------------------------------------------------

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI_CHARS = r'[^\x00-\x20<>"{}|^`\\]*'
_IRIREF = re.compile(f"<({_IRI_CHARS}(?:(?:{_UCHAR}){_IRI_CHARS})*)>")
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BLANK = re.compile(f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")
_STRING_CHARS = r'[^"\\\n\r]*'
_STRING = re.compile(f'"({_STRING_CHARS}(?:(?:\\\\[tbnrf"\'\\\\]|{_UCHAR}){_STRING_CHARS})*)"')
_LANG = re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")
_WS = re.compile(r"[ \t]*")
_END = re.compile(r"\.[ \t]*(?:#.*)?")
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_LINES = re.compile(r"\r\n?|\n")


class _SyntaxError(Exception):
    """Internal: a parse failure at a column, turned into InvalidInput with the line number."""


def _unescape_char(m: re.Match[str]) -> str:
    hexdigits = m.group(1) or m.group(2)
    if hexdigits is None:
        return _ECHAR[m.group(3)]
    code = int(hexdigits, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _SyntaxError(f"\\u escape {m.group()!r} is not a Unicode scalar value")
    return chr(code)


def _unescape(raw: str) -> str:
    return _UNESCAPE.sub(_unescape_char, raw) if "\\" in raw else raw


def _parse_iri(line: str, pos: int) -> tuple[Term, int]:
    m = _IRIREF.match(line, pos)
    if m is None:
        raise _SyntaxError(f"column {pos + 1}: malformed IRI")
    value = _unescape(m.group(1))
    if _IRI_FORBIDDEN.search(value) is not None:
        raise _SyntaxError(f"column {pos + 1}: IRI escapes to a character IRIs cannot hold")
    if _SCHEME.match(value) is None:
        raise _SyntaxError(f"column {pos + 1}: IRI {value!r} is not absolute")
    return f"<{value}>", m.end()


def _parse_blank(line: str, pos: int) -> tuple[Term, int]:
    m = _BLANK.match(line, pos)
    if m is None:
        raise _SyntaxError(f"column {pos + 1}: malformed blank node label")
    return m.group(), m.end()


def _parse_literal(line: str, pos: int) -> tuple[Term, int]:
    m = _STRING.match(line, pos)
    if m is None:
        raise _SyntaxError(f"column {pos + 1}: malformed string literal")
    body = f'"{escape_literal(_unescape(m.group(1)))}"'
    end = m.end()
    if line.startswith("^^", end):
        datatype, end = _parse_iri(line, end + 2)
        if datatype == f"<{XSD_STRING}>":
            return body, end
        return body + "^^" + datatype, end
    lang = _LANG.match(line, end)
    if lang is not None:
        return f"{body}@{lang.group(1)}", lang.end()
    return body, end


def _parse_term(line: str, pos: int, allowed: str, role: str) -> tuple[Term, int]:
    first = line[pos : pos + 1]
    if first == "<" and "i" in allowed:
        return _parse_iri(line, pos)
    if first == "_" and "b" in allowed:
        return _parse_blank(line, pos)
    if first == '"' and "l" in allowed:
        return _parse_literal(line, pos)
    raise _SyntaxError(f"column {pos + 1}: expected {role}")


def _parse_line(line: str) -> Quad | None:
    pos = _WS.match(line, 0).end()  # type: ignore[union-attr]
    if pos == len(line) or line[pos] == "#":
        return None
    s, pos = _parse_term(line, pos, "ib", "a subject (IRI or blank node)")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    p, pos = _parse_term(line, pos, "i", "a predicate IRI")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    o, pos = _parse_term(line, pos, "ibl", "an object (IRI, blank node or literal)")
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    g = ""
    if line[pos : pos + 1] in ("<", "_"):
        g, pos = _parse_term(line, pos, "ib", "a graph name (IRI or blank node)")
        pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    if _END.fullmatch(line, pos) is None:
        raise _SyntaxError(f"column {pos + 1}: expected ' .' to end the statement")
    return (s, p, o, g)


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document strictly into quads whose terms are in canonical form.

    Accepts one statement per line, comments and blank lines; decodes the 4- and 8-hex-digit
    ``\\u`` / ``\\U`` escapes in IRIs and literals and ECHARs in literals, drops
    ``^^xsd:string``.
    Duplicate statements are kept (``rdfc.canonicalize`` removes them).
    Raises :class:`~microcred.errors.InvalidInput` naming the line of the first error.
    """
    quads: list[Quad] = []
    for number, line in enumerate(_LINES.split(text), start=1):
        try:
            quad = _parse_line(line)
        except _SyntaxError as exc:
            raise InvalidInput("not valid N-Quads", [Problem(f"line {number}", str(exc))]) from None
        if quad is not None:
            quads.append(quad)
    return quads
