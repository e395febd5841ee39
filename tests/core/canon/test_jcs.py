"""RFC 8785 (JSON Canonicalization Scheme): the RFC's examples, number layout, errors."""

from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.canon.jcs import MAX_DEPTH, canonicalize_json
from microcred.errors import InvalidJSON, LimitExceeded

# --- RFC 8785 §3.2.2: the "numbers / string / literals" example -------------------------

RFC_EXAMPLE_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""

RFC_EXAMPLE_OUTPUT = (
    '{"literals":[null,true,false],'
    '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)


def test_rfc8785_main_example() -> None:
    assert canonicalize_json(json.loads(RFC_EXAMPLE_INPUT)) == RFC_EXAMPLE_OUTPUT.encode()


def test_rfc8785_main_example_utf8_bytes_of_euro_sign() -> None:
    out = canonicalize_json(json.loads(RFC_EXAMPLE_INPUT))
    assert b'"string":"\xe2\x82\xac$' in out  # € is written as UTF-8, not escaped


# --- RFC 8785 §3.2.3: sorting by UTF-16 code units ---------------------------------------

RFC_SORT_INPUT = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""


def test_rfc8785_sorting_example() -> None:
    out = canonicalize_json(json.loads(RFC_SORT_INPUT)).decode()
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert out == expected


def test_sorting_is_by_utf16_not_code_points() -> None:
    # U+1F600 is a surrogate pair D83D DE00, which sorts before U+FB33 in UTF-16 even though
    # its code point is larger.
    out = canonicalize_json({"\ufb33": 1, "\U0001f600": 2}).decode()
    assert out == '{"\U0001f600":2,"\ufb33":1}'


# --- RFC 8785 Appendix B: IEEE-754 doubles and their serialization ------------------------

APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(hex_bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_bits))[0]
    return value


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B, ids=[b for b, _ in APPENDIX_B])
def test_rfc8785_appendix_b_numbers(bits: str, expected: str) -> None:
    assert canonicalize_json(_double(bits)) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_rfc8785_appendix_b_nan_and_infinity_are_errors(bits: str) -> None:
    with pytest.raises(InvalidJSON, match=r"\$: .* is not a JSON number"):
        canonicalize_json(_double(bits))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123e18, "123000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-6, "0.000001"),
        (0.1, "0.1"),
        (0.5e-4, "0.00005"),
        (-0.0, "0"),
        (5.0, "5"),
        (-5.0, "-5"),
        (100.0, "100"),
        (1.25, "1.25"),
        (-123.456, "-123.456"),
        (2.5e-10, "2.5e-10"),
        (1.2345e25, "1.2345e+25"),
        (4.35, "4.35"),
        (0.002, "0.002"),
    ],
)
def test_number_layout(value: float, expected: str) -> None:
    assert canonicalize_json(value) == expected.encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (-7, "-7"), (2**53, "9007199254740992"), (-(2**53), "-9007199254740992")],
)
def test_safe_integers_are_written_in_full(value: int, expected: str) -> None:
    assert canonicalize_json(value) == expected.encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2**53 + 2, "9007199254740994"),
        (29736767672783630, "29736767672783630"),
        (-(10**21), "-1e+21"),
        (10**23, "1e+23"),  # no double is 10**23, but the text "1e+23" is exactly it
        (295147905179352830000, "295147905179352830000"),
    ],
)
def test_large_integers_whose_canonical_text_is_exact(value: int, expected: str) -> None:
    assert canonicalize_json(value) == expected.encode()


@pytest.mark.parametrize(
    "value",
    [2**53 + 1, -(2**53) - 1, 2**60, 2**68, 2**1024, -(10**400), 2**20000],
    ids=["2^53+1", "-2^53-1", "2^60", "2^68", "2^1024", "-10^400", "2^20000"],
)
def test_integers_the_canonical_text_would_change_are_refused(value: int) -> None:
    # e.g. 2**68 = 295147905179352825856 would be written 295147905179352830000
    with pytest.raises(InvalidJSON, match=r"\$\.n\[1\]: integer .* would change"):
        canonicalize_json({"n": [0, value]})


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip(value: float) -> None:
    assert float(canonicalize_json(value)) == value


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_safe_integers_match_their_float_form(value: int) -> None:
    # ECMAScript would print the double of the same value identically
    assert canonicalize_json(value) == canonicalize_json(float(value))


# --- strings, structure, literals ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", '""'),
        ('"', '"\\""'),
        ("\\", '"\\\\"'),
        ("\b\t\n\f\r", '"\\b\\t\\n\\f\\r"'),
        ("\x00\x01\x1f", '"\\u0000\\u0001\\u001f"'),
        ("\x7f", '"\x7f"'),
        ("/", '"/"'),
        ("\u2028\u2029", '"\u2028\u2029"'),
        ("é😀", '"é😀"'),
    ],
)
def test_string_escaping_is_minimal(text: str, expected: str) -> None:
    assert canonicalize_json(text) == expected.encode("utf-8")


def test_literals_and_whitespace() -> None:
    value = {"b": [True, False, None], "a": {"y": 1, "x": [1.5, "s"]}, "c": []}
    assert canonicalize_json(value) == b'{"a":{"x":[1.5,"s"],"y":1},"b":[true,false,null],"c":[]}'


def test_tuple_is_an_array() -> None:
    assert canonicalize_json({"a": (1, 2)}) == b'{"a":[1,2]}'


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**53), max_value=2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=5), children, max_size=4)
        ),
        max_leaves=15,
    )
)
def test_output_parses_back_to_the_same_value(value: object) -> None:
    out = canonicalize_json(value)
    # numbers are doubles in JSON: read integers as floats to compare (1 == 1.0, 0 == -0.0)
    assert json.loads(out, parse_int=float) == value
    assert canonicalize_json(json.loads(out)) == out  # idempotent, also via Python ints


# --- errors name the JSON path ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": {"b": [1, float("nan")]}}, r"\$\.a\.b\[1\]"),
        ({"proof": {"value": float("inf")}}, r"\$\.proof\.value"),
        ({"odd key": {"x": object()}}, r"\$\['odd key'\]\.x"),
        ([{"k": {1, 2}}], r"\$\[0\]\.k"),
        ({"a": b"bytes"}, r"\$\.a"),
        ({"a": {1: "x"}}, r"\$\.a: object key 1 is not a string"),
        ({"s": ["ok", "\ud800"]}, r"\$\.s\[1\]: string holds a lone surrogate"),
    ],
)
def test_errors_name_the_json_path(value: object, path: str) -> None:
    with pytest.raises(InvalidJSON, match=path) as info:
        canonicalize_json(value)
    assert info.value.problems, "the error lists its problem"


def test_too_deep_is_limit_exceeded() -> None:
    value: object = 1
    for _ in range(MAX_DEPTH + 1):
        value = [value]
    with pytest.raises(LimitExceeded, match="too deep"):
        canonicalize_json(value)


def test_deep_but_allowed_nesting() -> None:
    value: object = 1
    for _ in range(MAX_DEPTH - 1):
        value = {"a": value}
    assert canonicalize_json(value).count(b"{") == MAX_DEPTH - 1
