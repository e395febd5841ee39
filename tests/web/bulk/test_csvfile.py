from __future__ import annotations

import io

import pytest

from microcred_web.bulk import csvfile
from microcred_web.common.errors import ApplicationError


def _layout(data: bytes) -> tuple[io.BytesIO, csvfile.CsvLayout]:
    handle = io.BytesIO(data)
    return handle, csvfile.inspect_csv(handle)


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"email,name\na@example.com,A\n", ","),
        (b"email;name;score\na@example.com;A;3,5\n", ";"),
        (b"email\tname\na@example.com\tA\n", "\t"),
    ],
)
def test_delimiter_is_sniffed(data: bytes, delimiter: str) -> None:
    handle, layout = _layout(data)
    assert layout.delimiter == delimiter
    assert layout.header[:2] == ["email", "name"]
    rows = list(csvfile.iter_rows(handle, layout))
    assert rows[0].values[0] == "a@example.com"
    assert rows[0].number == 2


def test_utf8_bom_is_dropped_and_accents_kept() -> None:
    handle, layout = _layout("\ufeffE-mail,Nom\nzoe@example.com,Zoë Łukasiewicz\n".encode())
    assert layout.has_bom
    assert layout.header == ["E-mail", "Nom"]
    assert next(csvfile.iter_rows(handle, layout)).values[1] == "Zoë Łukasiewicz"


def test_latin1_bytes_are_refused_naming_the_line() -> None:
    data = "email,name\na@example.com,Ann\nb@example.com,Zoë\n".encode("latin-1")
    handle, layout = _layout(data)
    with pytest.raises(ApplicationError) as caught:
        list(csvfile.iter_rows(handle, layout))
    assert caught.value.code == "csv_encoding"
    assert "Line 3" in caught.value.message
    assert "0xEB" in caught.value.message


def test_offsets_let_a_reader_start_in_the_middle() -> None:
    lines = ["email,name"] + [f'p{i}@example.com,"Person\n{i}"' for i in range(1, 30)]
    handle, layout = _layout(("\n".join(lines) + "\n").encode())
    every = list(csvfile.iter_rows(handle, layout))
    assert len(every) == 29
    middle = every[10]
    resumed = list(
        csvfile.iter_rows(
            handle,
            layout,
            offset=middle.offset,
            first_row=middle.number,
            stop_row=middle.number + 5,
        )
    )
    assert [r.values for r in resumed] == [r.values for r in every[10:15]]
    assert [r.number for r in resumed] == [r.number for r in every[10:15]]
    assert resumed[0].values[1] == "Person\n11"


def test_blank_lines_keep_their_numbers() -> None:
    handle, layout = _layout(b"email\na@example.com\n\nb@example.com\n")
    assert [(r.number, r.values[0]) for r in csvfile.iter_rows(handle, layout)] == [
        (2, "a@example.com"),
        (4, "b@example.com"),
    ]


@pytest.mark.parametrize("data", [b"", b"   \n", b",,,\n"])
def test_empty_or_headerless_files_are_refused(data: bytes) -> None:
    with pytest.raises(ApplicationError) as caught:
        csvfile.inspect_csv(io.BytesIO(data))
    assert caught.value.code in {"csv_empty", "csv_no_header"}
