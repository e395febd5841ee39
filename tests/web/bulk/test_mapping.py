from __future__ import annotations

import pytest

from microcred_web.bulk.mapping import check_mapping, guess_mapping, row_recipient


def test_guess_mapping_recognises_common_headers() -> None:
    header = ["Nom complet", "Courriel", "Score", "Grade", "Evidence URL", "Department"]
    assert guess_mapping(header) == {
        "name": 0, "email": 1, "score": 2, "grade": 3, "evidence_url": 4,
    }  # fmt: skip


def test_guess_mapping_prefers_exact_names_and_uses_a_column_once() -> None:
    header = ["Email address", "Name", "Recipient DID"]
    assert guess_mapping(header) == {"email": 0, "name": 1, "did": 2}


def test_check_mapping_requires_a_recipient_column_and_distinct_columns() -> None:
    header = ["a", "b"]
    assert check_mapping({"name": 0}, header)
    assert check_mapping({"email": 0, "name": 0}, header)
    assert check_mapping({"email": 5}, header)
    assert check_mapping({"email": 0, "name": 1}, header) == []


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (["", "", "", "", ""], "No recipient"),
        (["not-an-address", "", "", "", ""], "not a valid e-mail"),
        (["a@b", "", "", "", ""], "not a valid e-mail"),
        (["", "did:bad", "", "", ""], "not a valid DID"),
        (["a@example.com", "", "lots", "", ""], "is not a number"),
        (["a@example.com", "", "", "", "ftp://x.example/f"], "not a web address"),
        (["a@example.com", "", "", "", "javascript:alert(1)"], "not a web address"),
    ],
)
def test_row_problems(values: list[str], problem: str) -> None:
    mapping = {"email": 0, "did": 1, "score": 2, "grade": 3, "evidence_url": 4}
    recipient = row_recipient(2, values, mapping)
    assert any(problem in p for p in recipient.problems), recipient.problems


def test_good_row_is_normalised() -> None:
    mapping = {"email": 0, "name": 1, "score": 2, "evidence_url": 3}
    recipient = row_recipient(
        7, [" Zoe@Example.com ", "Zoë", "87,5", "https://example.com/e/1"], mapping
    )
    assert recipient.problems == []
    assert recipient.email == "Zoe@Example.com"
    assert recipient.identity == "email:zoe@example.com"
    assert recipient.score == "87.5"
    assert recipient.row == 7
