"""Reading an uploaded CSV of recipients: encoding, delimiter, header, rows with byte offsets.

The file is read as bytes, one physical line at a time, and each line is decoded as UTF-8
(a leading byte-order mark is dropped), so an undecodable byte is reported with its line
number. The ``csv`` module pulls lines from our generator only as it needs them, which lets
us record the byte offset where each record starts: a worker can later seek straight to the
first row of its chunk instead of re-reading the file from the top.

Row numbers are spreadsheet row numbers: the header is row 1, the first recipient row 2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from microcred_web.common.errors import ApplicationError

UTF8_BOM = b"\xef\xbb\xbf"
DELIMITERS = (",", ";", "\t")
SNIFF_BYTES = 64 * 1024
MAX_FIELD_CHARS = 10_000
MAX_COLUMNS = 200

csv.field_size_limit(MAX_FIELD_CHARS)


@dataclass(frozen=True)
class CsvLayout:
    """What :func:`inspect_csv` found about a file."""

    delimiter: str
    header: list[str]
    data_offset: int  # byte offset of row 2 (the first recipient row)
    has_bom: bool


@dataclass(frozen=True)
class CsvRow:
    number: int  # spreadsheet row number (header = 1)
    offset: int  # byte offset where the record starts
    values: list[str]


class _Lines:
    """Iterate a binary file's lines decoded as UTF-8, counting lines and bytes consumed."""

    def __init__(self, handle: IO[Any], *, offset: int, first_line: int) -> None:
        self.handle = handle
        self.consumed = offset
        self.line_number = first_line - 1

    def __iter__(self) -> Iterator[str]:
        # readline, not iteration: django's File.__iter__ restarts from the beginning.
        for raw in iter(self.handle.readline, b""):
            self.line_number += 1
            start = self.consumed
            self.consumed += len(raw)
            if start == 0 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApplicationError(
                    "csv_encoding",
                    _(
                        "Line %(line)d is not valid UTF-8 (byte 0x%(byte)02X at position "
                        "%(position)d). Save the file as “CSV UTF-8” and upload it again."
                    )
                    % {
                        "line": self.line_number,
                        "byte": raw[exc.start],
                        "position": exc.start + 1,
                    },
                    field="file",
                ) from exc


def _sniff_delimiter(sample: str) -> str:
    first_line = sample.splitlines()[0] if sample else ""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS))
        if dialect.delimiter in DELIMITERS:
            return dialect.delimiter
    except csv.Error:
        pass
    # The header decides: the delimiter it holds most often.
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def inspect_csv(handle: IO[Any]) -> CsvLayout:
    """Find the delimiter and header; raise ApplicationError for a file we cannot read."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise ApplicationError("csv_empty", _("The file is empty."), field="file")
    has_bom = head.startswith(UTF8_BOM)
    sample_bytes = head[len(UTF8_BOM) :] if has_bom else head
    if len(head) == SNIFF_BYTES:  # do not judge a character cut in half at the end
        sample_bytes = sample_bytes[: sample_bytes.rfind(b"\n") + 1] or sample_bytes
    sample = sample_bytes.decode("utf-8", errors="replace")
    delimiter = _sniff_delimiter(sample)
    handle.seek(0)
    lines = _Lines(handle, offset=0, first_line=1)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ApplicationError("csv_empty", _("The file is empty."), field="file") from None
    except csv.Error as exc:
        raise ApplicationError(
            "csv_malformed", _("The header row cannot be read: %s") % exc, field="file"
        ) from exc
    header = [cell.strip() for cell in header]
    if not any(header):
        raise ApplicationError(
            "csv_no_header", _("The first row must name the columns."), field="file"
        )
    if len(header) > MAX_COLUMNS:
        raise ApplicationError(
            "csv_too_many_columns",
            _("The file has %(n)d columns; at most %(max)d are allowed.")
            % {"n": len(header), "max": MAX_COLUMNS},
            field="file",
        )
    return CsvLayout(
        delimiter=delimiter, header=header, data_offset=lines.consumed, has_bom=has_bom
    )


def iter_rows(
    handle: IO[Any],
    layout: CsvLayout,
    *,
    offset: int | None = None,
    first_row: int = 2,
    stop_row: int | None = None,
) -> Iterator[CsvRow]:
    """Yield the data rows from ``offset`` (default: the first data row) up to ``stop_row``.

    Blank lines are skipped but keep their numbers. ``first_row`` must be the spreadsheet
    row number of the record starting at ``offset``.
    """
    start = layout.data_offset if offset is None else offset
    handle.seek(start)
    lines = _Lines(handle, offset=start, first_line=first_row)
    reader = csv.reader(lines, delimiter=layout.delimiter)
    number = first_row - 1
    while True:
        record_offset = lines.consumed
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ApplicationError(
                "csv_malformed",
                _("Row %(row)d cannot be read: %(error)s") % {"row": number + 1, "error": exc},
                field="file",
            ) from exc
        number += 1
        if stop_row is not None and number >= stop_row:
            return
        if not any(cell.strip() for cell in values):
            continue
        yield CsvRow(number=number, offset=record_offset, values=values)
