"""A report as a CSV or an XLSX file (the same table the page shows).

CSV cells a spreadsheet would run as a formula are neutralised (common/csv_export.py); XLSX
cells are written as typed strings and numbers, never as formulas.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter
from django.http import HttpResponse
from django.utils.text import slugify

from microcred_web.common.csv_export import csv_response, spreadsheet_safe
from microcred_web.reports.selectors import ReportResult

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_filename(name: str, result: ReportResult, extension: str) -> str:
    base = slugify(name) or result.spec.measure
    return f"{base}-{result.spec.start.isoformat()}-{result.spec.end.isoformat()}.{extension}"


def report_csv_bytes(result: ReportResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(cell) for cell in result.header])
    for row in result.table:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def report_csv_response(name: str, result: ReportResult) -> HttpResponse:
    return csv_response(report_filename(name, result, "csv"), result.header, result.table)


def report_xlsx_bytes(name: str, result: ReportResult) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet((name or result.spec.measure)[:31].replace("/", "-"))
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(result.header):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(result.table, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, int | float):
                sheet.write_number(line, column, cell)
            else:
                sheet.write_string(line, column, str(cell))
    sheet.set_column(0, len(result.header) - 1, 24)
    workbook.close()
    return buffer.getvalue()


def report_xlsx_response(name: str, result: ReportResult) -> HttpResponse:
    response = HttpResponse(report_xlsx_bytes(name, result), content_type=XLSX_TYPE)
    filename = report_filename(name, result, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
