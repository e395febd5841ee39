"""The team skills matrix and its coverage as CSV and XLSX. Every text a person or an
administrator typed (names, skill labels) is neutralised: a spreadsheet never runs it as a
formula (a leading quote; XLSX cells are written as strings, never formulas)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from microcred_web.skills.matrix import Coverage
from microcred_web.skills.selectors import Matrix as TeamMatrix

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(text: str) -> str:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: shown as typed, never evaluated."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _person(user: Any) -> str:
    return str(user.display_name or user.email)


def cell_text(level: int, verified: bool, lapsed: bool, required: int) -> str:
    """ "3 verified / 4": level held, verified mark, level the current role requires."""
    text = "lapsed" if lapsed else (str(level) if level else "")
    if level and verified and not lapsed:
        text += " verified"
    if required:
        text += f" / {required}"
    return text


def matrix_csv(matrix: TeamMatrix, coverage: Mapping[int, Coverage], *, level: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["person", *(neutralise(s.label) for s in matrix.skills)])
    for user, cells in matrix.rows:
        writer.writerow(
            [
                neutralise(_person(user)),
                *(cell_text(c.level, c.verified, c.lapsed, c.required) for c in cells),
            ]
        )
    writer.writerow([])
    writer.writerow(
        ["skill", "holders", "verified", f"at level {level} or above", "required by", "short"]
    )
    for skill in matrix.skills:
        line = coverage[skill.pk]
        writer.writerow(
            [
                neutralise(skill.label),
                line.holders,
                line.verified,
                line.bench(level),
                line.required_by,
                line.short,
            ]
        )
    return "\ufeff" + out.getvalue()


def matrix_xlsx(matrix: TeamMatrix, coverage: Mapping[int, Coverage], *, level: int) -> bytes:
    """Two sheets: the matrix (levels as numbers, a colour scale, verified cells in bold) and
    the coverage per skill."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    verified = book.add_format({"bold": True, "font_color": "#1b5e20"})
    sheet = book.add_worksheet("Matrix")
    sheet.write_string(0, 0, "person", bold)
    for col, skill in enumerate(matrix.skills, start=1):
        sheet.write_string(0, col, neutralise(skill.label), bold)
    for row, (user, cells) in enumerate(matrix.rows, start=1):
        sheet.write_string(row, 0, neutralise(_person(user)))
        for col, cell in enumerate(cells, start=1):
            if cell.lapsed:
                sheet.write_string(row, col, "lapsed")
            elif cell.level:
                sheet.write_number(row, col, cell.level, verified if cell.verified else None)
    if matrix.rows and matrix.skills:
        sheet.conditional_format(
            1, 1, len(matrix.rows), len(matrix.skills), {"type": "2_color_scale"}
        )
    sheet.freeze_panes(1, 1)
    cover = book.add_worksheet("Coverage")
    headers = ["skill", "holders", "verified", f"at level {level} or above", "required by", "short"]
    for col, header in enumerate(headers):
        cover.write_string(0, col, header, bold)
    for row, skill in enumerate(matrix.skills, start=1):
        line = coverage[skill.pk]
        cover.write_string(row, 0, neutralise(skill.label))
        values = (line.holders, line.verified, line.bench(level), line.required_by, line.short)
        for col, value in enumerate(values, start=1):
            cover.write_number(row, col, value)
    book.close()
    return buffer.getvalue()
