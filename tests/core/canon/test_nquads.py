"""N-Quads terms, canonical escaping, the strict parser and the serializer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.canon.nquads import (
    XSD_STRING,
    Quad,
    escape_literal,
    iri,
    literal,
    parse_nquads,
    serialize,
    serialize_quad,
)
from microcred.errors import InvalidInput

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

# --- escape_literal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("\\", "\\\\"),
        ('"', '\\"'),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\b", "\\b"),
        ("\f", "\\f"),
        ("'", "'"),
        ("\x00", "\\u0000"),
        ("\x0b", "\\u000B"),
        ("\x1a\x1f", "\\u001A\\u001F"),
        ("\x7f", "\\u007F"),
        ("\x80\xa0", "\x80\xa0"),
        ("é∞😀", "é∞😀"),
        ("\u2028", "\u2028"),
        ('a"b\\c\nd', 'a\\"b\\\\c\\nd'),
    ],
)
def test_escape_literal(text: str, expected: str) -> None:
    assert escape_literal(text) == expected


def test_every_control_character_is_escaped() -> None:
    for code in [*range(0x20), 0x7F]:
        escaped = escape_literal(chr(code))
        assert escaped.startswith("\\"), hex(code)
        if escaped.startswith("\\u"):
            assert escaped == f"\\u{code:04X}"


@given(st.text())
def test_escaped_text_parses_back(text: str) -> None:
    term = literal(text)
    [quad] = parse_nquads(f"<urn:s> <urn:p> {term} .\n")
    assert quad[2] == term
    assert "\n" not in term and "\r" not in term


# --- constructors ----------------------------------------------------------------------------


def test_literal_forms() -> None:
    assert literal("x") == '"x"'
    assert literal("x", datatype=XSD_STRING) == '"x"'
    assert literal("5", datatype=XSD_INTEGER) == f'"5"^^<{XSD_INTEGER}>'
    assert literal("chat", language="fr-CA") == '"chat"@fr-CA'
    assert literal('a "b"', language="en") == '"a \\"b\\""@en'
    lang_string = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    assert literal("x", language="en", datatype=lang_string) == '"x"@en'


@pytest.mark.parametrize(
    "kwargs",
    [
        {"language": "en", "datatype": XSD_INTEGER},
        {"language": "en us"},
        {"language": ""},
        {"datatype": "relative"},
        {"datatype": "urn:a b"},
    ],
)
def test_literal_refuses(kwargs: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        literal("x", **kwargs)


def test_iri() -> None:
    assert iri("https://example.org/a#b") == "<https://example.org/a#b>"
    assert iri("urn:uuid:1234") == "<urn:uuid:1234>"


@pytest.mark.parametrize("value", ["", "relative/path", "urn:a b", "urn:<x>", 'urn:"', "urn:\\"])
def test_iri_refuses(value: str) -> None:
    with pytest.raises(InvalidInput):
        iri(value)


# --- serializer ------------------------------------------------------------------------------


def test_serialize_quad_default_and_named_graph() -> None:
    assert serialize_quad(("<urn:s>", "<urn:p>", '"o"', "")) == '<urn:s> <urn:p> "o" .\n'
    assert serialize_quad(("_:b0", "<urn:p>", "_:b1", "<urn:g>")) == "_:b0 <urn:p> _:b1 <urn:g> .\n"


def test_serialize_keeps_order() -> None:
    quads: list[Quad] = [
        ("<urn:b>", "<urn:p>", "<urn:o>", ""),
        ("<urn:a>", "<urn:p>", "<urn:o>", ""),
    ]
    assert serialize(quads) == "<urn:b> <urn:p> <urn:o> .\n<urn:a> <urn:p> <urn:o> .\n"


# --- parser ----------------------------------------------------------------------------------


def test_parse_every_term_kind() -> None:
    text = (
        "# a comment line\n"
        "\n"
        '<urn:s> <urn:p> "plain" .\n'
        '_:b0 <urn:p> "hi"@en-GB <urn:g> .\n'
        f'_:b0 <urn:p> "5"^^<{XSD_INTEGER}> _:g1 .\n'
        f'<urn:s> <urn:p> "typed string"^^<{XSD_STRING}> .  # trailing comment\n'
        "   \t\n"
    )
    assert parse_nquads(text) == [
        ("<urn:s>", "<urn:p>", '"plain"', ""),
        ("_:b0", "<urn:p>", '"hi"@en-GB', "<urn:g>"),
        ("_:b0", "<urn:p>", f'"5"^^<{XSD_INTEGER}>', "_:g1"),
        ("<urn:s>", "<urn:p>", '"typed string"', ""),
    ]


def test_parse_whitespace_is_optional_and_line_ends_vary() -> None:
    text = '<urn:s><urn:p>"o"<urn:g>.\r\n_:a.b\t<urn:p>\t_:c.\r<urn:s> <urn:p> <urn:o>.'
    assert parse_nquads(text) == [
        ("<urn:s>", "<urn:p>", '"o"', "<urn:g>"),
        ("_:a.b", "<urn:p>", "_:c", ""),
        ("<urn:s>", "<urn:p>", "<urn:o>", ""),
    ]


def test_parse_blank_node_labels() -> None:
    text = "_:0 <urn:p> _:x_y-z.w .\n_:é·1 <urn:p> _:a:b .\n"
    assert parse_nquads(text) == [
        ("_:0", "<urn:p>", "_:x_y-z.w", ""),
        ("_:é·1", "<urn:p>", "_:a:b", ""),
    ]


def test_parse_decodes_escapes_into_canonical_form() -> None:
    text = (
        '<urn:ex:\\u0065\\U0001F303> <urn:p> "\\u0041\\U0001F303\\t\\\'\\u0007\\u007f" .\n'
        '<urn:s> <urn:p> "x"^^<urn:dt:\\u0064> .\n'
    )
    assert parse_nquads(text) == [
        ("<urn:ex:e\U0001f303>", "<urn:p>", '"A\U0001f303\\t\'\\u0007\\u007F"', ""),
        ("<urn:s>", "<urn:p>", '"x"^^<urn:dt:d>', ""),
    ]


def test_parse_keeps_raw_unicode_and_line_separators_in_literals() -> None:
    text = '<urn:s> <urn:p> "a\u2028b\x85c\u00a0" .\n'
    assert parse_nquads(text) == [("<urn:s>", "<urn:p>", '"a\u2028b\x85c\u00a0"', "")]


def test_parse_keeps_duplicates() -> None:
    line = "<urn:s> <urn:p> <urn:o> .\n"
    assert len(parse_nquads(line * 3)) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<urn:s> <urn:p> <urn:o>\n", "expected ' .'"),
        ('"lit" <urn:p> <urn:o> .', "expected a subject"),
        ("<urn:s> _:p <urn:o> .", "expected a predicate"),
        ('<urn:s> <urn:p> "o" "g" .', "expected ' .'"),
        ("<urn:s> <urn:p> <urn:o> . extra", "expected ' .'"),
        ('<urn:s> <urn:p> "unterminated .', "malformed string literal"),
        ('<urn:s> <urn:p> "bad \\x escape" .', "malformed string literal"),
        ('<urn:s> <urn:p> "\\u12" .', "malformed string literal"),
        ("<relative> <urn:p> <urn:o> .", "not absolute"),
        ("<urn:a b> <urn:p> <urn:o> .", "malformed IRI"),
        ("<urn:a\\u0020b> <urn:p> <urn:o> .", "IRI escapes to a character"),
        ('<urn:s> <urn:p> "\\uD800" .', "not a Unicode scalar value"),
        ('<urn:s> <urn:p> "\\U00110000" .', "not a Unicode scalar value"),
        ("_:.a <urn:p> <urn:o> .", "malformed blank node"),
        ('<urn:s> <urn:p> "x"@ .', "expected ' .'"),
        ('<urn:s> <urn:p> "x"^^"y" .', "malformed IRI"),
        ("<urn:s> <urn:p> .", "expected an object"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_nquads(text)


def test_parse_error_names_the_line() -> None:
    text = "<urn:s> <urn:p> <urn:o> .\n# comment\n<urn:s> <urn:p> oops .\n"
    with pytest.raises(InvalidInput) as info:
        parse_nquads(text)
    assert info.value.problems[0].path == "line 3"
    assert "column 17" in info.value.problems[0].message


# --- round trips -----------------------------------------------------------------------------

_iris = st.sampled_from(["<urn:a>", "<urn:b>", "<https://example.org/x#y>", "<urn:ex:∞>"])
_blanks = st.from_regex(r"_:[a-z][a-z0-9]{0,3}", fullmatch=True)
_literals = st.builds(
    lambda text, kind: (
        literal(text)
        if kind == 0
        else literal(text, language="en-US")
        if kind == 1
        else literal(text, datatype=XSD_INTEGER)
    ),
    st.text(),
    st.integers(0, 2),
)
_quads = st.tuples(
    _iris | _blanks,
    _iris,
    _iris | _blanks | _literals,
    st.just("") | _iris | _blanks,
)


@given(st.lists(_quads, max_size=8))
def test_serialize_then_parse_round_trips(quads: list[Quad]) -> None:
    text = serialize(quads)
    assert parse_nquads(text) == quads
    assert serialize(parse_nquads(text)) == text


def test_suite_escaping_input_reaches_canonical_form() -> None:
    # every line of the W3C escaping test re-serializes to its canonical line
    from pathlib import Path

    base = Path(__file__).resolve().parents[2] / "vectors" / "rdf-canon" / "tests" / "rdfc10"
    source = (base / "test060-in.nq").read_text("utf-8")
    canonical = (base / "test060-rdfc10.nq").read_text("utf-8")
    assert sorted(serialize(parse_nquads(source)).split("\n")) == sorted(canonical.split("\n"))
