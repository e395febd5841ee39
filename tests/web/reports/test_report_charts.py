"""The SVG charts: accessible (title, desc, a title per mark), escaped, one per chart kind."""

from __future__ import annotations

from datetime import date

import pytest
from defusedxml import ElementTree

from microcred_web.reports.charts import funnel, report_chart
from microcred_web.reports.measures import report_spec_parse
from microcred_web.reports.selectors import ReportResult, ReportRow

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script>'


def _result(chart: str, two: bool) -> ReportResult:
    dimensions = ["month", "achievement"] if two else ["achievement"]
    spec = report_spec_parse(
        {"measure": "viewed", "dimensions": dimensions, "chart": chart},
        today=date(2026, 12, 7),
    )
    if two:
        rows = [
            ReportRow(("m1", 1), ("2026-10", EVIL), 3),
            ReportRow(("m1", 2), ("2026-10", "Forklift"), 1),
            ReportRow(("m2", 2), ("2026-11", "Forklift"), 4),
        ]
    else:
        rows = [ReportRow((1,), (EVIL,), 3), ReportRow((2,), ("Forklift",), 1)]
    return ReportResult(spec=spec, rows=rows)


@pytest.mark.parametrize(
    ("chart", "two", "mark"),
    [
        ("bar", False, "rect"),
        ("line", False, "circle"),
        ("stacked", True, "rect"),
        ("heatmap", True, "rect"),
        ("line", True, "circle"),
    ],
)
def test_each_chart_is_accessible_and_escaped(chart, two, mark) -> None:
    svg = str(report_chart(_result(chart, two)))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    marks = root.findall(f".//{SVG}{mark}")
    assert marks and all(m.find(f"{SVG}title") is not None for m in marks)
    if chart == "heatmap":  # 2 rows × 2 columns, an empty cell drawn as 0
        assert len(marks) == 4
        assert any(m.find(f"{SVG}title").text.endswith(": 0") for m in marks)


def test_funnel_shows_each_stage_and_its_share() -> None:
    svg = str(funnel(chart_id="f", title="Funnel", stages=[("Issued", 10), ("Claimed", 4)]))
    root = ElementTree.fromstring(svg)
    titles = [r.find(f"{SVG}title").text for r in root.findall(f".//{SVG}rect")]
    assert titles == ["Issued: 10 (100%)", "Claimed: 4 (40%)"]
    empty = ElementTree.fromstring(str(funnel(chart_id="e", title="Funnel", stages=[])))
    assert "No data" in empty.find(f"{SVG}desc").text
