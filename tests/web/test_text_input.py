"""Text that cannot be encoded as UTF-8 is refused at the door (common/text_input.py)."""

from __future__ import annotations

import pytest

from microcred_web.common.errors import ApplicationError
from microcred_web.common.text_input import (
    holds_unpaired_surrogate,
    may_hold_surrogate_escape,
    refuse_escaped_surrogates,
    refuse_unpaired_surrogates,
    shown,
    unpaired_surrogate_at,
    utf8_body,
)


def test_unpaired_surrogates_are_found_with_their_path() -> None:
    assert unpaired_surrogate_at({"a": [1, {"b": "x\ud800"}]}) == "$.a[1].b"
    assert unpaired_surrogate_at({"\udc00": 1}, "body") == "body"
    assert unpaired_surrogate_at(["fine", "\U0001f393", {"k": None}]) is None  # a pair is fine
    assert holds_unpaired_surrogate(("a", None, ["b", {"c": "\udfff"}]))
    assert not holds_unpaired_surrogate(("a", None, ["b", {"c": "🎓"}]))


def test_refusals_name_the_field() -> None:
    with pytest.raises(ApplicationError) as caught:
        refuse_unpaired_surrogates(["ok", "\ud83d"], "recipients[0].evidence")
    assert caught.value.field == "recipients[0].evidence" and caught.value.status == 400
    assert "recipients[0].evidence[1]" in caught.value.message
    with pytest.raises(ApplicationError):
        refuse_escaped_surrogates('{"name": "\\ud800"}', "credential")
    refuse_escaped_surrogates('{"name": "\\ud83d\\ude00", "path": "C:\\\\ud800"}', "credential")
    refuse_escaped_surrogates("not json \\ud800", "credential")  # the verifier explains


def test_bodies_must_be_utf8_and_shown_text_is_encodable() -> None:
    assert utf8_body("é".encode()) == "é"
    with pytest.raises(ApplicationError) as caught:
        utf8_body(b'{"a": "\xed\xa0\x80"}')
    assert caught.value.code == "invalid_json" and "byte 7" in caught.value.message
    assert not may_hold_surrogate_escape(b'{"a": "\\u00e9"}')
    assert may_hold_surrogate_escape(b'{"a": "\\uD800"}')
    assert shown("a\ud800b") == "a\ufffdb" and shown("plain") == "plain"
    shown("a\ud800b").encode("utf-8")
